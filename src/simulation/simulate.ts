/**
 * `simulate`: seeded capacity simulation of a scenario on the real `Scheduler`. Each
 * replication draws its own day from its own random stream (pure-rand's jump), runs it, and
 * measures the KPIs; the summary gives their mean and 95% interval over the replications.
 *
 * Replications stream: each is drawn, run and reduced to its KPI values (`runReplication`),
 * and its day is dropped before the next is drawn; `combine` makes the result of the reduced
 * values in replication order. `study` (study.ts) runs the same two functions, with the
 * replications spread over worker threads.
 */

import { availableParallelism } from 'node:os';
import { ValidationError, type ValidationIssue } from '../domain/errors.js';
import { countArrivals, drawOrders, expectedArrivals } from './_internal/arrivals.js';
import { type OrderSheet, recordsOf } from './_internal/order-sheet.js';
import { Rng } from './_internal/random.js';
import { MAX_TIMELINE_BUCKETS, runDay } from './_internal/run-day.js';
import { emptyRushDecisions, mergeRushDecisions } from './_internal/rush-tally.js';
import { type DayKpi, dayKpis } from './kpis.js';
import {
  isResolvedScenario,
  parseScenario,
  type ResolvedScenario,
  type Scenario,
} from './scenario.js';
import { meanCi, shareCi } from './stats.js';
import type {
  Kpi,
  RushDecisions,
  SimulatedOrder,
  SimulateOptions,
  SimulationResult,
  StudyOptions,
  Timeline,
} from './types.js';

/** The most replications of a run: a thousand days already pin a mean to a thirtieth of their spread. */
export const MAX_REPLICATIONS = 1000;

/**
 * The most orders a run may expect, over all its days, unless the caller raises `maxOrders`:
 * twice the 10⁶-order day of `bench:simulate`. A day holds about 350 bytes an order while it
 * runs (its order sheet, and the engine's records of the orders in hand); the result's
 * `orders`, when read, about 300 more for replication 0's.
 */
export const DEFAULT_MAX_ORDERS = 2_000_000;

export interface RunPlan {
  seed: number;
  replications: number;
  bucketMinutes: number;
  /** The worker threads of a `study`; `simulate` runs on the calling thread and ignores it. */
  workers: number;
}

/**
 * Reads the options and checks that the run fits its limits, before any work: the options
 * themselves, the timeline the arrival window makes, and the orders the run expects over all
 * its replications of all `policies`. Throws `ValidationError` naming the option and saying
 * how to change it.
 */
