/**
 * A deliberately simple reference scheduler for model-based tests: a sorted array per line,
 * an O(n) walk for every feasibility question, and a brute-force search over every candidate
 * promise for available-to-promise. It shares with the engine only the calendar and the quota's
 * arithmetic (`quotaLimit`, `exceedsQuota`: a rounding rule, not an algorithm under test), each
 * tested on its own, and rules.md; everything else is written again, the slow and obvious way.
 */
import type { Policy } from '../../domain/policy.js';
import type { Order, Tier, Urgency } from '../../domain/types.js';
import type { ResolvedConfig } from '../../engine/config.js';
import { type CustomGate, exceedsQuota, quotaLimit } from '../../policy/gates.js';
import { WorkingCalendar } from '../../time/calendar.js';
import { MS_PER_DAY, MS_PER_HOUR, MS_PER_MINUTE } from '../../time/units.js';

const TIER: Record<Tier, number> = { key: 0, special: 1, regular: 2 };

interface Entry {
  id: string;
  clientId: string;
  tier: Tier;
  product: string;
  quantity: number;
  uploadedAt: number;
  company: boolean;
  plain: boolean;
  seq: number;
  promise: number;
  atRisk: boolean;
  /** The order as it stands (amendments change it), to decide it again on release. */
  order: Order & { uploadedAt: number };
  /** The time it asked for when last promised. */
  requestedBy: number;
  /** An accepted client rush: its urgency deadline. */
  deadline?: number;
  /** An accepted client rush while its units count: the day, the units and the limit then. */
  counted?: { day: string; units: number; limit: number; time: number };
}

/** A hand-over as the delivery register lists it. */
export interface RefDelivery {
  orderId: string;
  clientId: string;
  via: 'ship' | 'pickup';
  reference?: string;
  shortItems: number;
  deliveredAt: number;
  dueBy: number;
  onTime: boolean;
}

type Status = 'queued' | 'held' | 'in-production' | 'finished' | 'delivered' | 'cancelled';

interface RefLine {
  id: string;
  products: string[];
  rate: number;
  queue: Entry[];
  busy?: { entry: Entry; finish: number };
  rushUnits: Map<string, number>;
  /** The coordinate at which the line went down (capacity 0), while it is down; `rate` is the rate it had. */
  downAt?: number;
}

export interface RefDecision {
  outcome: string;
  promisedBy: number;
  rule: string;
  atRisk: string[];
  earliestPossible?: number;
}

export class ReferenceScheduler {
  readonly cal: WorkingCalendar;
  readonly lines: RefLine[];
  readonly policy: Policy;
  private readonly gates: readonly CustomGate[];
  private readonly perItem: Record<string, number>;
  private seq = 0;
  private rushTimes = new Map<string, number[]>();
  /** Every order decided, with its line and status. */
  private readonly known = new Map<string, { e: Entry; line: RefLine; status: Status }>();
  /** Every order whose promise time passed while it was queued or in production, as told. */
  readonly late: string[] = [];
  private readonly told = new Set<string>();
  /** Finished orders not yet handed over, in finishing order. */
  readonly finished: Entry[] = [];

  /** One line per product: which of several lines takes an order is not modelled. */
  constructor(config: ResolvedConfig) {
    this.cal = new WorkingCalendar(config.calendar);
    this.policy = config.policy;
    this.gates = config.gates;
    this.perItem = Object.fromEntries(
      Object.entries(config.products).map(([k, v]) => [k, v.unitsPerItem]),
    );
    this.lines = config.lines.map((l) => ({
      id: l.id,
      products: [...l.products],
      rate: l.unitsPerHour,
      queue: [],
      rushUnits: new Map(),
    }));
  }

  /** Units of work of `quantity` items of `product`. */
  units(product: string, quantity: number): number {
    return quantity * (this.perItem[product] ?? 1);
  }

  work(line: RefLine, e: { product: string; quantity: number }): number {
    return Math.ceil((this.units(e.product, e.quantity) * MS_PER_HOUR) / line.rate);
  }

