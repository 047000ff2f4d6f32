/**
 * `runTrace`: drives a `Scheduler` on simulated lines through a stream of timed calls and
 * records everything that happened. Each line starts its next order as soon as it is free and
 * finishes it after the order's working time (the engine's own projection), so the trace is
 * what a lab following the plan to the minute would see.
 */

import { ValidationError } from '../domain/errors.js';
import type {
  AtRiskReport,
  Decision,
  DeliveryRecord,
  HandoverVia,
  Order,
  OrderChange,
  OrderChanges,
  RushRecord,
} from '../domain/types.js';
import type { SchedulerConfig } from '../engine/config.js';
import { createScheduler, type Scheduler } from '../engine/scheduler.js';
import type { Snapshot } from '../engine/snapshot-format.js';

/** One timed call of a stream. */
export type StreamItem =
  | { at: number; order: Order }
  | { at: number; batch: Order[] }
  | { at: number; capacity: { line: string; unitsPerHour: number } }
  | { at: number; cancel: string }
  | { at: number; hold: string }
  | { at: number; release: string }
  | { at: number; amend: { orderId: string; changes: OrderChanges } }
  /** Time moves on, and nothing else happens (`advance`). */
  | { at: number; advance: true }
  /**
   * A dispatch run (发车): every order finished and not yet handed over goes, in finishing
   * order; the first of them `shortItems` short (at most its quantity).
   */
  | { at: number; handover: { via: HandoverVia; shortItems?: number } };

/** What happened, in order. `index` numbers the events of a trace. */
export type TraceEvent =
  | { index: number; kind: 'submit'; at: number; order: Order; decision: Decision }
  | {
      index: number;
      kind: 'start';
      at: number;
      line: string;
      orderId: string;
      expectedFinish: number;
    }
  | {
      index: number;
      kind: 'finish';
      at: number;
      line: string;
      orderId: string;
      promisedBy: number;
      late: boolean;
    }
  | {
      index: number;
      kind: 'capacity';
      at: number;
      line: string;
      unitsPerHour: number;
      atRisk: string[];
    }
  | { index: number; kind: 'at-risk'; at: number; report: AtRiskReport; cause: number }
  | { index: number; kind: 'cancel'; at: number; orderId: string; was: OrderChange['was'] }
  | { index: number; kind: 'hold'; at: number; orderId: string }
  | { index: number; kind: 'release'; at: number; orderId: string; decision: Decision }
  | {
      index: number;
      kind: 'amend';
      at: number;
      orderId: string;
      changes: OrderChanges;
      decision: Decision;
    }
  | { index: number; kind: 'advance'; at: number }
  | { index: number; kind: 'deliver'; at: number; orderId: string; delivery: DeliveryRecord }
  /** The engine's `'late'` event, recorded after the call that fired it and its at-risk reports. */
  | { index: number; kind: 'late'; at: number; orderId: string; promisedBy: number };

/** A run: the configuration, every event in order, and the engine's state at the end. */
export interface Trace {
  config: SchedulerConfig;
  events: TraceEvent[];
  /** The rush register: every entry the run added, read as each call made it. */
  rushRegister: RushRecord[];
  /** Orders still queued, held or in production at the end (only held ones when `drain` ran). */
  unfinished: string[];
  /** The snapshot at the end. */
  final: Snapshot;
}

/** Options of `runTrace`. */
export interface RunTraceOptions {
  /** Run the lines until every queue is empty after the last call. @default true */
  drain?: boolean;
  /** Use this scheduler instead of creating one from `config` (it must be in the state the stream expects). */
  scheduler?: Scheduler;
}

/** Drives a scheduler built from `config` through `stream` (sorted by `at`) on simulated lines. */
export function runTrace(
  config: SchedulerConfig,
  stream: readonly StreamItem[],
  options: RunTraceOptions = {},
): Trace {
  const s = options.scheduler ?? createScheduler(config);
  const driver = new LineDriver(s);
  const items = [...stream].sort((a, b) => a.at - b.at);
  for (const item of items) {
    driver.until(item.at);
    driver.apply(item);
    driver.startIdle(item.at);
  }
  if (options.drain ?? true) driver.until(Number.POSITIVE_INFINITY);
  driver.stop();
  const final = s.snapshot();
  return {
    config,
    events: driver.events,
    rushRegister: driver.rushRegister,
    unfinished: final.orders
      .filter((o) => o.status === 'queued' || o.status === 'held' || o.status === 'in-production')
      .map((o) => o.order.id),
    final,
  };
}

/** The simulated lines around a scheduler. */
export class LineDriver {
  readonly events: TraceEvent[] = [];
  /**
   * The rush register's entries, read after each call: the engine holds only those of its
   * retention horizon, and a run may outlast it.
   */
  readonly rushRegister: RushRecord[];
  private readonly busy = new Map<string, { orderId: string; finish: number }>();
  /** The numbers of the next at-risk report and rush entry to read. */
  private riskSeen = 0;
  /** Orders finished and not yet handed over, in finishing order. */
  private readonly done: string[] = [];
  /** The `'late'` events of the call in progress, recorded once the call's own event is. */
  private readonly late: { at: number; orderId: string; promisedBy: number }[] = [];
  /** Ends the driver's subscription to the scheduler's `'late'` events. */
  readonly stop: () => void;
  private rushSeen = 0;

  constructor(readonly scheduler: Scheduler) {
    this.stop = scheduler.on('late', (e) => {
      this.late.push({ at: e.at, orderId: e.orderId, promisedBy: e.promisedBy });
    });
    // A restored scheduler may have orders in production: the driver finishes them on time.
    for (const entry of scheduler.plan()) {
      if (entry.status === 'in-production')
        this.busy.set(entry.line, { orderId: entry.orderId, finish: entry.finish });
    }
    const sizes = scheduler.registerSizes();
    this.riskSeen = sizes.atRisk;
    this.rushRegister = scheduler.rushRegister();
    this.rushSeen = sizes.rush;
  }

