/**
 * `rushline sweep` and `rushline worker`: a policy swept over a grid, in this process or, with
 * `--queue`, as jobs on a PostgreSQL queue that `rushline worker` processes run on any number
 * of machines. Both ways print the same summary.
 */
import { ValidationError } from '../domain/errors.js';
import type { PolicyInput } from '../domain/policy.js';
import { runWorker, sweepOnQueue } from '../simulation/job-queue.js';
import { formatKpi } from '../simulation/report.js';
import type { ResolvedScenario } from '../simulation/scenario.js';
import { studySweep } from '../simulation/study.js';
import {
  parseVary,
  type SweepAxis,
  type SweepResult,
  type SweepSummary,
  TRADE_OFF,
} from '../simulation/sweep.js';
import { renderSweepReport } from '../simulation/sweep-report.js';

export interface SweepArgs {
  scenario: ResolvedScenario;
  base: PolicyInput;
  vary: string[];
  seed: number;
  replications: number;
  maxOrders?: number;
  queue?: string;
  jobTimeoutSeconds?: number;
  /** Worker threads for the in-process sweep. @default os.availableParallelism() */
  workers?: number;
  json: boolean;
  report?: string;
}

/** Axis errors are reported against the `--vary` that was written, not the axis's index. */
function asVary(error: unknown, vary: readonly string[]): unknown {
  if (!(error instanceof ValidationError)) return error;
  return new ValidationError(
    error.issues.map((i) => {
      const m = /^axes\.(\d+)$/.exec(i.path);
      return m ? { ...i, path: `--vary ${vary[Number(m[1])]}` } : i;
    }),
    'sweep',
  );
}

/** The cells' trade-off as a table, the Pareto front starred. */
export function sweepTable(summary: SweepSummary): string {
  const heads = ['cell', ...TRADE_OFF.map((t) => t.id), 'front'];
  const rows = summary.cells.map((c) => [
    c.id,
    ...TRADE_OFF.map(({ id }) => {
      const k = c.kpis.find((x) => x.id === id);
      if (!k) return '–';
      const ci = k.ci95 ? ` [${formatKpi(k, k.ci95[0])}–${formatKpi(k, k.ci95[1])}]` : '';
      return `${formatKpi(k, k.mean)}${ci}`;
    }),
    c.pareto ? '*' : '',
  ]);
  const widths = heads.map((h, i) =>
    Math.max(h.length, ...rows.map((r) => (r[i] as string).length)),
  );
  const line = (r: string[]) =>
    r
      .map((x, i) => x.padEnd(widths[i] as number))
      .join('  ')
      .trimEnd();
  return `${summary.scenario} — seed ${summary.seed}, ${summary.replications} replication${summary.replications > 1 ? 's' : ''} per cell, the same days in every cell; * marks the Pareto front (${TRADE_OFF.map((t) => `${t.id} ${t.better}`).join(', ')} is better)\n\n${[heads, ...rows].map(line).join('\n')}\n`;
}

export async function sweepCommand(
  args: SweepArgs,
  out: NodeJS.WriteStream,
  writeReport: (file: string, html: string) => void,
): Promise<number> {
  let axes: SweepAxis[];
  let result: SweepResult;
  const options = {
    seed: args.seed,
    replications: args.replications,
    ...(args.maxOrders === undefined ? {} : { maxOrders: args.maxOrders }),
  };
  try {
    axes = args.vary.map((v) => parseVary(v, `--vary ${v}`));
    if (args.queue === undefined)
      result = await studySweep(args.scenario, args.base, axes, {
        ...options,
        ...(args.workers === undefined ? {} : { workers: args.workers }),
      });
    else
      result = await sweepOnQueue(args.scenario, args.base, axes, {
        ...options,
        url: args.queue,
        ...(args.jobTimeoutSeconds === undefined
          ? {}
          : { jobTimeoutSeconds: args.jobTimeoutSeconds }),
      });
  } catch (error) {
    throw asVary(error, args.vary);
  }
  if (args.report) writeReport(args.report, await renderSweepReport(result));
  if (args.json) out.write(`${JSON.stringify(result.summary)}\n`);
  else out.write(sweepTable(result.summary));
  if (args.report && !args.json) out.write(`\nReport written to ${args.report}\n`);
  return 0;
}

/**
 * Serves sweeps until SIGTERM or SIGINT, printing a line as each cell starts and ends; then
 * lets the running cell finish and exits.
 */
export async function workerCommand(
  args: { queue: string; jobTimeoutSeconds?: number },
  out: NodeJS.WriteStream,
): Promise<number> {
  const worker = await runWorker({
    url: args.queue,
    ...(args.jobTimeoutSeconds === undefined ? {} : { jobTimeoutSeconds: args.jobTimeoutSeconds }),
    onJob: ({ sweep, cell, phase }) =>
      out.write(`${phase === 'start' ? 'running' : 'done'} ${cell} (sweep ${sweep})\n`),
  });
  out.write(`worker ready on queue ${new URL(args.queue).host}\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  await worker.stop();
  return 0;
}
