/**
 * One simulated day: a discrete-event loop around the real `Scheduler`. The events are order
 * arrivals, capacity changes and line finishes; at equal times finishes come first, then
 * capacity changes, then arrivals, and then every free line starts its next order, as a lab
 * working to the plan would. The engine decides everything; this loop only keeps the clock
 * and the tallies for the timeline.
 */
import { dict, own } from '../../domain/keyed.js';
import type { Decision, OrderClass } from '../../domain/types.js';
import { createScheduler } from '../../engine/scheduler.js';
import { MS_PER_HOUR } from '../../time/units.js';
import type { ResolvedScenario } from '../scenario.js';
import type { SimulatedOrder, Timeline, TimelineBucket } from '../types.js';
import type { Arrival } from './arrivals.js';

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
  unitsPerHour: number;
  queued: number;
  busy: SimulatedOrder | undefined;
  finish: number;
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
  // Retention 0: a finished order leaves the engine at the next call, since the day keeps its
  // own record of it; the registers are read as they grow (`readRegisters`), before their
  // entries leave with their orders.
  const scheduler = createScheduler({
    calendar: s.calendar,
    lines: s.lines,
    ...(s.products ? { products: s.products } : {}),
    policy: s.policy,
    retention: 0,
  });
  const cal = scheduler.calendar;
  const unitsPerItem = (product: string) =>
    (s.products && own(s.products, product)?.unitsPerItem) ?? 1;
  const lines: LineState[] = s.lines.map((l) => ({
    id: l.id,
    unitsPerHour: l.unitsPerHour,
    queued: 0,
    busy: undefined,
    finish: Number.POSITIVE_INFINITY,
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
  let bucketOpenFrom = cal.coord(s.start);
  let arrivalsInBucket = 0;
  let accepted = 0;
  let declined = dict<number>();
  let lastT = s.start;
  let lastC = cal.coord(s.start);
  let measuring = measuredFrom <= s.start;
  let stopped = false;

  /** Moves the tallies forward to `t`; nothing happens in between. */
  const accrue = (t: number) => {
    if (t <= lastT) return;
    const c = cal.coord(t);
    const dt = t - lastT;
    const dc = c - lastC;
    for (const l of lines) {
      l.area += l.queued * dt;
      if (l.busy) l.busyWork += dc;
      if (measuring && !stopped) {
        l.total.queueArea += l.queued * dt;
        if (l.busy) l.total.busy += dc;
        l.total.open += dc;
      }
    }
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
    line.queued++;
    if (line.queued > line.max) line.max = line.queued;
    if (measuring && line.queued > line.total.maxQueued) line.total.maxQueued = line.queued;
    line.arrivedUnits += a.order.quantity * unitsPerItem(a.order.product);
    arrivalsInBucket++;
    if (d.outcome === 'rush-accepted') accepted++;
    if (d.outcome === 'rush-declined') {
      const rule = d.reasons[0]?.rule ?? 'unknown';
      declined[rule] = (declined[rule] ?? 0) + 1;
    }
    const rec = simulatedOrder(a, d, classOf(a.order), a.at >= measuredFrom);
    orders.push(rec);
    byOrder.set(rec.id, rec);
    readRegisters();
  };

  const startIdle = (t: number) => {
    for (const l of lines) {
      if (l.busy || l.queued === 0) continue;
      const started = scheduler.next(l.id, t);
      readRegisters();
      if (!started) continue;
      l.queued--;
      const rec = byOrder.get(started.orderId) as SimulatedOrder;
      rec.startedAt = t;
      l.busy = rec;
      l.finish = started.expectedFinish;
    }
  };

  let nextArrival = 0;
  let nextCapacity = 0;
  const capacity = s.capacityEvents;
  for (;;) {
    let t = Number.POSITIVE_INFINITY;
    for (const l of lines) if (l.finish < t) t = l.finish;
    const a = arrivals[nextArrival];
    if (a && a.at < t) t = a.at;
    const c = capacity[nextCapacity];
    if (c && c.at < t) t = c.at;
    if (t === Number.POSITIVE_INFINITY) break;
    advance(t);
    for (const l of lines) {
      if (l.finish !== t || !l.busy) continue;
      const done = scheduler.complete(l.busy.id, t);
      readRegisters();
      const r = reworkAt.get(l.busy.id);
      if (r !== undefined) {
        rework[r] = scheduler.reworkRegister(r, r + 1)[0] as DayRun['rework'][number];
        reworkAt.delete(l.busy.id);
      }
      l.busy.finishedAt = t;
      l.busy.late = done.late;
      l.busy = undefined;
      l.finish = Number.POSITIVE_INFINITY;
      onOrder?.();
    }
    while (capacity[nextCapacity] && (capacity[nextCapacity] as { at: number }).at === t) {
      const e = capacity[nextCapacity++] as (typeof capacity)[number];
      scheduler.setCapacity(e.line, e.unitsPerHour, t);
      readRegisters();
      const l = byId.get(e.line) as LineState;
      l.unitsPerHour = e.unitsPerHour;
      // The order in production now finishes at the new rate.
      if (l.busy) l.finish = scheduler.explain(l.busy.id).expectedFinish as number;
    }
    while (arrivals[nextArrival] && (arrivals[nextArrival] as Arrival).at === t) {
      submit(arrivals[nextArrival] as Arrival);
      arrivals[nextArrival++] = undefined;
    }
    startIdle(t);
  }

  const measuredTo = Math.max(lastT, s.start + s.durationHours * MS_PER_HOUR);
  advance(measuredTo);
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
  };
}
