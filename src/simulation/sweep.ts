/**
 * `sweep`: a policy swept over a grid. Each axis varies one number of the policy; every
 * combination of the axes' values (a cell) is the base policy with those numbers set, and
 * every cell runs on the same seeded days (common random numbers), so that two cells differ by
 * their policy alone. The summary gives each cell's KPIs with their intervals and marks the
 * cells on the Pareto front of the trade-off a lab manager weighs: client rushes accepted,
 * plain orders late, key clients on time.
 *
 * The work is split so that it can run anywhere: `planSweep` checks everything and lists the
 * cells, `runCell` runs one cell on its own (in this process, or in a worker on another
 * machine), and `combineSweep` puts the cells' summaries together in the cells' order, whatever
 * order they were run or collected in.
 */
import { ValidationError, type ValidationIssue } from '../domain/errors.js';
import { type PolicyInput, parsePolicy } from '../domain/policy.js';
import {
  isResolvedScenario,
  parseScenario,
  type ResolvedScenario,
  type Scenario,
} from './scenario.js';
import { planRun, simulate } from './simulate.js';
import type { Kpi, SimulateOptions, SimulationSummary } from './types.js';

/** The most cells a sweep may have: enough for three axes of six values, few enough to read on one page. */
export const MAX_SWEEP_CELLS = 256;

/** One number of the policy and the values it takes, e.g. `rush.quotaShare` over 0.1 … 0.4. */
export interface SweepAxis {
  /** Dotted path of a number in the policy, e.g. `rush.tightLoad` or `standardTurnaroundHours.key`. */
  path: string;
  values: number[];
}

/** One combination of the axes' values. */
export interface SweepCell {
  /** `path=value` for every axis, joined by `,`: the same cell has the same id on every machine. */
  id: string;
  /** The axes' values, in the axes' order. */
  values: number[];
  /** The base policy with the axes' values set. */
  policy: PolicyInput;
}

/** What a cell's run gives: the summary `simulate` would give for its policy. */
export interface SweepCellResult {
  id: string;
  summary: SimulationSummary;
}

/** The KPIs the trade-off is read from, and which way is better for each. */
export const TRADE_OFF = [
  { id: 'rushAcceptance', better: 'higher' },
  { id: 'late.share.normal', better: 'lower' },
  { id: 'keyOnTime', better: 'higher' },
] as const;

export interface SweepSummary {
  scenario: string;
  seed: number;
  replications: number;
  axes: SweepAxis[];
  /** The policy every cell starts from, as given. */
  base: PolicyInput;
  cells: {
    id: string;
    values: number[];
    kpis: Kpi[];
    /** Rush requests by deciding rule, over the cell's replications (`summary.rushDecisions.total`). */
    rushDecisions: Record<string, number>;
    /** No other cell is at least as good on every KPI of `TRADE_OFF` and better on one. */
    pareto: boolean;
  }[];
}

export interface SweepResult {
  scenario: ResolvedScenario;
  summary: SweepSummary;
}

/** `simulate`'s options, without the progress of one run; `onCell` reports cells done instead. */
export interface SweepOptions extends Omit<SimulateOptions, 'onProgress'> {
  onCell?: (progress: { done: number; total: number; id: string }) => void;
}

export interface SweepPlan {
  scenario: ResolvedScenario;
  base: PolicyInput;
  axes: SweepAxis[];
  cells: SweepCell[];
  options: Required<Pick<SimulateOptions, 'seed' | 'replications' | 'bucketMinutes'>> &
    Pick<SimulateOptions, 'maxOrders'>;
}

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i;

/** Decimal places a number is written with, counting an exponent: `0.05` has 2, `1e-3` has 3. */
function decimals(text: string): number {
  const m = text.toLowerCase().match(/^[+-]?\d*(?:\.(\d*))?(?:e([+-]?\d+))?$/);
  return Math.max(0, (m?.[1]?.length ?? 0) - Number(m?.[2] ?? 0));
}

