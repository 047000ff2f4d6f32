/**
 * One simulated run (a day or a season): a discrete-event loop around the real `Scheduler`.
 * The events are order arrivals, capacity changes and line finishes, on one event calendar
 * (`events.ts`); at equal times finishes come first, then capacity changes, then arrivals, and
 * then every free line that an event touched starts its next order, as a lab working to the
 * plan would. With `Scenario.lifecycle` the calendar also holds each order's cancel, hold,
 * release and delayed hand-over; every finished order is handed over (shipped, or picked up
 * when it has a pickup time), at its finish unless a delay was drawn.
 * The engine decides everything; this loop only keeps the clock and the tallies
 * for the timeline. The work per event does not grow with the number of lines: each line's
 * tallies are brought up to date only when its own state changes, and at bucket boundaries.
 */
import { ValidationError } from '../../domain/errors.js';
import { dict, own } from '../../domain/keyed.js';
import type { Decision, OrderClass, Tier } from '../../domain/types.js';
import { createScheduler } from '../../engine/scheduler.js';
import { MS_PER_DAY, MS_PER_HOUR, MS_PER_MINUTE } from '../../time/units.js';
import type { ResolvedScenario } from '../scenario.js';
import type { SimulatedOrder, Timeline, TimelineBucket } from '../types.js';
import type { Arrival, Fate } from './arrivals.js';
import { EventCalendar, EventKind } from './events.js';

/**
 * The most buckets a timeline holds. The arrival window must fit in it (`simulate` checks that
 * before it starts); lines that drain for longer are followed to the end in the KPIs but not in
 * the timeline, which would otherwise grow with the backlog (a line slowed to a crawl drained
 * for 26 years: 910,000 buckets, 1.2 GB).
 */
export const MAX_TIMELINE_BUCKETS = 10_000;

/** Totals of one line over the measured part of the day (after the warm-up). */
export interface LineTotals {
  /** Integral of the queue length over time (order·ms). */
  queueArea: number;
  maxQueued: number;
  /** Working ms the line was producing. */
  busy: number;
  /** Working ms the lab was open. */
  open: number;
}

export interface DayRun {
  orders: SimulatedOrder[];
  timeline: Timeline;
  start: number;
  /** Measured window: from the end of the warm-up to the later of the arrival window's end and the last finish. */
  measuredFrom: number;
  measuredTo: number;
  lines: Record<string, LineTotals>;
  rushRecords: ReturnType<ReturnType<typeof createScheduler>['rushRegister']>;
  rework: ReturnType<ReturnType<typeof createScheduler>['reworkRegister']>;
}

interface LineState {
  id: string;
  /** Position in the scenario's lines: the order of finishes at one instant. */
  index: number;
  unitsPerHour: number;
  queued: number;
  busy: SimulatedOrder | undefined;
  finish: number;
  /** Moves on when a planned finish is replaced (see `SimEvent.version`). */
  version: number;
  /** Touched by an event at the current instant: may start an order when the instant is done. */
  dirty: boolean;
  /** The instant and calendar coordinate the line's tallies run to. */
  lastT: number;
  lastC: number;
  // Tallies of the open bucket.
  area: number;
  max: number;
  busyWork: number;
  arrivedUnits: number;
  // Tallies of the measured window.
  total: LineTotals;
}

/**
 * Runs one day. The arrivals are consumed: each is released from the array once submitted, so
 * that a large day does not hold its input orders beside the engine's copies.
 */
