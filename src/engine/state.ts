/**
 * The engine's state: the lines with their ledgers, the orders held, the registers, and the
 * reading of it that several parts need (today's load on a line, a client's recent rushes,
 * which orders time has made late).
 *
 * Retention: the state holds the work in hand and a window behind it. A settled order
 * (`isSettled`) leaves memory once `retention` has passed since it settled, with its at-risk
 * reports; rush register entries leave once `retention` has passed since their decision, closed
 * rework entries once it has passed since they were closed, a line's rush units per day once
 * their day is older than it. A client's accepted rush times are kept for the rush-frequency
 * window (`policy.rush.frequencyWindowDays`) whatever the retention, since the frequent-rusher
 * gate counts them. Each leaves when time moves (`forget`), in amortized O(1): every part
 * leaves in the order it was added, so each is a queue whose front is checked.
 */
import type { AtRiskReport, DeliveryRecord, ReworkRecord, Tier } from '../domain/types.js';
import { WorkingCalendar } from '../time/calendar.js';
import { MS_PER_DAY, MS_PER_HOUR } from '../time/units.js';
import { HeldWindow } from './_internal/held-window.js';
import { TextTable } from './_internal/text-table.js';
import { TimeColumns } from './_internal/time-columns.js';
import type { ResolvedConfig } from './config.js';
import { Line } from './line.js';
import {
  isSettled,
  type OrderRecord,
  type RecordsShared,
  type RushEntry,
  settledAt,
} from './records.js';
import { RiskLog } from './risk-log.js';

/** The answer of `flagLate` when nothing is late: shared, so frozen. */
const NONE_LATE: string[] = Object.freeze([]) as unknown as string[];

export class EngineState {
  readonly config: Readonly<Omit<ResolvedConfig, 'clock'>>;
  readonly calendar: WorkingCalendar;
  readonly lines = new Map<string, Line>();
  /** The orders held: the work in hand, and settled orders within the retention horizon. */
  readonly orders = new Map<string, OrderRecord>();
  /** The times of the orders held, by submission sequence number. */
  readonly times = new TimeColumns();
  /** What the records share: the times' columns, and the cut a snapshot is read from. */
  readonly records: RecordsShared = { times: this.times, cut: undefined };
  /** The rush register's entries decided within the retention horizon. */
  readonly rushLog = new HeldWindow<RushEntry>();
  /** The rework register's entries from the oldest open one or the oldest closed within the horizon. */
  readonly reworkLog = new HeldWindow<ReworkRecord>();
  /** The open rework entries by order id: `complete` closes them. */
  readonly reworkByOrder = new Map<string, ReworkRecord>();
  readonly riskLog = new RiskLog();
  /**
   * The delivery register (发车登记), in hand-over order, within the retention horizon, and
   * each delivered order's entry held.
   */
  readonly deliveries = new HeldWindow<DeliveryRecord>();
  readonly deliveryByOrder = new Map<string, DeliveryRecord>();
  /** Accepted client-rush times per client within the frequency window, oldest first. */
  readonly clientRushes = new Map<string, number[]>();
  /** The accepted client rushes of `clientRushes`, in time order: their clients and times. */
  private readonly rushClients = new HeldWindow<string>();
  private readonly rushTimes = new HeldWindow<number>();
  /** Settled orders held, in the order they settled (so by settle time). */
  private readonly settled = new HeldWindow<OrderRecord>();
  /** The retention horizon in ms. */
  readonly retentionMs: number;
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
    this.retentionMs = config.retention * MS_PER_DAY;
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

  /** Records an accepted client rush of `clientId` at `now` (the frequent-rusher gate counts it). */
  noteClientRush(clientId: string, now: number): void {
    const times = this.clientRushes.get(clientId);
    if (times) times.push(now);
    else this.clientRushes.set(clientId, [now]);
    this.rushClients.push(clientId);
    this.rushTimes.push(now);
  }

  /** Adds accepted client-rush units to a line's production day; days past the horizon leave. */
  addRushUnits(line: Line, day: string, units: number, now: number): void {
    const used = line.rushUnits.get(day);
    if (used === undefined) {
      // Days are added in time order, so those older than the horizon are the map's first keys.
      const oldest = this.calendar.dayOf(now - this.retentionMs).date;
      for (const d of line.rushUnits.keys()) {
        if (d >= oldest) break;
        line.rushUnits.delete(d);
      }
    }
    line.rushUnits.set(day, (used ?? 0) + units);
  }