/**
 * Reads one `--vary` option: `PATH=START:END:STEP` (from START to END inclusive, by STEP),
 * `PATH=A,B,C` (those values), or `PATH=A`. A range is stepped by counting steps, each value
 * rounded to the decimals its numbers are written with, so `0.1:0.4:0.05` gives 0.1, 0.15, …,
 * 0.4 exactly, never 0.30000000000000004 nor a last value lost to rounding. Throws
 * `ValidationError` naming `option` (`--vary` on the command line).
 */
export function parseVary(text: string, option = '--vary'): SweepAxis {
  const fail = (message: string): never => {
    throw new ValidationError([{ path: option, message }]);
  };
  const eq = text.indexOf('=');
  if (eq <= 0)
    fail(
      `expected PATH=START:END:STEP or PATH=A,B,C (e.g. rush.quotaShare=0.1:0.4:0.05), received '${text}'`,
    );
  const path = text.slice(0, eq).trim();
  const spec = text.slice(eq + 1).trim();
  if (spec === '')
    fail(`expected values after '${path}=' (START:END:STEP or A,B,C), received nothing`);
  const num = (s: string, what: string): number => {
    const t = s.trim();
    if (!NUMBER.test(t)) fail(`${path}: expected a number for ${what}, received '${s}'`);
    return Number(t);
  };
  if (spec.includes(':')) {
    const parts = spec.split(':');
    if (parts.length !== 3) fail(`${path}: expected a range START:END:STEP, received '${spec}'`);
    const [a, b, c] = parts as [string, string, string];
    const start = num(a, 'START');
    const end = num(b, 'END');
    const step = num(c, 'STEP');
    if (step <= 0) fail(`${path}: expected a STEP above 0, received '${c.trim()}'`);
    if (end < start) fail(`${path}: expected END at least START, received ${start}:${end}:${step}`);
    const places = Math.min(15, Math.max(decimals(a.trim()), decimals(c.trim())));
    // Counting steps (not adding STEP again and again) keeps the error of each value to one
    // rounding; the tolerance lets END count when it is a whole number of steps away.
    const n = Math.floor((end - start) / step + 1e-9);
    if (n + 1 > MAX_SWEEP_CELLS)
      fail(
        `${path}: the range ${start}:${end}:${step} has ${n + 1} values, more than the limit of ${MAX_SWEEP_CELLS} cells`,
      );
    // A value that rounds to zero from below is 0, not -0, as the value written 0 is (-0 prints
    // as '-0' in a locale's number format).
    const values = Array.from(
      { length: n + 1 },
      (_, i) => Number((start + i * step).toFixed(places)) + 0,
    );
    return { path, values };
  }
  return { path, values: spec.split(',').map((s, i) => num(s, `value ${i + 1}`)) };
}

/** The dotted paths of every number in a complete policy: what an axis may vary. */
function numericPaths(value: unknown, prefix = ''): string[] {
  if (typeof value === 'number') return [prefix];
  if (value && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) =>
      numericPaths(v, prefix ? `${prefix}.${k}` : k),
    );
  return [];
}

/** A copy of `policy` with the number at `path` set to `value`. */
function withValue(policy: PolicyInput, path: string, value: number): PolicyInput {
  const out = structuredClone(policy) as Record<string, unknown>;
  const keys = path.split('.');
  let at = out;
  for (const k of keys.slice(0, -1)) {
    const next = at[k];
    at[k] = next && typeof next === 'object' ? next : {};
    at = at[k] as Record<string, unknown>;
  }
  at[keys.at(-1) as string] = value;
  return out as PolicyInput;
}

/**
 * Checks a sweep and lists its cells, before any day runs: the axes (known policy numbers,
 * each once, some values, not too many cells), every cell's policy (by `parsePolicy`), and the
 * orders of all cells' days against `maxOrders`. Cells are in row-major order: the last axis
 * varies fastest.
 */