export function runDay(
  s: ResolvedScenario,
  arrivals: (Arrival | undefined)[],
  bucketMinutes: number,
  onOrder?: () => void,
): DayRun {
  // Every client who orders is registered with its tier, in order of first arrival, so the
  // engine sees one tier per client and each client's own rush history.
  const clients = new Map<string, Tier>();
  for (const a of arrivals)
    if (a && !clients.has(a.client.id)) clients.set(a.client.id, a.client.tier);
  // Retention as short as the hand-overs allow: a finished order leaves the engine once the
  // longest hand-over delay has passed (at the next call, without one), since the day keeps its
  // own record of it; the registers are read as they grow (`readRegisters`, and each hand-over
  // as it is made), before their entries leave with their orders.
  const scheduler = createScheduler({
    calendar: s.calendar,
    lines: s.lines,
    ...(s.products ? { products: s.products } : {}),
    policy: s.policy,
    clients: [...clients].map(([id, tier]) => ({ id, tier })),
    retention: handoverDays(s),
  });
  const cal = scheduler.calendar;
  const unitsPerItem = (product: string) =>
    (s.products && own(s.products, product)?.unitsPerItem) ?? 1;
  const startC = cal.coord(s.start);
  const lines: LineState[] = s.lines.map((l, index) => ({
    id: l.id,
    index,
    unitsPerHour: l.unitsPerHour,
    queued: 0,
    busy: undefined,
    finish: Number.POSITIVE_INFINITY,
    version: 0,
    dirty: false,
    lastT: s.start,
    lastC: startC,
    area: 0,
    max: 0,
    busyWork: 0,
    arrivedUnits: 0,
    total: { queueArea: 0, maxQueued: 0, busy: 0, open: 0 },
  }));
  const byId = new Map(lines.map((l) => [l.id, l]));
  const orders: SimulatedOrder[] = [];
  const byOrder = new Map<string, SimulatedOrder>();
  const rushRecords: DayRun['rushRecords'] = [];
  /** Rework entries by their number in the register, read when closed (or at the end, if open). */
  const rework: DayRun['rework'] = [];
  const reworkAt = new Map<string, number>();
  let riskSeen = 0;
  /** Reads what the last call added to the rush register and the at-risk log. */
  const readRegisters = () => {
    const sizes = scheduler.registerSizes();
    if (sizes.rush > rushRecords.length)
      for (const r of scheduler.rushRegister(rushRecords.length)) rushRecords.push(r);
    if (sizes.atRisk > riskSeen) {
      for (const r of scheduler.atRiskLog(riskSeen)) {
        const rec = byOrder.get(r.orderId);
        if (rec) rec.atRisk = true;
      }
      riskSeen = sizes.atRisk;
    }
    return sizes;
  };

  const bucketMs = bucketMinutes * 60_000;
  const buckets: TimelineBucket[] = [];
  const measuredFrom = s.start + s.warmupHours * MS_PER_HOUR;
  let bucketStart = s.start;
  let bucketOpenFrom = startC;
  let arrivalsInBucket = 0;
  let accepted = 0;
  let declined = dict<number>();
  // The clock: the instant and calendar coordinate every tally before it has been carried to.
  let lastT = s.start;
  let lastC = startC;
  let measuring = measuredFrom <= s.start;
  let stopped = false;
  /** Working ms the lab was open in the measured window: the same for every line. */
  let openMeasured = 0;

  /**
   * Brings one line's tallies up to the clock. Its queue and whether it is busy have not
   * changed since its last touch, so the interval adds up in one step; every change to them
   * is preceded by a touch, and so is every bucket boundary and the start of the measurement.
   */
  const touch = (l: LineState) => {
    const dt = lastT - l.lastT;
    if (dt <= 0) return;
    const dc = lastC - l.lastC;
    l.area += l.queued * dt;
    if (l.busy) l.busyWork += dc;
    if (measuring && !stopped) {
      l.total.queueArea += l.queued * dt;
      if (l.busy) l.total.busy += dc;
    }
    l.lastT = lastT;
    l.lastC = lastC;
  };

  /** Moves the clock forward to `t`; nothing happens in between. */
  const accrue = (t: number) => {
    if (t <= lastT) return;
    const c = cal.coord(t);
    if (measuring && !stopped) openMeasured += c - lastC;
    lastT = t;
    lastC = c;
  };

  const closeBucket = () => {
    const end = bucketStart + bucketMs;
    const openWork = lastC - bucketOpenFrom;
    const bucket: TimelineBucket = {
      start: bucketStart,
      end,
      arrivals: arrivalsInBucket,
      lines: dict(),
      rushes: { accepted, declined },
    };
    for (const l of lines) {
      touch(l);
      bucket.lines[l.id] = {
        queued: l.queued,
        meanQueued: l.area / bucketMs,
        maxQueued: l.max,
        utilization: openWork > 0 ? l.busyWork / openWork : null,
        offeredLoad: l.arrivedUnits / ((l.unitsPerHour * bucketMs) / MS_PER_HOUR),
        unitsPerHour: l.unitsPerHour,
        arrivedUnits: l.arrivedUnits,
        busyMs: l.busyWork,
        openMs: openWork,
      };
      l.area = 0;
      l.max = l.queued;
      l.busyWork = 0;
      l.arrivedUnits = 0;
    }
    buckets.push(bucket);
    bucketStart = end;
    bucketOpenFrom = lastC;
    arrivalsInBucket = 0;
    accepted = 0;
    declined = dict<number>();
  };

  /** Advances the clock to `t`, closing the buckets it passes and starting the measurement. */
  const advance = (t: number) => {
    for (;;) {
      const bucketEnd =
        buckets.length < MAX_TIMELINE_BUCKETS ? bucketStart + bucketMs : Number.POSITIVE_INFINITY;
      const boundary = Math.min(bucketEnd, measuring ? Number.POSITIVE_INFINITY : measuredFrom);
      if (boundary > t) break;
      accrue(boundary);
      if (!measuring && boundary === measuredFrom) {
        for (const l of lines) touch(l);
        measuring = true;
        for (const l of lines) l.total.maxQueued = l.queued;
      }
      if (boundary === bucketEnd) closeBucket();
    }
    accrue(t);
  };

  const classOf = (d: Arrival['order']): OrderClass =>
    d.rush === undefined ? 'normal' : (d.rush.cause ?? 'client') === 'client' ? 'rush' : 'company';

  const submit = (a: Arrival) => {
    const reworkNext = a.order.rush?.cause === 'rework' ? scheduler.registerSizes().rework : -1;
    const d: Decision = scheduler.submit(a.order, a.at);
    if (reworkNext >= 0) reworkAt.set(a.order.id, reworkNext);
    const line = byId.get(d.line) as LineState;
    enqueue(line);
    line.arrivedUnits += a.order.quantity * unitsPerItem(a.order.product);
    arrivalsInBucket++;
    if (d.outcome === 'rush-accepted') accepted++;
    if (d.outcome === 'rush-declined') {
      const rule = d.reasons[0]?.rule ?? 'unknown';
      declined[rule] = (declined[rule] ?? 0) + 1;
    }
    const rec = simulatedOrder(a, d, classOf(a.order), a.at >= measuredFrom);
    const index = orders.length;
    orders.push(rec);
    byOrder.set(rec.id, rec);
    readRegisters();
    const fate = a.fate;
    if (fate) {
      lives.set(rec, { fate, index });
      if (fate.cancelAt >= 0) events.schedule(fate.cancelAt, EventKind.cancel, index);
      if (fate.holdAt >= 0) events.schedule(fate.holdAt, EventKind.hold, index);
    }
  };

  // The lifecycle of each order, by its index among the arrivals, and the orders held now.
  const lives = new Map<SimulatedOrder, { fate: Fate; index: number }>();
  const held = new Set<SimulatedOrder>();
  /** Hands a finished order over: picked up when it has a pickup time, else shipped. */
  const handOver = (rec: SimulatedOrder, t: number) => {
    const via = rec.pickupAt >= 0 ? 'pickup' : 'ship';
    const delivery = scheduler.deliver(rec.id, { via }, t);
    rec.deliveredAt = t;
    rec.dueBy = delivery.dueBy;
  };
  /**
   * Takes a queued, held or in-production order out of the plan. A queued one leaves its
   * line's queue; the one in production frees its line, whose planned finish goes stale.
   */
  const cancel = (rec: SimulatedOrder, t: number) => {
    scheduler.cancel(rec.id, t);
    const l = byId.get(rec.line) as LineState;
    if (held.delete(rec)) {
      // A held order is on no line's queue.
    } else if (l.busy === rec) {
      touch(l);
      l.busy = undefined;
      l.finish = Number.POSITIVE_INFINITY;
      l.version++;
      mark(l);
    } else {
      touch(l);
      l.queued--;
    }
    rec.cancelledAt = t;
    onOrder?.();
  };
  /**
   * Releases a held order: decided again by the engine, it queues on its line with the
   * decision now in force. One the engine can no longer place (past its planning window)
   * is cancelled instead: the client does not get it.
   */
  const release = (rec: SimulatedOrder, t: number) => {
    let d: Decision;
    try {
      d = scheduler.release(rec.id, t);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      cancel(rec, t);
      return;
    }
    held.delete(rec);
    enqueue(byId.get(rec.line) as LineState);
    rec.promisedBy = d.promisedBy;
    rec.requestedBy = d.requestedBy;
    rec.outcome = d.outcome;
    rec.rule = d.reasons[0]?.rule ?? '';
  };
  /** Puts an order on its line's queue. */
  const enqueue = (l: LineState) => {
    touch(l);
    mark(l);
    l.queued++;
    if (l.queued > l.max) l.max = l.queued;
    if (measuring && l.queued > l.total.maxQueued) l.total.maxQueued = l.queued;
  };

  /** Starts the next order on each line an event touched at `t`, in the lines' order. */
  const startTouched = (t: number) => {
    if (touched.length > 1) touched.sort((a, b) => a.index - b.index);
    for (const l of touched) {
      l.dirty = false;
      if (l.busy || l.queued === 0) continue;
      const started = scheduler.next(l.id, t);
      readRegisters();
      if (!started) continue;
      touch(l);
      l.queued--;
      const rec = byOrder.get(started.orderId) as SimulatedOrder;
      rec.startedAt = t;
      l.busy = rec;
      l.finish = started.expectedFinish;
      events.schedule(l.finish, EventKind.finish, l.index, l.version);
    }
    touched.length = 0;
  };
  const touched: LineState[] = [];
  /** When the instant `t` is over (nothing else happens at it), free lines start their next orders. */
  const endOfInstant = (t: number) => {
    if (touched.length === 0) return;
    const after = events.peek();
    if (!after || after.at !== t) startTouched(t);
  };
  const mark = (l: LineState) => {
    if (l.dirty) return;
    l.dirty = true;
    touched.push(l);
  };

  // The calendar holds at most one pending arrival and one pending capacity change, each
  // scheduled when the one before it happens, and one finish per busy line (plus stale ones).
  const events = new EventCalendar();
  let nextArrival = 0;
  let nextCapacity = 0;
  const capacity = s.capacityEvents;
  const scheduleArrival = () => {
    const a = arrivals[nextArrival];
    if (a) events.schedule(a.at, EventKind.arrival, nextArrival);
  };
  const scheduleCapacity = () => {
    const c = capacity[nextCapacity];
    if (c) events.schedule(c.at, EventKind.capacity, nextCapacity);
  };
  scheduleArrival();
  scheduleCapacity();
  for (let e = events.next(); e; e = events.next()) {
    const t = e.at;
    if (e.kind === EventKind.finish) {
      const l = lines[e.rank] as LineState;
      // A stale finish: the order's finish was moved by a capacity change.
      if (e.version !== l.version || !l.busy) {
        endOfInstant(lastT);
        continue;
      }
      advance(t);
      touch(l);
      const rec = l.busy;
      const done = scheduler.complete(rec.id, t);
      readRegisters();
      const r = reworkAt.get(rec.id);
      if (r !== undefined) {
        rework[r] = scheduler.reworkRegister(r, r + 1)[0] as DayRun['rework'][number];
        reworkAt.delete(rec.id);
      }
      rec.finishedAt = t;
      rec.late = done.late;
      l.busy = undefined;
      l.finish = Number.POSITIVE_INFINITY;
      mark(l);
      // Handed over within the same instant, before the next call, unless a delay was drawn.
      const life = lives.get(rec);
      if (life && life.fate.handoverMs > 0)
        events.schedule(t + life.fate.handoverMs, EventKind.handover, life.index);
      else handOver(rec, t);
      onOrder?.();
    } else if (e.kind >= EventKind.cancel) {
      const rec = orders[e.rank] as SimulatedOrder;
      // A lifecycle event that finds the order past it (a cancel after the finish, a hold
      // after the start) does nothing, and does not move the clock.
      const queued = rec.startedAt < 0 && rec.cancelledAt < 0 && !held.has(rec);
      const live = rec.cancelledAt < 0 && rec.finishedAt < 0;
      if (e.kind === EventKind.handover) handOver(rec, t);
      else if (e.kind === EventKind.cancel && live) {
        advance(t);
        cancel(rec, t);
      } else if (e.kind === EventKind.hold && queued) {
        advance(t);
        scheduler.hold(rec.id, t);
        const l = byId.get(rec.line) as LineState;
        touch(l);
        l.queued--;
        held.add(rec);
        rec.heldAt = t;
        const life = lives.get(rec) as { fate: Fate };
        events.schedule(t + life.fate.holdMs, EventKind.release, e.rank);
      } else if (e.kind === EventKind.release && held.has(rec)) {
        advance(t);
        release(rec, t);
      }
    } else if (e.kind === EventKind.capacity) {
      advance(t);
      const c = capacity[nextCapacity++] as (typeof capacity)[number];
      scheduleCapacity();
      scheduler.setCapacity(c.line, c.unitsPerHour, t);
      readRegisters();
      const l = byId.get(c.line) as LineState;
      l.unitsPerHour = c.unitsPerHour;
      // The order in production now finishes at the new rate: its planned finish is stale.
      if (l.busy) {
        l.finish = scheduler.explain(l.busy.id).expectedFinish as number;
        l.version++;
        events.schedule(l.finish, EventKind.finish, l.index, l.version);
      }
    } else {
      advance(t);
      submit(arrivals[nextArrival] as Arrival);
      arrivals[nextArrival++] = undefined;
      scheduleArrival();
    }
    endOfInstant(t);
  }

  const measuredTo = Math.max(lastT, s.start + s.durationHours * MS_PER_HOUR);
  advance(measuredTo);
  for (const l of lines) {
    touch(l);
    l.total.open = openMeasured;
  }
  stopped = true;
  // The last bucket is closed too, so every bucket of the timeline has the same width.
  if (buckets.length < MAX_TIMELINE_BUCKETS && (bucketStart < measuredTo || buckets.length === 0))
    advance(bucketStart + bucketMs);

  // Rework still open (none, once every line has drained) is read as it stands.
  for (const [, r] of reworkAt)
    rework[r] = scheduler.reworkRegister(r, r + 1)[0] as DayRun['rework'][number];
  const totals = dict(lines.map((l) => [l.id, l.total]));
  return {
    orders,
    timeline: { bucketMinutes, lines: lines.map((l) => l.id), buckets },
    start: s.start,
    measuredFrom,
    measuredTo,
    lines: totals,
    rushRecords,
    rework: rework.filter((r) => r !== undefined),
  };
}

