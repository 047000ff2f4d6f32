/**
 * A sweep on more than one machine, through a PostgreSQL job queue (pg-boss, an optional
 * package loaded on first use). The sweeping process plans the sweep, enqueues one job per
 * cell and waits; `runWorkers` processes, on any number of machines, take jobs one at a time,
 * run the cell with `runCell` and write its summary to a results table.
 *
 * No cell is counted twice. A worker that dies mid-job leaves its job active; when the job's
 * time is up (`jobTimeoutSeconds`), pg-boss's maintenance puts it back and another worker runs
 * it again. A cell may so run twice (a worker that wrote its result and died before marking the
 * job done, or a slow one whose time ran out), but the results table keeps one row per sweep
 * and cell: the first written stays, a second write changes nothing, and a cell's runs give the
 * same summary anyway (its days are drawn from the seed alone). The sweeping process reads one
 * result per cell and combines them with `combineSweep`, as the in-process sweep does, so the
 * summary is the same to the byte.
 */
import { randomUUID } from 'node:crypto';
import type { PolicyInput } from '../domain/policy.js';
import { loadOptional } from '../optional-package.js';
import type { Scenario } from './scenario.js';
import {
  combineSweep,
  planSweep,
  runCell,
  type SweepAxis,
  type SweepOptions,
  type SweepPlan,
  type SweepResult,
} from './sweep.js';
import type { SimulationSummary } from './types.js';

/** The queue every sweep's cells go to: a worker serves any sweep. */
export const SWEEP_QUEUE = 'rushline-sweep';
const RESULTS = 'rushline_sweep_results';
/** How long a job may stay active before it counts as abandoned, unless set: a large cell's time. */
export const DEFAULT_JOB_TIMEOUT_SECONDS = 15 * 60;
/** How many times a cell's job is tried again after a failure or a timeout. */
const RETRIES = 5;

/** What a job carries: all a worker needs to run the cell, so workers share nothing but the queue. */
interface CellJob {
  sweep: string;
  cell: string;
  /**
   * The scenario, policy and options as JSON text, not as JSON objects: pg-boss keeps a job's
   * data as jsonb, which sorts an object's keys, and the order of a scenario's weights (its
   * urgencies, tiers, products) is the order the random draws use. Text keeps it.
   */
  run: string;
}

interface CellRun {
  scenario: Scenario;
  policy: PolicyInput;
  options: SweepPlan['options'];
}

export interface QueueOptions {
  /** The PostgreSQL connection, `postgres://…`. */
  url: string;
  /** Seconds a job may be active before another worker gets it. @default 900 */
  jobTimeoutSeconds?: number;
  /** Seconds between looks at the queue and the results. @default 1 */
  pollSeconds?: number;
  /** Told of each cell as its result arrives. */
  onCell?: SweepOptions['onCell'];
}

type Boss = InstanceType<Awaited<ReturnType<typeof loadBoss>>>;

function loadBoss() {
  return loadOptional('pg-boss', 'a sweep on a job queue (--queue)', () => import('pg-boss')).then(
    (m) => m.default,
  );
}

/** Starts pg-boss (it creates or migrates its schema) and the results table. */
async function start(options: QueueOptions): Promise<Boss> {
  const PgBoss = await loadBoss();
  const timeout = options.jobTimeoutSeconds ?? DEFAULT_JOB_TIMEOUT_SECONDS;
  const boss = new PgBoss({
    connectionString: options.url,
    application_name: 'rushline sweep',
    // Maintenance is what puts an abandoned job back: run it often enough that one waits at
    // most about a quarter of its timeout more.
    maintenanceIntervalSeconds: Math.max(1, Math.min(60, Math.floor(timeout / 4))),
    max: 4,
  });
  // pg-boss reports background failures (a lost connection during maintenance) as events; they
  // are retried on the next round, and a lasting one fails the next query the caller makes.
  boss.on('error', () => undefined);
  await boss.start();
  await boss.createQueue(SWEEP_QUEUE, {
    name: SWEEP_QUEUE,
    retryLimit: RETRIES,
    retryDelay: 0,
    expireInSeconds: timeout,
  });
  await boss
    .getDb()
    .executeSql(
      `CREATE TABLE IF NOT EXISTS ${RESULTS} (sweep text NOT NULL, cell text NOT NULL, summary text NOT NULL, PRIMARY KEY (sweep, cell))`,
      [],
    );
  return boss;
}

