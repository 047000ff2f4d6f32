/**
 * The `rushline` command: `simulate`, `compare`, `registers` and `replay`. A thin shell around
 * the library: it reads files, parses arguments with node:util's parseArgs, and prints. Exit
 * codes: 0 done, 2 bad input (arguments, scenario or policy file, a store that is not one;
 * nothing is written), 1 anything else, and for `replay`, a journal that does not replay.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ValidationError } from '../domain/errors.js';
import type { PolicyInput } from '../domain/policy.js';
import { comparePolicies } from '../simulation/compare.js';
import { parsePolicyText, parseScenarioText } from '../simulation/load.js';
import { renderReport } from '../simulation/report.js';
import { parseScenario, type ResolvedScenario } from '../simulation/scenario.js';
import { scenarios } from '../simulation/scenarios.js';
import { simulate } from '../simulation/simulate.js';
import type { SimulateOptions } from '../simulation/types.js';
import { StoreError } from '../store/types.js';
import { registersCommand, replayCommand } from './store-commands.js';
import { comparisonTable, summaryText } from './terminal.js';

const USAGE = `Usage:
  rushline simulate [--scenario FILE|NAME] [--policy FILE] [--seed N] [--replications N]
                    [--report FILE.html] [--json]
  rushline compare --policy A --policy B [--policy C ...] [--scenario FILE|NAME] [--seed N]
                   [--replications N] [--json]
  rushline registers --store STORE [--rush|--rework] [--since DATE] [--csv] [--lab NAME]
  rushline replay --store STORE [--lab NAME]

NAME is a built-in scenario: ${Object.keys(scenarios).join(', ')} (default peakDay).
FILE is YAML or JSON. A policy file is laid over the default policy and replaces the
scenario's own policy. STORE is a SQLite file or a postgres:// URL; DATE is yyyy-MM-dd (the
lab's midnight) or an ISO 8601 time with its offset.`;

class UsageError extends Error {}

function int(name: string, value: string | undefined, min: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^-?\d+$/.test(value) || Number(value) < min)
    throw new UsageError(
      `--${name}: expected a whole number of at least ${min}, received '${value}'`,
    );
  return Number(value);
}

function read(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read '${file}': ${(error as Error).message}`);
  }
}

function loadScenario(arg: string | undefined): ResolvedScenario {
  const name = arg ?? 'peakDay';
  if (Object.hasOwn(scenarios, name))
    return parseScenario(scenarios[name as keyof typeof scenarios]);
  return parseScenarioText(read(name), { file: name });
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
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

export async function main(
  argv: string[],
  out: NodeJS.WriteStream = process.stdout,
  err: NodeJS.WriteStream = process.stderr,
): Promise<number> {
  try {
    const [command, ...rest] = argv;
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      out.write(`${USAGE}\n`);
      return command === undefined ? 2 : 0;
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
    if (command === 'simulate') {
      const replications = int('replications', args.replications, 1, 1);
      if ((args.policy?.length ?? 0) > 1)
        throw new UsageError('--policy: simulate takes one policy; use compare for several');
      let scenario = loadScenario(args.scenario);
      const policyFile = args.policy?.[0];
      if (policyFile)
        scenario = parseScenario({ ...scenario.source, policy: loadPolicy(policyFile) });
      const onProgress = progress(err);
      const result = simulate(scenario, {
        seed,
        replications,
        ...(onProgress ? { onProgress } : {}),
      });
      // The report is rendered in full before anything is written.
      const html = args.report ? await renderReport(result) : undefined;
      if (args.json) out.write(`${JSON.stringify(result)}\n`);
      else out.write(summaryText(result));
      if (args.report && html !== undefined) {
        writeAtomically(args.report, html);
        if (!args.json) out.write(`\nReport written to ${args.report}\n`);
      }
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
      const cmp = comparePolicies(scenario, policies, {
        seed,
        replications,
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
    if (command === 'registers' || command === 'replay') {
      if (!args.store)
        throw new UsageError(
          `--store: ${command} needs the store, a SQLite file or a postgres:// URL`,
        );
      if (command === 'registers') {
        if (args.rush && args.rework)
          throw new UsageError('--rush, --rework: give one, or neither for both registers');
        return await registersCommand(
          {
            store: args.store,
            lab: args.lab,
            which: args.rush ? 'rush' : args.rework ? 'rework' : 'both',
            since: args.since,
            csv: args.csv === true,
          },
          out,
        );
      }
      return await replayCommand({ store: args.store, lab: args.lab }, out);
    }
    throw new UsageError(`unknown command '${command}'`);
  } catch (error) {
    if (error instanceof UsageError) {
      err.write(`rushline: ${error.message}\n\n${USAGE}\n`);
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
  report: { type: 'string' },
  json: { type: 'boolean' },
  store: { type: 'string' },
  lab: { type: 'string' },
  rush: { type: 'boolean' },
  rework: { type: 'boolean' },
  since: { type: 'string' },
  csv: { type: 'boolean' },
} as const;
