/**
 * The `rushline` command: `simulate`, `compare`, `sweep`, `worker`, `registers`, `replay` and
 * `checkpoint`. A thin shell around
 * the library: it reads files, parses arguments with node:util's parseArgs, and prints. Every
 * command answers `--help`; `rushline --version` prints the package's version. Exit codes: 0
 * done, 2 bad input (arguments, scenario or policy file, a file that cannot be read or
 * written, a store that is not one; one message, no stack trace, nothing is written), 1
 * anything else, and for `replay`, a journal that does not replay.
 */
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ValidationError } from '../domain/errors.js';
import type { PolicyInput } from '../domain/policy.js';
import { parsePolicyText, parseScenarioText } from '../simulation/load.js';
import { renderReport } from '../simulation/report.js';
import { parseScenario, type ResolvedScenario } from '../simulation/scenario.js';
import { scenarios } from '../simulation/scenarios.js';
import { DEFAULT_MAX_ORDERS, MAX_REPLICATIONS } from '../simulation/simulate.js';
import { study, studyPolicies } from '../simulation/study.js';
import type { SimulateOptions } from '../simulation/types.js';
import { StoreError } from '../store/types.js';
import { checkpointCommand, registersCommand, replayCommand } from './store-commands.js';
import { sweepCommand, workerCommand } from './sweep-commands.js';
import { comparisonTable, summaryText } from './terminal.js';

const NAMES = Object.keys(scenarios).join(', ');

/** Each command's usage and what it does, for `rushline --help` and `rushline COMMAND --help`. */
const HELP = {
  simulate: `rushline simulate [--scenario FILE|NAME] [--policy FILE] [--seed N] [--replications N]
                  [--workers N] [--max-orders N] [--report FILE.html] [--json]
  Simulates a day of the lab on the real scheduler and prints its KPIs; --report also writes
  an HTML page with charts, --json prints the whole result. Replications are independent
  days (1 to ${MAX_REPLICATIONS}, default 1); --max-orders raises the limit of ${DEFAULT_MAX_ORDERS}
  orders a run may expect over all its days.`,
  compare: `rushline compare --policy A --policy B [--policy C ...] [--scenario FILE|NAME] [--seed N]
                 [--replications N] [--workers N] [--max-orders N] [--json]
  Runs the same days (default 10) under each policy and prints each KPI's difference from
  the first policy with its 95% interval.`,
  sweep: `rushline sweep --vary PATH=START:END:STEP|A,B,C [--vary ...] [--policy BASE] [--scenario FILE|NAME]
               [--seed N] [--replications N] [--workers N] [--max-orders N] [--report FILE.html]
               [--json] [--queue postgres://... [--job-timeout SECONDS]]
  Runs every combination of the varied policy numbers (e.g. --vary rush.quotaShare=0.1:0.4:0.05)
  on the same days (default 5 per cell) and prints each cell's rush acceptance, plain orders
  late and key clients on time, the Pareto front marked. --queue enqueues the cells on a
  PostgreSQL job queue for rushline worker processes and waits for them.`,
  worker: `rushline worker --queue postgres://... [--job-timeout SECONDS]
  Runs the cells of sweeps from the queue until stopped (SIGTERM or Ctrl-C); start any number,
  on any machine that reaches the database.`,
  registers: `rushline registers --store STORE [--rush|--rework|--delivery] [--since DATE] [--csv] [--lab NAME]
  Prints the rush, rework and delivery registers of a durable store (read-only).`,
  replay: `rushline replay --store STORE [--lab NAME]
  Replays a durable store's journal and checks that it gives the recorded decisions.`,
  checkpoint: `rushline checkpoint --store STORE [--lab NAME]
  Writes a checkpoint of a durable store and compacts its journal, so that opening it replays no
  call: run it with the version that wrote the store before upgrading rushline, with the service
  stopped (on PostgreSQL the command waits until it is the lab's writer).`,
} as const;

const NOTES = `NAME is a built-in scenario: ${NAMES} (default season).
--workers N runs the replications on N threads (default: the machine's cores); the result
is the same whatever N. FILE is YAML or JSON. A policy file is laid over the default policy
and replaces the scenario's own policy. STORE is a SQLite file or a postgres:// URL; DATE is
yyyy-MM-dd (the lab's midnight) or an ISO 8601 time with its offset.`;

const USAGE = `Usage:
${Object.values(HELP)
  .map((h) => `  ${h.replaceAll('\n', '\n  ')}`)
  .join('\n')}
  rushline --version

${NOTES}`;

