/**
 * `study`: `simulate` on every core. The replications of a run are spread over a pool of
 * worker threads (tinypool); each thread runs `runReplication`, sends back the reduced values
 * and drops the day, and `combine` makes the result of them in replication order, as
 * `simulate` does. So the summary is the same, byte for byte, whatever the number of workers,
 * and a study holds one day per worker at a time, however many replications it has.
 */
import { MessageChannel } from 'node:worker_threads';
import Tinypool from 'tinypool';
import type { PolicyInput } from '../domain/policy.js';
import type { ReplicationTask } from './_internal/study-worker.js';
import { type Comparison, differencesFrom, planComparison } from './compare.js';
import type { ResolvedScenario, Scenario } from './scenario.js';
import {
  combine,
  ProgressReport,
  planRun,
  type Replication,
  type RunPlan,
  resolveScenario,
} from './simulate.js';
import {
  cellScenario,
  combineSweep,
  planSweep,
  type SweepAxis,
  type SweepOptions,
  type SweepResult,
} from './sweep.js';
import type { SimulationResult, StudyOptions } from './types.js';

/**
 * The worker's module. Built, it is the .js beside this module's own in dist/, which is where
 * it is when the package is installed. Run from the TypeScript sources (vitest, tsx), this
 * module is study.ts: the worker then imports study-worker.ts through tsx, so that the tests
 * run the sources they read and never a stale build. (A worker thread does not inherit the
 * caller's TypeScript loader, and on Node 20 `--import tsx` in its execArgv registers none.)
 */
function workerModule(): string {
  if (!import.meta.url.endsWith('.ts'))
    return new URL('./_internal/study-worker.js', import.meta.url).href;
  const source = new URL('./_internal/study-worker.ts', import.meta.url).href;
  const shim = `import { tsImport } from ${JSON.stringify(import.meta.resolve('tsx/esm/api'))};
export default (await tsImport(${JSON.stringify(source)}, import.meta.url)).default;`;
  return `data:text/javascript,${encodeURIComponent(shim)}`;
}

/**
 * The Node options of the worker threads. A worker inherits the caller's, and Node leaves out
 * those a worker cannot take (V8's, such as a memory cap); but it keeps `--input-type`, which
 * a program given as text passes (`node --input-type=module -e …`) and which a worker, whose
 * program is a file, refuses. Such a caller's workers start with no options: a list given
 * explicitly would have to leave out V8's options too, and Node lists them nowhere.
 */
function workerOptions(): { execArgv?: string[] } {
  return process.execArgv.some((arg) => arg.startsWith('--input-type')) ? { execArgv: [] } : {};
}

/**
 * Simulates a scenario as `simulate` does, with its replications on `options.workers` worker
 * threads (default: the machine's cores). Resolves with the same result as `simulate` with
 * the same options: the same summary, byte for byte, and replication 0's orders and timeline.
 * Bad options reject with `ValidationError` before any worker starts.
 */
export async function study(
  scenario: Scenario | ResolvedScenario,
  options: StudyOptions = {},
): Promise<SimulationResult> {
  const s = resolveScenario(scenario);
  const plan = planRun(s, options);
  const [result] = await studyRuns([{ s, plan }], options.onProgress);
  return result as SimulationResult;
}

/**
 * `comparePolicies` as a study: the scenario under each policy on the same seeded days, all
 * their replications on one pool of `options.workers` threads. Resolves with the same
 * comparison as `comparePolicies` with the same options.
 */
export async function studyPolicies(
  scenario: Scenario | ResolvedScenario,
  policies: readonly PolicyInput[],
  options: StudyOptions = {},
): Promise<Comparison> {
  const results = await studyRuns(planComparison(scenario, policies, options), options.onProgress);
  return { results, differences: differencesFrom(results) };
}

/**
 * `sweep` as a study: every cell on the same seeded days, all their replications on one pool
 * of `options.workers` threads. Resolves with the same summary as `sweep` with the same
 * options, whatever the number of workers.
 */
export async function studySweep(
  scenario: Scenario | ResolvedScenario,
  base: PolicyInput,
  axes: readonly (SweepAxis | string)[],
  options: SweepOptions & Pick<StudyOptions, 'workers'> = {},
): Promise<SweepResult> {
  const plan = planSweep(scenario, base, axes, options);
  const workers = options.workers === undefined ? {} : { workers: options.workers };
  const runs = plan.cells.map((cell) => {
    const s = cellScenario(plan.scenario, cell.policy);
    return { s, plan: planRun(s, { ...plan.options, ...workers }) };
  });
  const results = (await studyRuns(runs)).map((r, i) => {
    const id = (plan.cells[i] as { id: string }).id;
    options.onCell?.({ done: i + 1, total: plan.cells.length, id });
    return { id, summary: r.summary };
  });
  return { scenario: plan.scenario, summary: combineSweep(plan, results) };
}

/**
 * Runs several runs (a scenario under several policies, say) on one pool of `workers`
 * threads, all of them planned already. Their replications share the pool and the progress
 * report; each run's result is combined from its own replications in order.
 */
export async function studyRuns(
  runs: readonly { s: ResolvedScenario; plan: RunPlan }[],
  onProgress?: StudyOptions['onProgress'],
): Promise<SimulationResult[]> {
  if (runs.length === 0) return [];
  const progress = onProgress && new ProgressReport(runs, onProgress);
  const tasks = runs.reduce((n, { plan }) => n + plan.replications, 0);
  const threads = Math.min(Math.max(1, ...runs.map(({ plan }) => plan.workers)), tasks);
  const pool = new Tinypool({
    filename: workerModule(),
    minThreads: threads,
    maxThreads: threads,
    ...workerOptions(),
  });
  try {
    return await Promise.all(
      runs.map(async ({ s, plan }) => {
        const replications = await Promise.all(
          Array.from({ length: plan.replications }, (_, r) =>
            replicate(pool, { s, plan, r }, progress),
          ),
        );
        return combine(s, plan, replications);
      }),
    );
  } finally {
    await pool.destroy();
  }
}

/**
 * Runs one replication on the pool. With a progress report, the worker posts how many of the
 * replication's orders are done on a port of its own; a count may arrive after the
 * replication's result, so only counts beyond those already added are added.
 */
async function replicate(
  pool: Tinypool,
  task: ReplicationTask,
  progress: ProgressReport | undefined,
): Promise<Replication> {
  if (!progress) return (await pool.run(task)) as Replication;
  const { port1, port2 } = new MessageChannel();
  let added = 0;
  const upTo = (done: number) => {
    if (done > added) progress.add(task.r, done - added);
    added = Math.max(added, done);
  };
  port1.on('message', upTo);
  try {
    const replication = (await pool.run(
      { ...task, progress: { port: port2, step: progress.step } },
      { transferList: [port2] },
    )) as Replication;
    upTo(replication.arrivals);
    return replication;
  } finally {
    port1.close();
  }
}
