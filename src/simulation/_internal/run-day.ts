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
import { parsePolicy } from '../../domain/policy.js';
import type { Decision, RushRecord, Tier } from '../../domain/types.js';
import { createScheduler } from '../../engine/scheduler.js';
import { MS_PER_DAY, MS_PER_HOUR, MS_PER_MINUTE } from '../../time/units.js';
import type { ResolvedScenario } from '../scenario.js';
import type { RushDecisions, Timeline, TimelineBucket } from '../types.js';
import { EventCalendar, EventKind } from './events.js';
import {
  arrivalOf,
  clientOf,
  hasMark,
  Mark,
  type OrderSheet,
  orderId,
  rowOf,
  setMark,
  writeDecision,
} from './order-sheet.js';
import { RushTally } from './rush-tally.js';

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
  /** The run's orders, each row filled with what became of it. */
  sheet: OrderSheet;
  timeline: Timeline;
  start: number;
  /** Measured window: from the end of the warm-up to the later of the arrival window's end and the last finish. */
  measuredFrom: number;
  measuredTo: number;
  lines: Record<string, LineTotals>;
  /** The rush register's entries of counted orders, tallied as the run read them. */
  rushes: { decisions: RushDecisions; recorded: number };
  rework: ReturnType<ReturnType<typeof createScheduler>['reworkRegister']>;
}