export function planSweep(
  scenario: Scenario | ResolvedScenario,
  base: PolicyInput,
  axes: readonly (SweepAxis | string)[],
  options: SweepOptions = {},
): SweepPlan {
  const s = isResolvedScenario(scenario) ? scenario : parseScenario(scenario);
  const parsed = axes.map((a, i) => (typeof a === 'string' ? parseVary(a, `axes.${i}`) : a));
  const known = numericPaths(parsePolicy(base));
  const issues: ValidationIssue[] = [];
  if (parsed.length === 0)
    issues.push({ path: 'axes', message: 'expected at least one axis to vary, received none' });
  const seen = new Set<string>();
  parsed.forEach((axis, i) => {
    const where = `axes.${i}`;
    if (!known.includes(axis.path))
      issues.push({
        path: where,
        message: `expected the path of a number in the policy (${known.join(', ')}), received '${axis.path}'`,
      });
    else if (seen.has(axis.path))
      issues.push({ path: where, message: `'${axis.path}' is varied twice; give it one axis` });
    seen.add(axis.path);
    if (!Array.isArray(axis.values) || axis.values.length === 0)
      issues.push({
        path: where,
        message: `expected at least one value for '${axis.path}', received none`,
      });
    else if (!axis.values.every((v) => typeof v === 'number' && Number.isFinite(v)))
      issues.push({
        path: where,
        message: `expected finite numbers for '${axis.path}', received ${JSON.stringify(axis.values)}`,
      });
    else if (new Set(axis.values).size !== axis.values.length)
      issues.push({
        path: where,
        message: `expected distinct values for '${axis.path}', received ${axis.values.join(', ')}`,
      });
  });
  const count = parsed.reduce((n, a) => n * (a.values?.length ?? 0), 1);
  if (issues.length === 0 && count > MAX_SWEEP_CELLS)
    issues.push({
      path: 'axes',
      message: `expected at most ${MAX_SWEEP_CELLS} cells, received ${parsed.map((a) => a.values.length).join(' × ')} = ${count}; use fewer values or fewer axes`,
    });
  if (issues.length > 0) throw new ValidationError(issues, 'sweep');

  const cells: SweepCell[] = [];
  let bad = 0;
  for (let k = 0; k < count; k++) {
    // The k-th combination: the last axis varies fastest.
    let rest = k;
    const values = new Array<number>(parsed.length);
    for (let i = parsed.length - 1; i >= 0; i--) {
      const axis = parsed[i] as SweepAxis;
      values[i] = axis.values[rest % axis.values.length] as number;
      rest = Math.floor(rest / axis.values.length);
    }
    let policy = base;
    parsed.forEach((axis, i) => {
      policy = withValue(policy, axis.path, values[i] as number);
    });
    const id = parsed.map((a, i) => `${a.path}=${values[i]}`).join(',');
    try {
      parsePolicy(policy);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      // The first bad cell's issues say what is wrong; the others are counted, not repeated.
      if (bad++ === 0)
        issues.push(
          ...error.issues.map((x) => ({
            path: x.path,
            message: `in the cell ${id}: ${x.message}`,
          })),
        );
    }
    cells.push({ id, values, policy });
  }
  if (bad > 1) issues.push({ path: 'axes', message: `${bad - 1} more cells have a bad policy` });
  if (issues.length > 0) throw new ValidationError(issues, 'sweep policy');
  const { seed, replications, bucketMinutes } = planRun(s, options, cells.length);
  return {
    scenario: s,
    base,
    axes: parsed.map((a) => ({ path: a.path, values: [...a.values] })),
    cells,
    options: {
      seed,
      replications,
      bucketMinutes,
      ...(options.maxOrders === undefined ? {} : { maxOrders: options.maxOrders }),
    },
  };
}

/**
 * Runs one cell: the scenario under `policy`, on the plan's seeded days. Every cell of a sweep
 * gets the same seed and replications, so they all see the same orders.
 */
export function runCell(
  scenario: Scenario | ResolvedScenario,
  policy: PolicyInput,
  options: SweepPlan['options'],
): SimulationSummary {
  return simulate(cellScenario(scenario, policy), options).summary;
}

/** The scenario of a cell: the sweep's scenario under the cell's policy. */
export function cellScenario(
  scenario: Scenario | ResolvedScenario,
  policy: PolicyInput,
): ResolvedScenario {
  const source = isResolvedScenario(scenario) ? scenario.source : scenario;
  return parseScenario({ ...source, policy });
}