/**
 * The simulator's record of an order, as one literal: every record has the same fields, with
 * `urgency` and `cause` undefined for an order without a rush, so that all records share one
 * shape and no spread of a conditional literal (a generic copy) runs once per simulated order.
 */
function simulatedOrder(
  a: Arrival,
  d: Decision,
  cls: OrderClass,
  counted: boolean,
): SimulatedOrder {
  const o = a.order;
  const rush = o.rush;
  return {
    id: o.id,
    clientId: a.client.id,
    habitual: a.client.habitual,
    line: d.line,
    class: cls,
    tier: o.tier,
    product: o.product,
    quantity: o.quantity,
    urgency: rush?.urgency,
    cause: rush === undefined ? undefined : (rush.cause ?? 'client'),
    submittedAt: a.at,
    startedAt: -1,
    finishedAt: -1,
    promisedBy: d.promisedBy,
    requestedBy: d.requestedBy,
    outcome: d.outcome,
    rule: d.reasons[0]?.rule ?? '',
    late: false,
    atRisk: false,
    counted,
    pickupAt: o.pickupAt === undefined ? -1 : (o.pickupAt as number),
    cancelledAt: -1,
    heldAt: -1,
    deliveredAt: -1,
    dueBy: -1,
  };
}

/** Whole days that cover the longest hand-over delay, with a day to spare; 0 without one. */
function handoverDays(s: ResolvedScenario): number {
  const longest = s.lifecycle?.handoverDelayMinutes[1] ?? 0;
  return longest > 0 ? Math.ceil((longest * MS_PER_MINUTE) / MS_PER_DAY) + 1 : 0;
}