const usageOf = (command: keyof typeof HELP) =>
  `Usage:\n  ${HELP[command].replaceAll('\n', '\n  ')}\n\n${NOTES}`;

const isCommand = (name: string | undefined): name is keyof typeof HELP =>
  name !== undefined && Object.hasOwn(HELP, name);

/** The package's version, read from its package.json: two folders up from src/cli and from dist/cli alike. */
function version(): string {
  const file = new URL('../../package.json', import.meta.url);
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}

class UsageError extends Error {}

function int(name: string, value: string | undefined, min: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^-?\d+$/.test(value) || Number(value) < min)
    throw new UsageError(
      `--${name}: expected a whole number of at least ${min}, received '${value}'`,
    );
  return Number(value);
}

/** Why a file could not be read or written, in words: the system's code says it to a programmer. */
function reason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file or folder';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'it is a folder';
  return (error as Error).message;
}

function read(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read '${file}': ${reason(error)}`);
  }
}

function loadScenario(arg: string | undefined): ResolvedScenario {
  const name = arg ?? 'season';
  if (Object.hasOwn(scenarios, name))
    return parseScenario(scenarios[name as keyof typeof scenarios]);
  let text: string;
  try {
    text = readFileSync(name, 'utf8');
  } catch (error) {
    // A missing file named like a scenario rather than a path is most likely a mistyped name.
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || /[/\\]|\.(ya?ml|json)$/i.test(name))
      throw new UsageError(`--scenario: cannot read '${name}': ${reason(error)}`);
    const close = Object.keys(scenarios).find((n) => n.toLowerCase() === name.toLowerCase());
    throw new UsageError(
      `--scenario: '${name}' is not a built-in scenario (${NAMES}${close ? `; did you mean ${close}?` : ''}) nor a file`,
    );
  }
  return parseScenarioText(text, { file: name });
}

function loadPolicy(file: string): PolicyInput {
  return parsePolicyText(read(file), { file });
}

/** Progress on stderr, on a terminal only, once a run has lasted a second. */
function progress(stream: NodeJS.WriteStream): SimulateOptions['onProgress'] {
  if (!stream.isTTY) return undefined;
  const began = Date.now();
  let shown = false;
  return ({ done, total }) => {
    if (Date.now() - began < 1000 && done < total) return;
    shown = true;
    stream.write(`\rsimulating… ${Math.floor((100 * done) / total)}% (${done}/${total} orders)`);
    if (done === total && shown) stream.write('\n');
  };
}

function writeAtomically(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, file);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw new UsageError(`cannot write '${file}': ${reason(error)}`);
  }
}

export async function main(
  argv: string[],
  out: NodeJS.WriteStream = process.stdout,
  err: NodeJS.WriteStream = process.stderr,
): Promise<number> {
  try {
    const [command, ...rest] = argv;
    if (command === '--version') {
      out.write(`${version()}\n`);
      return 0;
    }
    if (command === 'help' && isCommand(rest[0])) {
      out.write(`${usageOf(rest[0])}\n`);
      return 0;
    }
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      out.write(`${USAGE}\n`);
      return command === undefined ? 2 : 0;
    }
    // Asking for help is never an error, whatever else is on the line.
    if (isCommand(command) && (rest.includes('--help') || rest.includes('-h'))) {
      out.write(`${usageOf(command)}\n`);
      return 0;
    }
    let args: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; strict: true }>>['values'];
    try {
      args = parseArgs({
        args: rest,
        options: OPTIONS,
        strict: true,
        allowPositionals: false,
      }).values;
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    const seed = int('seed', args.seed, 0, 1);
    const maxOrders =
      args['max-orders'] === undefined
        ? {}
        : { maxOrders: int('max-orders', args['max-orders'], 1, 1) };
    const workers =
      args.workers === undefined ? {} : { workers: int('workers', args.workers, 1, 1) };
    if (command === 'simulate') {
      const replications = int('replications', args.replications, 1, 1);
      if ((args.policy?.length ?? 0) > 1)
        throw new UsageError('--policy: simulate takes one policy; use compare for several');
      let scenario = loadScenario(args.scenario);
      const policyFile = args.policy?.[0];
      if (policyFile)
        scenario = parseScenario({ ...scenario.source, policy: loadPolicy(policyFile) });
      const onProgress = progress(err);
      const result = await study(scenario, {
        seed,
        replications,
        ...workers,
        ...maxOrders,
        ...(onProgress ? { onProgress } : {}),
      });
      // The report is rendered in full and written before anything is printed, so that a
      // report that cannot be written leaves nothing but the message.
      if (args.report) writeAtomically(args.report, await renderReport(result));
      if (args.json) out.write(`${JSON.stringify(result)}\n`);
      else out.write(summaryText(result));
      if (args.report && !args.json) out.write(`\nReport written to ${args.report}\n`);
      return 0;
    }
    if (command === 'compare') {
      const replications = int('replications', args.replications, 2, 10);
      if ((args.policy?.length ?? 0) < 2)
        throw new UsageError(
          '--policy: compare needs at least two, e.g. --policy A.yaml --policy B.yaml',
        );
      if (args.report) throw new UsageError('--report: not available for compare');
      const scenario = loadScenario(args.scenario);
      const files = args.policy as string[];
      const policies = files.map(loadPolicy);
      const onProgress = progress(err);
      const cmp = await studyPolicies(scenario, policies, {
        seed,
        replications,
        ...workers,
        ...maxOrders,
        ...(onProgress ? { onProgress } : {}),
      });
      if (args.json) {
        out.write(
          `${JSON.stringify({ policies: files, summaries: cmp.results.map((r) => r.summary), differences: cmp.differences })}\n`,
        );
      } else {
        out.write(comparisonTable(cmp, files));
      }
      return 0;
    }
    const jobTimeout =
      args['job-timeout'] === undefined
        ? {}
        : { jobTimeoutSeconds: int('job-timeout', args['job-timeout'], 1, 1) };
    if (command === 'sweep') {
      if ((args.vary?.length ?? 0) === 0)
        throw new UsageError(
          '--vary: sweep needs at least one, e.g. --vary rush.quotaShare=0.1:0.4:0.05',
        );
      if ((args.policy?.length ?? 0) > 1)
        throw new UsageError('--policy: sweep takes one base policy');
      const policyFile = args.policy?.[0];
      return await sweepCommand(
        {
          scenario: loadScenario(args.scenario),
          base: policyFile ? loadPolicy(policyFile) : {},
          vary: args.vary as string[],
          seed,
          replications: int('replications', args.replications, 1, 5),
          ...maxOrders,
          ...(args.queue === undefined ? {} : { queue: args.queue }),
          ...jobTimeout,
          ...workers,
          json: args.json === true,
          ...(args.report === undefined ? {} : { report: args.report }),
        },
        out,
        writeAtomically,
      );
    }
    if (command === 'worker') {
      if (!args.queue)
        throw new UsageError('--queue: worker needs the job queue, a postgres:// URL');
      return await workerCommand({ queue: args.queue, ...jobTimeout }, out);
    }
    if (command === 'registers' || command === 'replay' || command === 'checkpoint') {
      if (!args.store)
        throw new UsageError(
          `--store: ${command} needs the store, a SQLite file or a postgres:// URL`,
        );
      if (command === 'registers') {
        const chosen = (['rush', 'rework', 'delivery'] as const).filter((r) => args[r]);
        if (chosen.length > 1)
          throw new UsageError(
            `${chosen.map((r) => `--${r}`).join(', ')}: give one, or none for every register`,
          );
        return await registersCommand(
          {
            store: args.store,
            lab: args.lab,
            which: chosen[0],
            since: args.since,
            csv: args.csv === true,
          },
          out,
        );
      }
      if (command === 'checkpoint')
        return await checkpointCommand({ store: args.store, lab: args.lab }, out);
      return await replayCommand({ store: args.store, lab: args.lab }, out);
    }
    throw new UsageError(`unknown command '${command}'`);
  } catch (error) {
    if (error instanceof UsageError) {
      const help = isCommand(argv[0]) ? `rushline ${argv[0]} --help` : 'rushline --help';
      err.write(`rushline: ${error.message}\n(${help} shows the usage)\n`);
      return 2;
    }
    if (error instanceof ValidationError || error instanceof StoreError) {
      err.write(`rushline: ${error.message}\n`);
      return 2;
    }
    err.write(`rushline: ${(error as Error).stack ?? String(error)}\n`);
    return 1;
  }
}

const OPTIONS = {
  scenario: { type: 'string' },
  policy: { type: 'string', multiple: true },
  seed: { type: 'string' },
  replications: { type: 'string' },
  workers: { type: 'string' },
  'max-orders': { type: 'string' },
  report: { type: 'string' },
  json: { type: 'boolean' },
  store: { type: 'string' },
  lab: { type: 'string' },
  rush: { type: 'boolean' },
  rework: { type: 'boolean' },
  delivery: { type: 'boolean' },
  since: { type: 'string' },
  csv: { type: 'boolean' },
  vary: { type: 'string', multiple: true },
  queue: { type: 'string' },
  'job-timeout': { type: 'string' },
} as const;