interface LineState {
  id: string;
  /** Position in the scenario's lines: the order of finishes at one instant. */
  index: number;
  unitsPerHour: number;
  queued: number;
  /** The row of the order in production; -1 when the line is free. */
  busy: number;
  /** Its id, as the engine gave it when it started. */
  busyId: string;
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
 * Runs one day: submits the sheet's orders at their times, and writes in each row what became
 * of it. Each order is made as the engine takes it (`arrivalOf`) and dropped once submitted,
 * so a large day holds its orders only in the sheet and in the engine.
 */
export function runDay(
  s: ResolvedScenario,
  sheet: OrderSheet,
  bucketMinutes: number,
  onOrder?: () => void,
): DayRun {
  // Every client who orders is registered with its tier, in order of first arrival, so the
  // engine sees one tier per client and each client's own rush history.
  const clients = new Map<string, Tier>();
  for (let i = 0; i < sheet.length; i++) {
    const c = clientOf(sheet, i);
    if (!clients.has(c.id)) clients.set(c.id, c.tier);
  }
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
    busy: -1,
    busyId: '',
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
  const lineOf = (row: number) => lines[sheet.line[row] as number] as LineState;
  const rushes = new RushTally(parsePolicy(s.policy));
  let rushSeen = 0;
  /** Rework entries by their number in the register, read when closed (or at the end, if open). */
  const rework: DayRun['rework'] = [];
  const reworkAt = new Map<string, number>();
  let riskSeen = 0;
  /** Reads what the last call added to the rush register and the at-risk log. */
  const readRegisters = () => {
    const sizes = scheduler.registerSizes();
    if (sizes.rush > rushSeen) {
      for (const r of scheduler.rushRegister(rushSeen)) tallyRush(r);
      rushSeen = sizes.rush;
    }
    if (sizes.atRisk > riskSeen) {
      for (const r of scheduler.atRiskLog(riskSeen)) setMark(sheet, rowOf(r.orderId), Mark.atRisk);
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
    if (l.busy >= 0) l.busyWork += dc;
    if (measuring && !stopped) {
      l.total.queueArea += l.queued * dt;
      if (l.busy >= 0) l.total.busy += dc;
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

  /** One entry of the rush register, counted when its order is (after the warm-up). */
  const tallyRush = (r: RushRecord) => {
    if (hasMark(sheet, rowOf(r.orderId), Mark.counted)) rushes.add(r);
  };

  const submit = (row: number) => {
    const { at, order } = arrivalOf(sheet, row);
    const reworkNext = order.rush?.cause === 'rework' ? scheduler.registerSizes().rework : -1;
    const d: Decision = scheduler.submit(order, at);
    if (reworkNext >= 0) reworkAt.set(order.id, reworkNext);
    const line = byId.get(d.line) as LineState;
    enqueue(line);
    line.arrivedUnits += order.quantity * unitsPerItem(order.product);
    arrivalsInBucket++;
    if (d.outcome === 'rush-accepted') accepted++;
    if (d.outcome === 'rush-declined') {
      const rule = d.reasons[0]?.rule ?? 'unknown';
      declined[rule] = (declined[rule] ?? 0) + 1;
    }
    sheet.line[row] = line.index;
    writeDecision(sheet, row, d);
    if (at >= measuredFrom) setMark(sheet, row, Mark.counted);
    readRegisters();
    const fate = sheet.fate;
    if (fate) {
      const cancelAt = fate.cancelAt[row] as number;
      const holdAt = fate.holdAt[row] as number;
      if (cancelAt >= 0) events.schedule(cancelAt, EventKind.cancel, row);
      if (holdAt >= 0) events.schedule(holdAt, EventKind.hold, row);
    }
  };

  const isHeld = (row: number) => hasMark(sheet, row, Mark.held);
  /** Hands a finished order over: picked up when it has a pickup time, else shipped. */
  const handOver = (row: number, t: number, id = orderId(sheet, row)) => {
    const via = (sheet.pickupAt[row] as number) >= 0 ? 'pickup' : 'ship';
    const delivery = scheduler.deliver(id, { via }, t);
    sheet.deliveredAt[row] = t;
    sheet.dueBy[row] = delivery.dueBy;
  };
  /**
   * Takes a queued, held or in-production order out of the plan. A queued one leaves its
   * line's queue; the one in production frees its line, whose planned finish goes stale.
   */
  const cancel = (row: number, t: number) => {
    scheduler.cancel(orderId(sheet, row), t);
    const l = lineOf(row);
    if (isHeld(row)) {
      // A held order is on no line's queue.
      setMark(sheet, row, Mark.held, false);
    } else if (l.busy === row) {
      touch(l);
      l.busy = -1;
      l.finish = Number.POSITIVE_INFINITY;
      l.version++;
      mark(l);
    } else {
      touch(l);
      l.queued--;
    }
    sheet.cancelledAt[row] = t;
    onOrder?.();
  };
  /**
   * Releases a held order: decided again by the engine, it queues on its line with the
   * decision now in force. One the engine can no longer place (past its planning window)
   * is cancelled instead: the client does not get it.
   */
  const release = (row: number, t: number) => {
    let d: Decision;
    try {
      d = scheduler.release(orderId(sheet, row), t);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      cancel(row, t);
      return;
    }
    setMark(sheet, row, Mark.held, false);
    enqueue(lineOf(row));
    writeDecision(sheet, row, d);
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
      if (l.busy >= 0 || l.queued === 0) continue;
      const started = scheduler.next(l.id, t);
      readRegisters();
      if (!started) continue;
      touch(l);
      l.queued--;
      const row = rowOf(started.orderId);
      sheet.startedAt[row] = t;
      l.busy = row;
      l.busyId = started.orderId;
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
    if (nextArrival < sheet.length)
      events.schedule(sheet.submittedAt[nextArrival] as number, EventKind.arrival, nextArrival);
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
      if (e.version !== l.version || l.busy < 0) {
        endOfInstant(lastT);
        continue;
      }
      advance(t);
      touch(l);
      const row = l.busy;
      const id = l.busyId;
      const done = scheduler.complete(id, t);
      readRegisters();
      const r = reworkAt.get(id);
      if (r !== undefined) {
        rework[r] = scheduler.reworkRegister(r, r + 1)[0] as DayRun['rework'][number];
        reworkAt.delete(id);
      }
      sheet.finishedAt[row] = t;
      if (done.late) setMark(sheet, row, Mark.late);
      l.busy = -1;
      l.finish = Number.POSITIVE_INFINITY;
      mark(l);
      // Handed over within the same instant, before the next call, unless a delay was drawn.
      const handoverMs = sheet.fate?.handoverMs[row] ?? 0;
      if (handoverMs > 0) events.schedule(t + handoverMs, EventKind.handover, row);
      else handOver(row, t, id);
      onOrder?.();
    } else if (e.kind >= EventKind.cancel) {
      const row = e.rank;
      // A lifecycle event that finds the order past it (a cancel after the finish, a hold
      // after the start) does nothing, and does not move the clock.
      const cancelled = (sheet.cancelledAt[row] as number) >= 0;
      const queued = (sheet.startedAt[row] as number) < 0 && !cancelled && !isHeld(row);
      const live = !cancelled && (sheet.finishedAt[row] as number) < 0;
      if (e.kind === EventKind.handover) handOver(row, t);
      else if (e.kind === EventKind.cancel && live) {
        advance(t);
        cancel(row, t);
      } else if (e.kind === EventKind.hold && queued) {
        advance(t);
        scheduler.hold(orderId(sheet, row), t);
        const l = lineOf(row);
        touch(l);
        l.queued--;
        setMark(sheet, row, Mark.held);
        sheet.heldAt[row] = t;
        const holdMs = sheet.fate?.holdMs[row] as number;
        events.schedule(t + holdMs, EventKind.release, row);
      } else if (e.kind === EventKind.release && isHeld(row)) {
        advance(t);
        release(row, t);
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
      if (l.busy >= 0) {
        l.finish = scheduler.explain(l.busyId).expectedFinish as number;
        l.version++;
        events.schedule(l.finish, EventKind.finish, l.index, l.version);
      }
    } else {
      advance(t);
      submit(nextArrival++);
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
    sheet,
    timeline: { bucketMinutes, lines: lines.map((l) => l.id), buckets },
    start: s.start,
    measuredFrom,
    measuredTo,
    lines: totals,
    rushes: { decisions: rushes.decisions(), recorded: rushes.recorded },
    rework: rework.filter((r) => r !== undefined),
  };
}

/** Whole days that cover the longest hand-over delay, with a day to spare; 0 without one. */
function handoverDays(s: ResolvedScenario): number {
  const longest = s.lifecycle?.handoverDelayMinutes[1] ?? 0;
  return longest > 0 ? Math.ceil((longest * MS_PER_MINUTE) / MS_PER_DAY) + 1 : 0;
}
