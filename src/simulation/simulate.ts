/**
 * `simulate`: seeded capacity simulation of a scenario on the real `Scheduler`. Each
 * replication draws its own day from its own random stream (pure-rand's jump), runs it, and
 * measures the KPIs; the summary gives their mean and 95% interval over the replications.
 */

import { ValidationError, type ValidationIssue } from '../domain/errors.js';
import { makeArrivals } from './_internal/arrivals.js';
import { Rng } from './_internal/random.js';
import { runDay } from './_internal/run-day.js';
import { dayKpis } from './kpis.js';
import {
  isResolvedScenario,
  parseScenario,
  type ResolvedScenario,
  type Scenario,
} from './scenario.js';
import { meanCi } from './stats.js';
import type { Kpi, SimulateOptions, SimulationResult } from './types.js';

/** Reads and checks the options; throws `ValidationError` naming the option. */
function readOptions(options: SimulateOptions) {
  const issues: ValidationIssue[] = [];
  const seed = options.seed ?? 1;
  const replications = options.replications ?? 1;
  const bucketMinutes = options.bucketMinutes ?? 15;
  if (!Number.isSafeInteger(seed))
    issues.push({ path: 'seed', message: `must be an integer, received ${String(seed)}` });
  if (!Number.isInteger(replications) || replications < 1 || replications > 10_000)
    issues.push({
      path: 'replications',
      message: `must be a whole number from 1 to 10000, received ${String(replications)}`,
    });
  if (!Number.isInteger(bucketMinutes) || bucketMinutes < 1 || bucketMinutes > 1440)
    issues.push({
      path: 'bucketMinutes',
      message: `must be a whole number of minutes from 1 to 1440, received ${String(bucketMinutes)}`,
    });
  if (options.onProgress !== undefined && typeof options.onProgress !== 'function')
    issues.push({
      path: 'onProgress',
      message: `must be a function, received ${typeof options.onProgress}`,
    });
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
  const { seed, replications, bucketMinutes } = readOptions(options);

  // Days are drawn first, so the total is known for the progress report.
  const days = Array.from({ length: replications }, (_, r) => makeArrivals(s, Rng.stream(seed, r)));
  const total = days.reduce((a, d) => a + d.length, 0);
  let done = 0;
  const values = new Map<
    string,
    { def: Omit<Kpi, 'mean' | 'ci95' | 'values'>; values: (number | null)[] }
  >();
  let first: ReturnType<typeof runDay> | undefined;
  days.forEach((arrivals, r) => {
    const step = Math.max(1, Math.floor(total / 100));
    const run = runDay(
      s,
      arrivals,
      bucketMinutes,
      options.onProgress
        ? () => {
            done++;
            if (done % step === 0 || done === total)
              options.onProgress?.({ done, total, replication: r });
          }
        : undefined,
    );
    for (const [def, value] of dayKpis(
      run,
      s.lines.map((l) => l.id),
    )) {
      let entry = values.get(def.id);
      if (!entry) {
        entry = { def, values: Array.from({ length: r }, () => null) };
        values.set(def.id, entry);
      }
      entry.values.push(value);
    }
    days[r] = [];
    if (r === 0) first = run;
    else {
      // Only the first day's records are kept; the rest would only cost memory.
      run.orders.length = 0;
    }
  });
  const kpis: Kpi[] = [...values.values()].map(({ def, values: v }) => ({
    ...def,
    ...meanCi(v),
    values: v,
  }));
  const day = first as ReturnType<typeof runDay>;
  return {
    scenario: s,
    seed,
    summary: { scenario: s.name, seed, replications, kpis },
    orders: day.orders,
    timeline: day.timeline,
  };
}
