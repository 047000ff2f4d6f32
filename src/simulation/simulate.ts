/**
 * `simulate`: seeded capacity simulation of a scenario on the real `Scheduler`. Each
 * replication draws its own day from its own random stream (pure-rand's jump), runs it, and
 * measures the KPIs; the summary gives their mean and 95% interval over the replications.
 */

import { ValidationError, type ValidationIssue } from '../domain/errors.js';
import { parsePolicy } from '../domain/policy.js';
import { countArrivals, expectedArrivals, makeArrivals } from './_internal/arrivals.js';
import { Rng } from './_internal/random.js';
import { MAX_TIMELINE_BUCKETS, runDay } from './_internal/run-day.js';
import { addRushDecisions, dayKpis, emptyRushDecisions } from './kpis.js';
import {
  isResolvedScenario,
  parseScenario,
  type ResolvedScenario,
  type Scenario,
} from './scenario.js';
import { meanCi, shareCi } from './stats.js';
import type { Kpi, SimulateOptions, SimulationResult } from './types.js';

/** The most replications of a run: a thousand days already pin a mean to a thirtieth of their spread. */
export const MAX_REPLICATIONS = 1000;

/**
 * The most orders a run may expect, over all its days, unless the caller raises `maxOrders`:
 * twice the 10⁶-order day of `bench:simulate`. A day holds about 1 KB an order while it runs.
 */
export const DEFAULT_MAX_ORDERS = 2_000_000;

export interface RunPlan {
  seed: number;
  replications: number;
  bucketMinutes: number;
}

/**
 * Reads the options and checks that the run fits its limits, before any work: the options
 * themselves, the timeline the arrival window makes, and the orders the run expects over all
 * its replications of all `policies`. Throws `ValidationError` naming the option and saying
 * how to change it.
 */
export function planRun(s: ResolvedScenario, options: SimulateOptions, policies = 1): RunPlan {
  const issues: ValidationIssue[] = [];
  const seed = options.seed ?? 1;
  const replications = options.replications ?? 1;
  const bucketMinutes = options.bucketMinutes ?? 15;
  const maxOrders = options.maxOrders ?? DEFAULT_MAX_ORDERS;
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
        message: `the run expects about ${Math.round(expected)} orders (${Math.round(perDay)} a day × ${times}), more than the limit of ${maxOrders}; lower the arrival rates, durationHours or replications, or raise maxOrders (--max-orders) if the machine has the memory (about 1 KB an order)`,
      });
    }
  }
  if (issues.length > 0) throw new ValidationError(issues, 'simulate options');
  return { seed, replications, bucketMinutes };
}

/**
 * Simulates a scenario (as written, or already resolved by `parseScenario`). Deterministic:
 * the same scenario and options give a byte-identical result.
 */
export function simulate(
  scenario: Scenario | ResolvedScenario,
  options: SimulateOptions = {},
): SimulationResult {
  const s = isResolvedScenario(scenario) ? scenario : parseScenario(scenario);
  const { seed, replications, bucketMinutes } = planRun(s, options);

  // Replication r draws from the seed's generator jumped r times.
  const streams = [Rng.stream(seed, 0)];
  for (let r = 1; r < replications; r++) streams.push((streams[r - 1] as Rng).jumped());
  // Each day is drawn just before it runs, so that one day's orders are held at a time; the
  // progress report's total is counted beforehand from copies of the streams.
  const total = options.onProgress
    ? streams.reduce((a, rng) => a + countArrivals(s, rng.copy()), 0)
    : 0;
  const step = Math.max(1, Math.floor(total / 100));
  let done = 0;
  const values = new Map<
    string,
    {
      def: Omit<Kpi, 'mean' | 'ci95' | 'values'>;
      values: (number | null)[];
      trials: (number | null)[];
    }
  >();
  let first: ReturnType<typeof runDay> | undefined;
  const policy = parsePolicy(s.policy);
  const rushDecisions = emptyRushDecisions();
  streams.forEach((rng, r) => {
    const run = runDay(
      s,
      makeArrivals(s, rng),
      bucketMinutes,
      options.onProgress
        ? () => {
            done++;
            if (done % step === 0 || done === total)
              options.onProgress?.({ done, total, replication: r });
          }
        : undefined,
    );
    for (const { def, value, trials } of dayKpis(
      run,
      s.lines.map((l) => l.id),
    )) {
      let entry = values.get(def.id);
      if (!entry) {
        const none = () => Array.from({ length: r }, () => null);
        entry = { def, values: none(), trials: none() };
        values.set(def.id, entry);
      }
      entry.values.push(value);
      entry.trials.push(trials);
    }
    addRushDecisions(rushDecisions, run, policy);
    if (r === 0) first = run;
    else {
      // Only the first day's records are kept; the rest would only cost memory.
      run.orders.length = 0;
    }
  });
  // A share's interval is one for a proportion, inside [0, 1]; other means keep the t interval.
  const kpis: Kpi[] = [...values.values()].map(({ def, values: v, trials }) => ({
    ...def,
    ...(def.unit === 'share' ? shareCi(v, trials) : meanCi(v)),
    values: v,
  }));
  const day = first as ReturnType<typeof runDay>;
  return {
    scenario: s,
    seed,
    summary: { scenario: s.name, seed, replications, kpis, rushDecisions },
    orders: day.orders,
    timeline: day.timeline,
  };
}