const wait = (seconds: number) => new Promise((resolve) => setTimeout(resolve, seconds * 1000));

/**
 * Plans the sweep here (so a bad axis or policy is reported before anything is enqueued),
 * enqueues its cells, waits until a worker has written every cell's result, and combines them.
 * Fails when a cell's job has failed for good (its error, from the worker, is in the message).
 */
export async function sweepOnQueue(
  scenario: Parameters<typeof planSweep>[0],
  base: PolicyInput,
  axes: readonly (SweepAxis | string)[],
  options: SweepOptions & QueueOptions,
): Promise<SweepResult> {
  const plan = planSweep(scenario, base, axes, options);
  const boss = await start(options);
  try {
    const db = boss.getDb();
    const sweep = randomUUID();
    const timeout = options.jobTimeoutSeconds ?? DEFAULT_JOB_TIMEOUT_SECONDS;
    await boss.insert(
      plan.cells.map((cell) => ({
        name: SWEEP_QUEUE,
        data: {
          sweep,
          cell: cell.id,
          run: JSON.stringify({
            scenario: plan.scenario.source,
            policy: cell.policy,
            options: plan.options,
          } satisfies CellRun),
        } satisfies CellJob,
        retryLimit: RETRIES,
        retryDelay: 0,
        expireInSeconds: timeout,
      })),
    );
    const seen = new Set<string>();
    for (;;) {
      const { rows } = await db.executeSql(`SELECT cell FROM ${RESULTS} WHERE sweep = $1`, [sweep]);
      for (const { cell } of rows as { cell: string }[])
        if (!seen.has(cell)) {
          seen.add(cell);
          options.onCell?.({ done: seen.size, total: plan.cells.length, id: cell });
        }
      if (seen.size === plan.cells.length) break;
      const failed = await db.executeSql(
        `SELECT data->>'cell' AS cell, output FROM pgboss.job WHERE name = $1 AND state = 'failed' AND data->>'sweep' = $2 LIMIT 1`,
        [SWEEP_QUEUE, sweep],
      );
      const dead = failed.rows[0] as { cell: string; output: unknown } | undefined;
      if (dead)
        throw new Error(
          `the cell ${dead.cell} failed ${RETRIES + 1} times; the last error: ${JSON.stringify(dead.output)}`,
        );
      await wait(options.pollSeconds ?? 1);
    }
    const { rows } = await db.executeSql(`SELECT cell, summary FROM ${RESULTS} WHERE sweep = $1`, [
      sweep,
    ]);
    const summary = combineSweep(
      plan,
      (rows as { cell: string; summary: string }[]).map((r) => ({
        id: r.cell,
        summary: JSON.parse(r.summary) as SimulationSummary,
      })),
    );
    await db.executeSql(`DELETE FROM ${RESULTS} WHERE sweep = $1`, [sweep]);
    return { scenario: plan.scenario, summary };
  } finally {
    await boss.stop({ graceful: false, wait: true });
  }
}

export interface WorkerHandle {
  /** Stops taking jobs, lets the one running finish, and closes the connections. */
  stop(): Promise<void>;
}

/**
 * Serves sweeps' cells until stopped: takes one job at a time, runs its cell, and writes the
 * result (a second write of a cell is ignored). `onJob` is told when a cell starts and ends.
 */
export async function runWorker(
  options: QueueOptions & {
    onJob?: (event: { cell: string; sweep: string; phase: 'start' | 'done' }) => void;
  },
): Promise<WorkerHandle> {
  const boss = await start(options);
  const db = boss.getDb();
  await boss.work<CellJob>(
    SWEEP_QUEUE,
    { batchSize: 1, pollingIntervalSeconds: options.pollSeconds ?? 1 },
    async (jobs) => {
      for (const job of jobs) {
        const { sweep, cell, run } = job.data;
        options.onJob?.({ sweep, cell, phase: 'start' });
        const { scenario, policy, options: days } = JSON.parse(run) as CellRun;
        const summary = runCell(scenario, policy, days);
        await db.executeSql(
          `INSERT INTO ${RESULTS} (sweep, cell, summary) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
          [sweep, cell, JSON.stringify(summary)],
        );
        options.onJob?.({ sweep, cell, phase: 'done' });
      }
    },
  );
  return {
    async stop() {
      await boss.stop({ graceful: true, wait: true });
    },
  };
}