export function planRun(
  s: ResolvedScenario,
  options: SimulateOptions & StudyOptions,
  policies = 1,
): RunPlan {
  const issues: ValidationIssue[] = [];
  const seed = options.seed ?? 1;
  const replications = options.replications ?? 1;
  const bucketMinutes = options.bucketMinutes ?? 15;
  const maxOrders = options.maxOrders ?? DEFAULT_MAX_ORDERS;
  const workers = options.workers ?? availableParallelism();
  if (!Number.isSafeInteger(seed))
    issues.push({ path: 'seed', message: `must be an integer, received ${String(seed)}` });
  if (!Number.isInteger(replications) || replications < 1 || replications > MAX_REPLICATIONS)
    issues.push({
      path: 'replications',
      message: `must be a whole number from 1 to ${MAX_REPLICATIONS}, received ${String(replications)}`,
    });
  if (!Number.isInteger(bucketMinutes) || bucketMinutes < 1 || bucketMinutes > 1440)
    issues.push({
      path: 'bucketMinutes',
      message: `must be a whole number of minutes from 1 to 1440, received ${String(bucketMinutes)}`,
    });
  if (!Number.isSafeInteger(maxOrders) || maxOrders < 1)
    issues.push({
      path: 'maxOrders',
      message: `must be a whole number of at least 1, received ${String(maxOrders)}`,
    });
  if (!Number.isInteger(workers) || workers < 1)
    issues.push({
      path: 'workers',
      message: `must be a whole number of at least 1, received ${String(workers)}`,
    });
  if (options.onProgress !== undefined && typeof options.onProgress !== 'function')
    issues.push({
      path: 'onProgress',
      message: `must be a function, received ${typeof options.onProgress}`,
    });
  if (issues.length === 0) {
    const buckets = Math.ceil((s.durationHours * 60) / bucketMinutes);
    if (buckets > MAX_TIMELINE_BUCKETS)
      issues.push({
        path: 'bucketMinutes',
        message: `${s.durationHours} hours of arrivals make ${buckets} timeline buckets of ${bucketMinutes} minutes, more than the limit of ${MAX_TIMELINE_BUCKETS}; shorten durationHours or widen bucketMinutes`,
      });
    const perDay = expectedArrivals(s);
    const expected = perDay * replications * policies;
    if (expected > maxOrders) {
      const times = `${replications} replication${replications > 1 ? 's' : ''}${policies > 1 ? ` × ${policies} policies` : ''}`;
      issues.push({
        path: 'maxOrders',
        message: `the run expects about ${Math.round(expected)} orders (${Math.round(perDay)} a day × ${times}), more than the limit of ${maxOrders}; lower the arrival rates, durationHours or replications, or raise maxOrders (--max-orders) if the machine has the memory (about 350 bytes an order)`,
      });
    }
  }
  if (issues.length > 0) throw new ValidationError(issues, 'simulate options');
  return { seed, replications, bucketMinutes, workers };
}

/**
 * What is kept of one replication once it is reduced: its KPI values, how many orders it
 * drew, and for replication 0 only, its order sheet and timeline, which the result shows. Plain
 * data, so that a worker thread can send it back.
 */
export interface Replication {
  kpis: DayKpi[];
  rushDecisions: RushDecisions;
  arrivals: number;
  day?: { sheet: OrderSheet; timeline: Timeline };
}

/** The scenario as resolved by `parseScenario`, resolving it when it is written. */
export function resolveScenario(scenario: Scenario | ResolvedScenario): ResolvedScenario {
  return isResolvedScenario(scenario) ? scenario : parseScenario(scenario);
}

/** Replication `r` draws from the seed's generator jumped `r` times. */
export function replicationStream(seed: number, r: number): Rng {
  return Rng.stream(seed, r);
}

/**
 * Replication `r` of a run: draws its day from `rng` (its stream, `replicationStream`), runs
 * it and reduces it. The day itself is dropped here, but for replication 0's records.
 */
export function runReplication(
  s: ResolvedScenario,
  plan: RunPlan,
  r: number,
  rng: Rng,
  onOrder?: () => void,
): Replication {
  const sheet = drawOrders(s, rng);
  const run = runDay(s, sheet, plan.bucketMinutes, onOrder);
  const kpis = dayKpis(
    run,
    s.lines.map((l) => l.id),
  );
  const rushDecisions = run.rushes.decisions;
  const arrivals = sheet.length;
  return r === 0
    ? { kpis, rushDecisions, arrivals, day: { sheet, timeline: run.timeline } }
    : { kpis, rushDecisions, arrivals };
}

/**
 * The result of a run from its replications, reduced, in replication order: each KPI's mean
 * and interval over them, and replication 0's orders and timeline. The order fixes the sums,
 * so the same replications give the same bytes however they were run.
 */
