/**
 * `comparePolicies`: two or more policies on the same seeded days. The days are drawn from the
 * seed alone, so every policy sees the same orders (common random numbers) and the difference
 * of a KPI is measured replication by replication, which gives a much tighter interval than
 * comparing two independent means.
 */
import type { PolicyInput } from '../domain/policy.js';
import {
  isResolvedScenario,
  parseScenario,
  type ResolvedScenario,
  type Scenario,
} from './scenario.js';
import { planRun, type RunPlan, simulate } from './simulate.js';
import { meanCi } from './stats.js';
import type { Kpi, SimulateOptions, SimulationResult, StudyOptions } from './types.js';

/** The difference of one KPI between a policy and the first (baseline) policy. */
export interface KpiDifference {
  id: string;
  label: string;
  unit: Kpi['unit'];
  /** Mean over the replications of (policy − baseline). */
  mean: number | null;
  ci95: [number, number] | null;
  /** The interval excludes zero. */
  significant: boolean;
}

export interface Comparison {
  results: SimulationResult[];
  /** For each policy after the first: its differences from the first. */
  differences: KpiDifference[][];
}

/** Simulates `scenario` under each policy (each laid over `defaultPolicy`) with the same seed. */
export function comparePolicies(
  scenario: Scenario | ResolvedScenario,
  policies: readonly PolicyInput[],
  options: SimulateOptions = {},
): Comparison {
  const results = planComparison(scenario, policies, options).map(({ s }) => simulate(s, options));
  return { results, differences: differencesFrom(results) };
}

/**
 * The runs of a comparison: the scenario under each policy. Every policy is checked, and the
 * whole comparison measured against the limits, before the first day runs.
 */
export function planComparison(
  scenario: Scenario | ResolvedScenario,
  policies: readonly PolicyInput[],
  options: SimulateOptions & StudyOptions,
): { s: ResolvedScenario; plan: RunPlan }[] {
  const base = isResolvedScenario(scenario) ? scenario.source : scenario;
  const resolved = policies.map((policy) => parseScenario({ ...base, policy }));
  if (resolved[0]) planRun(resolved[0], options, resolved.length);
  return resolved.map((s) => ({ s, plan: planRun(s, options) }));
}

/** Each policy's differences from the first, replication by replication. */
export function differencesFrom(results: readonly SimulationResult[]): KpiDifference[][] {
  const [first, ...rest] = results;
  return rest.map((r) =>
    r.summary.kpis.map((k): KpiDifference => {
      const a = first?.summary.kpis.find((x) => x.id === k.id);
      const diffs = k.values.map((v, i) => {
        const w = a?.values[i];
        return v === null || w === null || w === undefined ? null : v - w;
      });
      const { mean, ci95 } = meanCi(diffs);
      return {
        id: k.id,
        label: k.label,
        unit: k.unit,
        mean,
        ci95,
        significant: ci95 !== null && (ci95[0] > 0 || ci95[1] < 0),
      };
    }),
  );
}