  private before(a: Entry, b: Entry): boolean {
    if (a.company !== b.company) return a.company;
    if (a.company) return a.seq < b.seq;
    if (a.promise !== b.promise) return a.promise < b.promise;
    if (a.tier !== b.tier) return TIER[a.tier] < TIER[b.tier];
    if (a.uploadedAt !== b.uploadedAt) return a.uploadedAt < b.uploadedAt;
    return a.id < b.id;
  }

  private insertSorted(queue: Entry[], e: Entry): Entry[] {
    const out = [...queue];
    let i = 0;
    while (i < out.length && this.before(out[i] as Entry, e)) i++;
    out.splice(i, 0, e);
    return out;
  }

  /** Working ms the order in production has left at coordinate c; on a line down, as it went down. */
  private left(line: RefLine, c: number): number {
    if (!line.busy) return 0;
    return Math.max(0, line.busy.finish - (line.downAt ?? c));
  }

  /** Where the queue starts: after the order in production (on a line down, as if it came back now). */
  private c0(line: RefLine, now: number): number {
    const c = this.cal.coord(now);
    return c + this.left(line, c);
  }

  /** Walks a queue: the ids of on-time orders that would finish after their promise. */
  private lateIn(line: RefLine, queue: Entry[], now: number): string[] {
    let c = this.c0(line, now);
    const late: string[] = [];
    for (const e of queue) {
      c += this.work(line, e);
      if (!e.atRisk && c > this.cal.coord(e.promise)) late.push(e.id);
    }
    return late;
  }

  private finishOf(line: RefLine, queue: Entry[], id: string, now: number): number {
    let c = this.c0(line, now);
    for (const e of queue) {
      c += this.work(line, e);
      if (e.id === id) return c;
    }
    throw new Error('not in queue');
  }

  private fits(line: RefLine, e: Entry, now: number): boolean {
    const q = this.insertSorted(line.queue, e);
    return (
      this.lateIn(line, q, now).length === 0 &&
      this.finishOf(line, q, e.id, now) <= this.cal.coord(e.promise)
    );
  }

  /** The earliest promise ≥ requested that fits, by trying every candidate. */
  private atp(line: RefLine, e: Entry, requested: number, now: number): number {
    const c0 = this.c0(line, now);
    const w = this.work(line, e);
    const candidates = new Set<number>([requested]);
    let prefix = 0;
    candidates.add(this.cal.timeAt(c0 + w));
    for (const q of line.queue) {
      prefix += this.work(line, q);
      candidates.add(this.cal.timeAt(c0 + prefix + w));
      candidates.add(q.promise);
      candidates.add(q.promise + 1);
    }
    for (const p of [...candidates].filter((p) => p >= requested).sort((a, b) => a - b)) {
      if (this.fits(line, { ...e, promise: p }, now)) return p;
    }
    throw new Error('reference: no feasible promise');
  }

  private flag(line: RefLine, now: number): string[] {
    const ids = this.lateIn(line, line.queue, now);
    for (const e of line.queue) if (ids.includes(e.id)) e.atRisk = true;
    return ids;
  }

  advance(now: number): void {
    this.tellLate(now);
    for (const line of this.lines) {
      if (line.busy && now > line.busy.entry.promise) line.busy.entry.atRisk = true;
      this.flag(line, now);
    }
  }

  /**
   * On a line that is down: the order is decided as if the line came back now, a client rush is
   * declined as unreachable without a counter-offer, and the order is at risk from the start.
   */
  submit(o: Order & { uploadedAt: number }, now: number): RefDecision {
    const line = this.lines.find((l) => l.products.includes(o.product)) as RefLine;
    const d = this.decide(o, now, line);
    if (line.downAt === undefined) return d;
    const e = line.queue.find((q) => q.id === o.id) as Entry;
    e.atRisk = true;
    return { ...d, atRisk: [...d.atRisk, o.id] };
  }