/**
 * The indices of the points no other point dominates, in increasing order. Every coordinate is
 * better higher; a point dominates another when it is at least as high in every coordinate and
 * higher in one, so equal points do not dominate each other and are on the front together.
 *
 * Sorted from the lexicographically highest down, a point can only be dominated by one before
 * it; and if it is dominated by one that is itself dominated, it is dominated by that one's
 * dominator too (domination is transitive), so comparing it with the front found so far is
 * enough.
 */
export function paretoFront(points: readonly (readonly number[])[]): number[] {
  const order = points.map((_, i) => i);
  const lexDesc = (a: readonly number[], b: readonly number[]) => {
    for (let k = 0; k < a.length; k++)
      if (a[k] !== b[k]) return (b[k] as number) - (a[k] as number);
    return 0;
  };
  order.sort((i, j) => lexDesc(points[i] as number[], points[j] as number[]) || i - j);
  const front: number[] = [];
  for (const i of order) {
    const p = points[i] as readonly number[];
    const dominated = front.some((j) => {
      const q = points[j] as readonly number[];
      let strictly = false;
      for (let k = 0; k < p.length; k++) {
        if ((q[k] as number) < (p[k] as number)) return false;
        if ((q[k] as number) > (p[k] as number)) strictly = true;
      }
      return strictly;
    });
    if (!dominated) front.push(i);
  }
  return front.sort((a, b) => a - b);
}

/**
 * The sweep's summary from its cells' results, which may come in any order and any number of
 * times (a cell run twice gives the same summary): one result is taken per cell id, and the
 * cells are laid out in the plan's order. Throws when a cell has no result.
 */
export function combineSweep(plan: SweepPlan, results: Iterable<SweepCellResult>): SweepSummary {
  const byId = new Map<string, SimulationSummary>();
  for (const r of results) if (!byId.has(r.id)) byId.set(r.id, r.summary);
  const missing = plan.cells.filter((c) => !byId.has(c.id)).map((c) => c.id);
  if (missing.length > 0)
    throw new Error(`the sweep has no result for ${missing.length} cell(s): ${missing.join('; ')}`);
  const cells = plan.cells.map((c) => ({
    id: c.id,
    values: c.values,
    kpis: (byId.get(c.id) as SimulationSummary).kpis,
    rushDecisions: (byId.get(c.id) as SimulationSummary).rushDecisions.total,
  }));
  // A cell without one of the trade-off's KPIs (no rush requested, say) cannot be placed on it.
  const points = cells.map((c) =>
    TRADE_OFF.map(({ id, better }) => {
      const mean = c.kpis.find((k) => k.id === id)?.mean ?? null;
      return mean === null ? null : better === 'higher' ? mean : -mean;
    }),
  );
  const placed = points.flatMap((p, i) => (p.every((x) => x !== null) ? [i] : []));
  const front = new Set(
    paretoFront(placed.map((i) => points[i] as number[])).map((k) => placed[k]),
  );
  return {
    scenario: plan.scenario.name,
    seed: plan.options.seed,
    replications: plan.options.replications,
    axes: plan.axes,
    base: plan.base,
    cells: cells.map((c, i) => ({ ...c, pareto: front.has(i) })),
  };
}

/**
 * Sweeps `base` (laid over the default policy, replacing the scenario's own) over `axes`: each
 * an axis object or a `--vary` text such as `rush.quotaShare=0.1:0.4:0.05`. Every cell runs on
 * the same seeded days, one after another in this process.
 */
export function sweep(
  scenario: Scenario | ResolvedScenario,
  base: PolicyInput,
  axes: readonly (SweepAxis | string)[],
  options: SweepOptions = {},
): SweepResult {
  const plan = planSweep(scenario, base, axes, options);
  const results = plan.cells.map((cell, i) => {
    const summary = runCell(plan.scenario, cell.policy, plan.options);
    options.onCell?.({ done: i + 1, total: plan.cells.length, id: cell.id });
    return { id: cell.id, summary };
  });
  return { scenario: plan.scenario, summary: combineSweep(plan, results) };
}