  /** Applies one call of a stream. */
  apply(item: StreamItem): void {
    if ('order' in item) {
      const decision = this.scheduler.submit(item.order, item.at);
      this.push({ kind: 'submit', at: item.at, order: item.order, decision });
    } else if ('batch' in item) {
      const decisions = this.scheduler.submitBatch(item.batch, item.at);
      item.batch.forEach((order, i) => {
        this.push({ kind: 'submit', at: item.at, order, decision: decisions[i] as Decision });
      });
    } else if ('advance' in item) {
      this.scheduler.advance(item.at);
      this.push({ kind: 'advance', at: item.at });
    } else if ('handover' in item) {
      let short = item.handover.shortItems ?? 0;
      for (const orderId of this.done.splice(0)) {
        let quantity: number;
        try {
          quantity = this.scheduler.explain(orderId).order.quantity;
        } catch (e) {
          // Finished longer ago than the retention horizon, it has left memory: no hand-over.
          if (e instanceof ValidationError) continue;
          throw e;
        }
        const shortItems = Math.min(short, quantity);
        short = 0;
        const delivery = this.scheduler.deliver(
          orderId,
          { via: item.handover.via, shortItems },
          item.at,
        );
        this.push({ kind: 'deliver', at: item.at, orderId, delivery });
      }
    } else if ('capacity' in item) {
      const atRisk = this.scheduler.setCapacity(
        item.capacity.line,
        item.capacity.unitsPerHour,
        item.at,
      );
      // The order in production now finishes at the new rate; on a line that is down it waits
      // until the line comes back.
      const b = this.busy.get(item.capacity.line);
      if (b)
        b.finish =
          item.capacity.unitsPerHour === 0
            ? Number.POSITIVE_INFINITY
            : (this.scheduler.explain(b.orderId).expectedFinish as number);
      this.push({
        kind: 'capacity',
        at: item.at,
        line: item.capacity.line,
        unitsPerHour: item.capacity.unitsPerHour,
        atRisk,
      });
    } else {
      this.applyLife(item);
    }
  }

  /**
   * Applies a cancellation, hold, release or amendment. A stream names orders by id, whatever
   * they have become by then: a call the engine refuses (the order already finished, say)
   * changed nothing, and is skipped.
   */
  private applyLife(
    item: Exclude<
      StreamItem,
      | { order: Order }
      | { batch: Order[] }
      | { capacity: unknown }
      | { advance: true }
      | { handover: unknown }
    >,
  ): void {
    const s = this.scheduler;
    try {
      if ('cancel' in item) {
        const change = s.cancel(item.cancel, item.at);
        // The order in production was cancelled: its line is free.
        if (change.was === 'in-production') this.busy.delete(change.line);
        this.push({ kind: 'cancel', at: item.at, orderId: item.cancel, was: change.was });
      } else if ('hold' in item) {
        s.hold(item.hold, item.at);
        this.push({ kind: 'hold', at: item.at, orderId: item.hold });
      } else if ('release' in item) {
        const decision = s.release(item.release, item.at);
        this.push({ kind: 'release', at: item.at, orderId: item.release, decision });
      } else {
        const { orderId, changes } = item.amend;
        const decision = s.amend(orderId, changes, item.at);
        this.push({ kind: 'amend', at: item.at, orderId, changes, decision });
      }
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
    }
  }

  /** Finishes (and restarts) lines in time order up to `t`. */
  until(t: number): void {
    for (;;) {
      let line: string | undefined;
      let when = Number.POSITIVE_INFINITY;
      for (const [id, b] of this.busy) {
        if (b.finish < when) {
          when = b.finish;
          line = id;
        }
      }
      // An order on a line that is down (finish Infinity) is never finished, not even by a drain.
      if (line === undefined || when > t || when === Number.POSITIVE_INFINITY) return;
      const b = this.busy.get(line) as { orderId: string; finish: number };
      const done = this.scheduler.complete(b.orderId, b.finish);
      this.busy.delete(line);
      this.done.push(b.orderId);
      this.push({
        kind: 'finish',
        at: b.finish,
        line,
        orderId: b.orderId,
        promisedBy: done.promisedBy,
        late: done.late,
      });
      this.startIdle(b.finish);
    }
  }

  /** Starts the next order on every free line. */
  startIdle(t: number): void {
    for (const line of this.scheduler.lineIds()) {
      if (this.busy.has(line)) continue;
      const started = this.scheduler.next(line, t);
      if (!started) continue;
      this.busy.set(line, { orderId: started.orderId, finish: started.expectedFinish });
      this.push({
        kind: 'start',
        at: t,
        line,
        orderId: started.orderId,
        expectedFinish: started.expectedFinish,
      });
    }
  }

  private push(event: DistributiveOmit<TraceEvent, 'index'>): void {
    const index = this.events.length;
    this.events.push({ ...event, index } as TraceEvent);
    // At-risk reports made during this call are attributed to it.
    for (const report of this.scheduler.atRiskLog(this.riskSeen)) {
      this.events.push({
        index: this.events.length,
        kind: 'at-risk',
        at: report.at,
        report,
        cause: index,
      });
      this.riskSeen++;
    }
    for (const late of this.late.splice(0))
      this.events.push({ index: this.events.length, kind: 'late', ...late });
    for (const entry of this.scheduler.rushRegister(this.rushSeen)) {
      this.rushRegister.push(entry);
      this.rushSeen++;
    }
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