  private decide(o: Order & { uploadedAt: number }, now: number, line: RefLine): RefDecision {
    this.advance(now);
    const e: Entry = {
      id: o.id,
      clientId: o.clientId,
      tier: o.tier,
      product: o.product,
      quantity: o.quantity,
      uploadedAt: o.uploadedAt,
      company: false,
      plain: false,
      seq: ++this.seq,
      promise: 0,
      atRisk: false,
      order: { ...o },
      requestedBy: 0,
    };
    this.known.set(o.id, { e, line, status: 'queued' });
    const rush = o.rush;
    const c0 = this.c0(line, now);
    const w = this.work(line, o);
    const companyWork = line.queue
      .filter((q) => q.company)
      .reduce((s, q) => s + this.work(line, q), 0);
    if (rush?.cause && rush.cause !== 'client') {
      e.company = true;
      const finish = c0 + companyWork + w;
      const deadline = this.cal.timeAt(
        finish + this.policy.rush.immediateBufferMinutes * MS_PER_MINUTE,
      );
      e.promise = deadline;
      e.requestedBy = deadline;
      line.queue = this.insertSorted(line.queue, e);
      const atRisk = this.flag(line, now);
      return { outcome: 'rush-accepted', promisedBy: e.promise, rule: 'company-fault', atRisk };
    }
    if (rush) {
      const urgency = rush.urgency as Urgency;
      const first = c0 + companyWork + w;
      const today = this.cal.dayOf(now);
      const local = new Intl.DateTimeFormat('sv-SE', {
        timeZone: this.cal.spec.zone,
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      }).format(now);
      // On an exception day the cutoff keeps its distance from the close.
      const hours = this.cal.exceptionOn(today.date);
      const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3));
      const cutoff = hours
        ? hours.close - (minutes(this.cal.spec.close) - minutes(this.policy.rush.sameDayCutoff))
        : minutes(this.policy.rush.sameDayCutoff);
      const afterCutoff = today.working && now < (today.close as number) && minutes(local) > cutoff;
      let deadline: number | undefined;
      if (urgency === 'immediate') {
        // After the cutoff nothing is promised for today: made from the next opening.
        const finish = afterCutoff
          ? Math.max(first, this.cal.coord(this.cal.nextWorkingDay(now).open) + w)
          : first;
        deadline = this.cal.timeAt(
          finish + this.policy.rush.immediateBufferMinutes * MS_PER_MINUTE,
        );
      }
      if (urgency === 'half-day')
        deadline = this.cal.timeAt(
          this.cal.coord(now) + this.policy.rush.halfDayHours * MS_PER_HOUR,
        );
      if (urgency === 'next-day') deadline = this.cal.nextWorkingDay(now).close;
      if (urgency === 'same-day' && today.working && now < (today.close as number) && !afterCutoff)
        deadline = today.close;
      const pd = this.cal.productionDay(now);
      const remaining = this.cal.coord(pd.close) - this.cal.coord(now);
      let promisedToday = this.left(line, this.cal.coord(now));
      for (const q of line.queue)
        if (q.company || q.promise <= pd.close) promisedToday += this.work(line, q);
      const tight = promisedToday >= this.policy.rush.tightLoad * remaining;
      const down = line.downAt !== undefined;
      const dayCap =
        ((down ? 0 : line.rate) * (this.cal.coord(pd.close) - this.cal.coord(pd.open))) /
        MS_PER_HOUR;
      const used = line.rushUnits.get(pd.date) ?? 0;
      const since = now - this.policy.rush.frequencyWindowDays * MS_PER_DAY;
      const recent = (this.rushTimes.get(o.clientId) ?? []).filter((t) => t > since).length;
      let rule = 'accepted';
      if (down || deadline === undefined || first > this.cal.coord(deadline))
        rule = 'deadline-unreachable';
      else if (
        exceedsQuota(
          used,
          this.units(o.product, o.quantity),
          quotaLimit(this.policy, o.tier, dayCap),
        )
      )
        rule = 'daily-rush-quota';
      else if (tight && o.tier !== 'key' && recent >= this.policy.rush.frequentRushCount)
        rule = 'frequent-rusher';
      else if (
        tight &&
        o.tier === 'regular' &&
        o.quantity > (this.policy.rush.smallQuantity[o.product] ?? 0)
      )
        rule = 'large-rush-under-load';
      else {
        const normalized = { ...o, rush: { ...o.rush, cause: 'client' as const } };
        for (const g of this.gates) {
          let why: unknown;
          try {
            why = g.decline(structuredClone({ order: normalized, urgency } as never), {
              at: now,
              day: pd.date,
              line: line.id,
              units: this.units(o.product, o.quantity),
              deadline,
              tight,
              quotaUsed: used,
              quotaLimit: quotaLimit(this.policy, o.tier, dayCap),
              dailyCapacity: dayCap,
              recentRushes: recent,
            });
          } catch {
            why = 'failed';
          }
          // As the engine: anything but undefined (or null) declines.
          if (why !== undefined && why !== null) {
            rule = g.id;
            break;
          }
        }
        if (rule === 'accepted' && !this.fits(line, { ...e, promise: deadline }, now))
          rule = 'would-break-promises';
      }
      if (rule === 'accepted') {
        // The earlier of the deadline and the order's own request: a rush never makes a
        // promise later; the deadline fits, so the search from there ends by it.
        const asked = Math.min(deadline as number, this.ownRequest(o));
        e.promise =
          asked < (deadline as number) ? this.atp(line, e, asked, now) : (deadline as number);
        e.requestedBy = asked;
        e.deadline = deadline;
        e.counted = {
          day: pd.date,
          units: this.units(o.product, o.quantity),
          limit: quotaLimit(this.policy, o.tier, dayCap),
          time: now,
        };
        line.queue = this.insertSorted(line.queue, e);
        line.rushUnits.set(pd.date, used + this.units(o.product, o.quantity));
        this.rushTimes.set(o.clientId, [...(this.rushTimes.get(o.clientId) ?? []), now]);
        return { outcome: 'rush-accepted', promisedBy: e.promise, rule, atRisk: [] };
      }
      const earliest =
        !down && (rule === 'deadline-unreachable' || rule === 'would-break-promises')
          ? this.atp(line, e, deadline ?? now, now)
          : undefined;
      const d = this.queueNormal(line, e, o, now);
      return {
        outcome: 'rush-declined',
        promisedBy: d,
        rule,
        atRisk: [],
        ...(earliest !== undefined ? { earliestPossible: earliest } : {}),
      };
    }
    const promise = this.queueNormal(line, e, o, now);
    const rule = promise === this.requested ? 'requested-time' : 'available-to-promise';
    return { outcome: 'queued', promisedBy: promise, rule, atRisk: [] };
  }

  private requested = 0;

  /** The time an order asks for on its own: its turnaround, or its ship or pickup time when earlier. */
  private ownRequest(o: Order & { uploadedAt: number }): number {
    let requested = o.uploadedAt + this.policy.standardTurnaroundHours[o.tier] * MS_PER_HOUR;
    if (typeof o.shipBy === 'number') requested = Math.min(requested, o.shipBy);
    if (typeof o.pickupAt === 'number') requested = Math.min(requested, o.pickupAt);
    return requested;
  }

  private queueNormal(
    line: RefLine,
    e: Entry,
    o: Order & { uploadedAt: number },
    now: number,
  ): number {
    let requested = this.ownRequest(o);
    e.plain = o.shipBy === undefined && o.pickupAt === undefined;
    if (e.plain) {
      for (const q of line.queue)
        if (q.plain && q.tier === e.tier && q.uploadedAt < e.uploadedAt)
          requested = Math.max(requested, q.promise);
    }
    this.requested = requested;
    e.requestedBy = requested;
    e.promise = this.atp(line, e, requested, now);
    line.queue = this.insertSorted(line.queue, e);
    return e.promise;
  }

  next(lineId: string, now: number): string | undefined {
    this.advance(now);
    const line = this.lines.find((l) => l.id === lineId) as RefLine;
    if (line.downAt !== undefined) return undefined;
    const e = line.queue.shift();
    if (!e) return undefined;
    this.setStatus(e.id, 'in-production');
    line.busy = { entry: e, finish: this.cal.coord(now) + this.work(line, e) };
    return e.id;
  }

  complete(lineId: string, now: number): void {
    // Time passes with the order still in production: finished late, it was late first.
    this.tellLate(now);
    const line = this.lines.find((l) => l.id === lineId) as RefLine;
    if (line.busy) {
      this.setStatus(line.busy.entry.id, 'finished');
      this.finished.push(line.busy.entry);
    }
    line.busy = undefined;
    this.advance(now);
  }

  private setStatus(id: string, status: Status): void {
    const k = this.known.get(id);
    if (k) k.status = status;
  }

  /** The order `id` when its status is one of `allowed` (and, if `clientOnly`, not company-caused). */
  private lifeOf(id: string, allowed: Status[], clientOnly: boolean) {
    const k = this.known.get(id);
    if (!k || !allowed.includes(k.status) || (clientOnly && k.e.company)) return undefined;
    return k;
  }

  /** An accepted client rush stops counting: its units leave its day's quota. */
  private uncount(k: { e: Entry; line: RefLine }): void {
    const c = k.e.counted;
    if (!c) return;
    const left = (k.line.rushUnits.get(c.day) ?? 0) - c.units;
    if (left > 0) k.line.rushUnits.set(c.day, left);
    else k.line.rushUnits.delete(c.day);
    k.e.counted = undefined;
  }

  /** Cancels a queued, held or in-production order; `undefined` when the engine must refuse. */
  cancel(id: string, now: number): { was: Status } | undefined {
    const k = this.lifeOf(id, ['queued', 'held', 'in-production'], false);
    if (!k) return undefined;
    this.advance(now);
    const was = k.status;
    if (was === 'queued') k.line.queue = k.line.queue.filter((q) => q !== k.e);
    if (was === 'in-production') k.line.busy = undefined;
    // A cancelled rush stays in the client's history.
    this.uncount(k);
    k.status = 'cancelled';
    return { was };
  }

  /** Holds a queued client order; `undefined` when the engine must refuse. */
  hold(id: string, now: number): boolean {
    const k = this.lifeOf(id, ['queued'], true);
    if (!k) return false;
    this.advance(now);
    k.line.queue = k.line.queue.filter((q) => q !== k.e);
    const c = k.e.counted;
    if (c) {
      // A held rush leaves the client's history: its release is decided again.
      const times = this.rushTimes.get(k.e.clientId) ?? [];
      const i = times.lastIndexOf(c.time);
      if (i >= 0)
        this.rushTimes.set(
          k.e.clientId,
          times.filter((_, j) => j !== i),
        );
    }
    this.uncount(k);
    k.status = 'held';
    return true;
  }

  /** Releases a held order: decided again as a submission now; `undefined` when refused. */
  release(id: string, now: number): RefDecision | undefined {
    const k = this.lifeOf(id, ['held'], true);
    if (!k) return undefined;
    const d = this.submit(k.e.order, now);
    // Once reported at risk, an order stays reported; released onto a line that is down, it is
    // at risk from the release on, as a submission there is.
    const again = this.known.get(id) as { e: Entry };
    again.e.atRisk ||= k.e.atRisk;
    return d;
  }

  /**
   * Amends a queued or held client order; `undefined` when refused (a quantity that takes an
   * accepted rush past its quota included).
   */
  amend(
    id: string,
    changes: { quantity?: number; shipBy?: number; pickupAt?: number },
    now: number,
  ): { rule: string; promisedBy: number } | undefined {
    const k = this.lifeOf(id, ['queued', 'held'], true);
    if (!k) return undefined;
    const e = k.e;
    const order = { ...e.order, ...changes };
    const units = this.units(order.product, order.quantity);
    const c = e.counted;
    if (c && units > c.units) {
      const used = (k.line.rushUnits.get(c.day) ?? 0) - c.units;
      if (exceedsQuota(used, units, c.limit)) return undefined;
    }
    this.advance(now);
    e.order = order;
    e.quantity = order.quantity;
    if (k.status === 'held') return { rule: 'amended-while-held', promisedBy: e.promise };
    const line = k.line;
    line.queue = line.queue.filter((q) => q !== e);
    if (c) {
      line.rushUnits.set(c.day, (line.rushUnits.get(c.day) ?? 0) - c.units + units);
      c.units = units;
    }
    let requested = this.ownRequest(order);
    if (e.deadline !== undefined) requested = Math.min(e.deadline, requested);
    else {
      e.plain = order.shipBy === undefined && order.pickupAt === undefined;
      if (e.plain)
        for (const q of line.queue)
          if (q.plain && q.tier === e.tier && q.uploadedAt < e.uploadedAt)
            requested = Math.max(requested, q.promise);
    }
    const keep = requested >= e.requestedBy && this.fits(line, e, now);
    if (!keep) e.promise = this.atp(line, e, requested, now);
    e.requestedBy = requested;
    line.queue = this.insertSorted(line.queue, e);
    return { rule: keep ? 'amended-promise-kept' : 'amended-promise-moved', promisedBy: e.promise };
  }

  /**
   * Hands over the `index`-th finished order: due by the ship or pickup time its hand-over
   * answers to (the other one when it has only that), else by its promise.
   */
  deliver(index: number, via: 'ship' | 'pickup', shortItems: number, now: number): RefDelivery {
    this.advance(now);
    const [e] = this.finished.splice(index, 1) as [Entry];
    this.setStatus(e.id, 'delivered');
    const shipBy = e.order.shipBy as number | undefined;
    const pickupAt = e.order.pickupAt as number | undefined;
    const dueBy = (via === 'ship' ? (shipBy ?? pickupAt) : (pickupAt ?? shipBy)) ?? e.promise;
    return {
      orderId: e.id,
      clientId: e.clientId,
      via,
      shortItems,
      deliveredAt: now,
      dueBy,
      onTime: now <= dueBy,
    };
  }

  /** Tells, in promise order, every unfinished order whose promise time has passed by `now`. */
  private tellLate(now: number): void {
    const open: Entry[] = [];
    for (const line of this.lines) {
      if (line.busy) open.push(line.busy.entry);
      open.push(...line.queue);
    }
    const passed = open
      .filter((e) => e.promise < now && !this.told.has(`${e.id} ${e.promise}`))
      .sort((a, b) => a.promise - b.promise || a.seq - b.seq);
    for (const e of passed) {
      this.told.add(`${e.id} ${e.promise}`);
      this.late.push(e.id);
    }
  }

  busyOf(lineId: string): string | undefined {
    return this.lines.find((l) => l.id === lineId)?.busy?.entry.id;
  }

  setCapacity(lineId: string, rate: number, now: number): string[] {
    this.advance(now);
    const line = this.lines.find((l) => l.id === lineId) as RefLine;
    const out: string[] = [];
    if (rate === 0) {
      // Down: when it returns is not known, so every promise on it is at risk.
      if (line.downAt !== undefined) return [];
      line.downAt = this.cal.coord(now);
      for (const e of [...(line.busy ? [line.busy.entry] : []), ...line.queue]) {
        if (e.atRisk) continue;
        e.atRisk = true;
        out.push(e.id);
      }
      return out;
    }
    if (line.downAt !== undefined) {
      // Back: the order in production has the work it had left when the line went down.
      if (line.busy) line.busy.finish = this.cal.coord(now) + this.left(line, 0);
      line.downAt = undefined;
    }
    if (line.busy) {
      const c = this.cal.coord(now);
      const remaining = Math.max(0, line.busy.finish - c);
      line.busy.finish = c + Math.ceil((remaining * line.rate) / rate);
      if (this.cal.timeAt(line.busy.finish) > line.busy.entry.promise && !line.busy.entry.atRisk) {
        line.busy.entry.atRisk = true;
        out.push(line.busy.entry.id);
      }
    }
    line.rate = rate;
    return [...out, ...this.flag(line, now)];
  }

  /** The queue in production order with projected finishes. */
  plan(lineId: string, now: number): { orderId: string; finish: number; promisedBy: number }[] {
    const line = this.lines.find((l) => l.id === lineId) as RefLine;
    let c = this.c0(line, now);
    return line.queue.map((e) => {
      c += this.work(line, e);
      return { orderId: e.id, finish: this.cal.timeAt(c), promisedBy: e.promise };
    });
  }
}