  /** An order has settled (`isSettled`): its retention horizon runs from now on. */
  settle(rec: OrderRecord): void {
    if (isSettled(rec)) this.settled.push(rec);
  }

  /**
   * Time has moved to `now`: what passed the retention horizon (or, for rush times, the
   * frequency window) leaves memory. Settled orders and rush entries leave at `retention` after
   * they settled or were decided; since a rush is decided before its order settles, an entry
   * always leaves no later than its order, so an entry held can always be rendered from it.
   */
  forget(now: number): void {
    const cutoff = now - this.retentionMs;
    for (let r = this.settled.first(); r !== undefined && settledAt(r) <= cutoff; ) {
      this.settled.dropFirst();
      // An order's id may have been used again after it left; only its own entry goes.
      if (this.orders.get(r.order.id) === r) this.orders.delete(r.order.id);
      r.leaving();
      this.times.free(r.seq);
      if (r.reportedAtRisk) this.riskLog.forget(r);
      r = this.settled.first();
    }
    // An order in hand keeps its entry (`rushEntry`: a cancel, a hold or an amendment reads
    // and marks it) after the entry leaves the register; a snapshot carries it with the order.
    for (let e = this.rushLog.first(); e !== undefined && e.requestedAt <= cutoff; ) {
      this.rushLog.dropFirst();
      e = this.rushLog.first();
    }
    for (let d = this.deliveries.first(); d !== undefined && d.deliveredAt <= cutoff; ) {
      this.deliveries.dropFirst();
      if (this.deliveryByOrder.get(d.orderId) === d) this.deliveryByOrder.delete(d.orderId);
      d = this.deliveries.first();
    }
    for (
      let w = this.reworkLog.first();
      w?.closedAt !== undefined && w.closedAt <= cutoff;
      w = this.reworkLog.first()
    )
      this.reworkLog.dropFirst();
    // A time at or before `since` is never counted again: calls' times never go back.
    const since = now - this.config.policy.rush.frequencyWindowDays * MS_PER_DAY;
    for (let t = this.rushTimes.first(); t !== undefined && t <= since; ) {
      const client = this.rushClients.first() as string;
      const times = this.clientRushes.get(client);
      // The oldest rush of all is its client's oldest, unless a hold took it back already.
      if (times !== undefined && times[0] === t) {
        times.shift();
        if (times.length === 0) this.clientRushes.delete(client);
      }
      this.rushTimes.dropFirst();
      this.rushClients.dropFirst();
      t = this.rushTimes.first();
    }
  }

  /** Rebuilds the queues of what leaves memory from the state a snapshot restored. */
  afterRestore(): void {
    const settled = [...this.orders.values()].filter(isSettled);
    settled.sort((a, b) => settledAt(a) - settledAt(b) || a.seq - b.seq);
    for (const r of settled) this.settled.push(r);
    const rushes: [number, string][] = [];
    for (const [client, times] of this.clientRushes)
      for (const t of times) rushes.push([t, client]);
    rushes.sort((a, b) => a[0] - b[0]);
    for (const [t, client] of rushes) {
      this.rushTimes.push(t);
      this.rushClients.push(client);
    }
  }

  /** How much the state holds: the counts that retention keeps bounded. */
  sizes() {
    let rushDays = 0;
    for (const l of this.lines.values()) rushDays += l.rushUnits.size;
    return {
      orders: this.orders.size,
      settled: this.settled.held,
      rush: this.rushLog.held,
      rework: this.reworkLog.held,
      deliveries: this.deliveries.held,
      atRisk: this.riskLog.held,
      clientRushes: this.rushTimes.held,
      rushDays,
      timePages: this.times.pageCount,
    };
  }

  /**
   * Reports every order that can no longer make its promise because time passed while its line
   * was idle or its order in production ran long. Runs on every call that moves time; on a line
   * with nothing late it costs one comparison.
   */
  detectDelays(now: number): void {
    // One calendar coordinate for every line: the work of a call does not grow with its lines.
    const c = this.calendar.coord(now);
    for (const line of this.lines.values()) {
      const b = line.busy;
      if (b && !b.reportedAtRisk && now > b.promisedBy) this.riskLog.report(b, now, 'line-delay');
      this.flagFrom(line, line.startCoord(c), now, 'line-delay');
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
      this.riskLog.report(rec, now, cause, by);
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
