/**
 * `runTrace`: drives a `Scheduler` on simulated lines through a stream of timed calls and
 * records everything that happened. Each line starts its next order as soon as it is free and
 * finishes it after the order's working time (the engine's own projection), so the trace is
 * what a lab following the plan to the minute would see.
 */

import type { AtRiskReport, Decision, Order, RushRecord } from '../domain/types.js';
import type { SchedulerConfig } from '../engine/config.js';
import { createScheduler, type Scheduler } from '../engine/scheduler.js';
import type { Snapshot } from '../engine/snapshot-format.js';

/** One timed call of a stream. */
export type StreamItem =
  | { at: number; order: Order }
  | { at: number; batch: Order[] }
  | { at: number; capacity: { line: string; unitsPerHour: number } };

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
  | { index: number; kind: 'at-risk'; at: number; report: AtRiskReport; cause: number };

/** A run: the configuration, every event in order, and the engine's state at the end. */
export interface Trace {
  config: SchedulerConfig;
  events: TraceEvent[];
  /** The rush register: every entry the run added, read as each call made it. */
  rushRegister: RushRecord[];
  /** Orders still queued or in production at the end (empty when `drain` ran). */
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
  const final = s.snapshot();
  return {
    config,
    events: driver.events,
    rushRegister: driver.rushRegister,
    unfinished: final.orders.filter((o) => o.status !== 'finished').map((o) => o.order.id),
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
  private rushSeen = 0;

  constructor(readonly scheduler: Scheduler) {
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
    } else {
      const atRisk = this.scheduler.setCapacity(
        item.capacity.line,
        item.capacity.unitsPerHour,
        item.at,
      );
      // The order in production now finishes at the new rate.
      const b = this.busy.get(item.capacity.line);
      if (b) b.finish = this.scheduler.explain(b.orderId).expectedFinish as number;
      this.push({
        kind: 'capacity',
        at: item.at,
        line: item.capacity.line,
        unitsPerHour: item.capacity.unitsPerHour,
        atRisk,
      });
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
      if (line === undefined || when > t) return;
      const b = this.busy.get(line) as { orderId: string; finish: number };
      const done = this.scheduler.complete(b.orderId, b.finish);
      this.busy.delete(line);
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
    for (const entry of this.scheduler.rushRegister(this.rushSeen)) {
      this.rushRegister.push(entry);
      this.rushSeen++;
    }
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
