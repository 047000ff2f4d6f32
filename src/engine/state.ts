/**
 * The engine's state: the lines with their ledgers, every order, the registers, and the
 * reading of it that several parts need (today's load on a line, a client's recent rushes,
 * which orders time has made late).
 */
import type { AtRiskReport, DeliveryRecord, ReworkRecord, Tier } from '../domain/types.js';
import { WorkingCalendar } from '../time/calendar.js';
import { MS_PER_DAY, MS_PER_HOUR } from '../time/units.js';
import { TextTable } from './_internal/text-table.js';
import { TimeColumns } from './_internal/time-columns.js';
import type { ResolvedConfig } from './config.js';
import { Line } from './line.js';
import type { OrderRecord, RushEntry } from './records.js';
import { RiskLog } from './risk-log.js';

/** The answer of `flagLate` when nothing is late: shared, so frozen. */
const NONE_LATE: string[] = Object.freeze([]) as unknown as string[];

export class EngineState {
  readonly config: Readonly<Omit<ResolvedConfig, 'clock'>>;
  readonly calendar: WorkingCalendar;
  readonly lines = new Map<string, Line>();
  readonly orders = new Map<string, OrderRecord>();
  /** The times of every order, by submission sequence number. */
  readonly times = new TimeColumns();
  readonly rushLog: RushEntry[] = [];
  readonly reworkLog: ReworkRecord[] = [];
  readonly reworkByOrder = new Map<string, ReworkRecord>();
  readonly riskLog = new RiskLog();
  /** The delivery register (发车登记), in hand-over order, and each delivered order's entry. */
  readonly deliveries: DeliveryRecord[] = [];
  readonly deliveryByOrder = new Map<string, DeliveryRecord>();
  /** Accepted client-rush times per client, oldest first. */
  readonly clientRushes = new Map<string, number[]>();
  /**
   * The registered clients' tiers, in registration order. An order of a client here must carry
   * this tier; a client not here is taken at the tier its order gives.
   */
  readonly clients = new Map<string, Tier>();
  readonly fmt: Intl.DateTimeFormat;
  /** The products some line makes. */
  readonly madeProducts: ReadonlySet<string>;
  /** The time of the last state-changing call; time never goes back. */
  lastTime = Number.NEGATIVE_INFINITY;
  /** Submission sequence: the last key of every comparison. */
  seq = 0;

  constructor(config: Omit<ResolvedConfig, 'clock'>) {
    this.config = config;
    this.calendar = new WorkingCalendar(config.calendar);
    for (const spec of config.lines) this.lines.set(spec.id, new Line(spec));
    for (const c of config.clients) this.clients.set(c.id, c.tier);
    this.madeProducts = new Set(config.lines.flatMap((l) => l.products));
    this.fmt = new Intl.DateTimeFormat('sv-SE', {
      timeZone: config.calendar.zone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
  }

  /**
   * Today's load on a line (rules.md §4): the work promised for the rest of the production
   * day against the capacity left in it, the day's capacity in units, and the client-rush
   * units already accepted for it.
   */
  loadOf(line: Line, now: number) {
    const cal = this.calendar;
    const pd = cal.productionDay(now);
    const cnow = cal.coord(now);
    const remainingToday = cal.coord(pd.close) - cnow;
    const promisedToday = line.startCoord(cnow) - cnow + line.ledger.workPromisedBy(pd.close);
    return {
      day: pd,
      remainingToday,
      promisedToday,
      tight: promisedToday >= this.config.policy.rush.tightLoad * remainingToday,
      // The production day's own hours: a half day holds half a quota day, overtime more; a
      // line that is down has no capacity today.
      dailyCapacity: (line.capacity * (cal.coord(pd.close) - cal.coord(pd.open))) / MS_PER_HOUR,
      used: line.rushUnits.get(pd.date) ?? 0,
    };
  }

  /** Accepted client rushes of a client within the frequency window ending now. */
  recentRushes(clientId: string, now: number): number {
    const times = this.clientRushes.get(clientId);
    if (!times) return 0;
    const since = now - this.config.policy.rush.frequencyWindowDays * MS_PER_DAY;
    // Times are appended in time order, so the window is a suffix: binary search its start.
    let lo = 0;
    let hi = times.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((times[mid] as number) > since) hi = mid;
      else lo = mid + 1;
    }
    return times.length - lo;
  }

  /**
   * Reports every order that can no longer make its promise because time passed while its line
   * was idle or its order in production ran long. Runs on every call that moves time; on a line
   * with nothing late it costs one comparison.
   */
  detectDelays(now: number): void {
    for (const line of this.lines.values()) {
      const b = line.busy;
      if (b && !b.reportedAtRisk && now > b.promisedBy) this.riskLog.add(b, now, 'line-delay');
      this.flagLate(line, now, 'line-delay');
    }
  }

  /** Marks and reports the on-time queued orders of a line that would now finish late. */
  flagLate(line: Line, now: number, cause: AtRiskReport['cause'], by?: string): string[] {
    return this.flagFrom(line, line.startCoord(this.calendar.coord(now)), now, cause, by);
  }

  /**
   * Marks and reports every on-time queued order of a line that is down: when it returns is
   * not known, so no promise on it can be known to hold (docs/rules.md, "A line down").
   */
  flagDown(line: Line, now: number): string[] {
    return this.flagFrom(line, Number.POSITIVE_INFINITY, now, 'capacity-drop');
  }

  /** Marks and reports the on-time queued orders of a line that miss their promise starting at `c0`. */
  private flagFrom(
    line: Line,
    c0: number,
    now: number,
    cause: AtRiskReport['cause'],
    by?: string,
  ): string[] {
    // Nothing late is the common case, on every call that moves time.
    if (line.ledger.onTimeFrom(c0)) return NONE_LATE;
    const ids: string[] = [];
    for (const h of line.ledger.takeAtRisk(c0)) {
      const rec = line.byHandle[h] as OrderRecord;
      this.riskLog.add(rec, now, cause, by);
      ids.push(rec.order.id);
    }
    return ids;
  }

  /**
   * A time in the lab's zone, `yyyy-MM-dd HH:mm`, as messages show it. Every zone offset since
   * 2000 is a whole number of minutes, so one minute always formats the same, and its text is
   * kept by the minute.
   */
  t(ms: number): string {
    if (!Number.isFinite(ms)) return String(ms);
    return this.minutes.get(0, ms, 0) ?? this.minutes.put(this.fmt.format(ms));
  }

  private readonly minutes = new TextTable();

  /** Sentences of decisions shared between orders (`reasons.ts`). */
  readonly sentences = new TextTable();
}