export function combine(
  s: ResolvedScenario,
  plan: RunPlan,
  replications: readonly Replication[],
): SimulationResult {
  const values = new Map<
    string,
    {
      def: DayKpi['def'];
      values: (number | null)[];
      trials: (number | null)[];
    }
  >();
  replications.forEach((replication, r) => {
    for (const { def, value, trials } of replication.kpis) {
      let entry = values.get(def.id);
      if (!entry) {
        const none = () => Array.from({ length: r }, () => null);
        entry = { def, values: none(), trials: none() };
        values.set(def.id, entry);
      }
      entry.values.push(value);
      entry.trials.push(trials);
    }
  });
  // A share's interval is one for a proportion, inside [0, 1]; other means keep the t interval.
  const kpis: Kpi[] = [...values.values()].map(({ def, values: v, trials }) => ({
    ...def,
    ...(def.unit === 'share' ? shareCi(v, trials) : meanCi(v)),
    values: v,
  }));
  const rushDecisions = emptyRushDecisions();
  for (const replication of replications)
    mergeRushDecisions(rushDecisions, replication.rushDecisions);
  const day = replications[0]?.day;
  if (!day) throw new Error('combine: replication 0 carries no day');
  const { seed, replications: n } = plan;
  const result = {
    scenario: s,
    seed,
    summary: { scenario: s.name, seed, replications: n, kpis, rushDecisions },
  } as SimulationResult;
  lazyOrders(result, day.sheet);
  result.timeline = day.timeline;
  return result;
}

/**
 * Gives a result its `orders`, made from the order sheet when they are first read: a caller
 * who reads only the summary never pays for a million records (about 440 bytes each, four
 * times the sheet's row). Once read, `orders` is a plain array property like any other (the
 * same array at every read, the caller's to change), and the sheet is let go. The property is
 * enumerable and in its place, so the result's JSON is the same as with the array made at once.
 */
function lazyOrders(result: SimulationResult, sheet: OrderSheet): void {
  const settle = (orders: SimulatedOrder[]) => {
    Object.defineProperty(result, 'orders', {
      value: orders,
      writable: true,
      enumerable: true,
      configurable: true,
    });
    return orders;
  };
  Object.defineProperty(result, 'orders', {
    get: () => settle(recordsOf(sheet)),
    set: settle,
    enumerable: true,
    configurable: true,
  });
}

/**
 * The progress report of a run: `onProgress` is called every hundredth of the orders and at
 * the last. Its total is counted before any day runs, from copies of the replications'
 * streams. Replications may run side by side (in `study`): each adds its orders as they are
 * done, and the report counts those of all.
 */
export class ProgressReport {
  private done = 0;
  readonly total: number;
  readonly step: number;

  constructor(
    runs: readonly { s: ResolvedScenario; plan: RunPlan }[],
    private readonly onProgress: NonNullable<SimulateOptions['onProgress']>,
  ) {
    let total = 0;
    for (const { s, plan } of runs) {
      let stream = replicationStream(plan.seed, 0);
      for (let r = 0; r < plan.replications; r++) {
        total += countArrivals(s, stream.copy());
        stream = stream.jumped();
      }
    }
    this.total = total;
    this.step = Math.max(1, Math.floor(total / 100));
  }

  /** `n` more orders of replication `r` are done. */
  add(r: number, n: number): void {
    const before = this.done;
    this.done += n;
    if (
      Math.floor(before / this.step) !== Math.floor(this.done / this.step) ||
      this.done === this.total
    )
      this.onProgress({ done: this.done, total: this.total, replication: r });
  }
}

/**
 * Simulates a scenario (as written, or already resolved by `parseScenario`). Deterministic:
 * the same scenario and options give a byte-identical result.
 */
export function simulate(
  scenario: Scenario | ResolvedScenario,
  options: SimulateOptions = {},
): SimulationResult {
  const s = resolveScenario(scenario);
  const plan = planRun(s, options);
  const progress = options.onProgress && new ProgressReport([{ s, plan }], options.onProgress);
  const replications: Replication[] = [];
  // Each replication's stream is the one before, jumped once: one jump each rather than r.
  let stream = replicationStream(plan.seed, 0);
  for (let r = 0; r < plan.replications; r++) {
    const rng = stream;
    stream = stream.jumped();
    replications.push(runReplication(s, plan, r, rng, progress && (() => progress.add(r, 1))));
  }
  return combine(s, plan, replications);
}
