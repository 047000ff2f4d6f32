/**
 * `rushline/simulation`: simulated days of a lab, policy comparisons, scenario and policy
 * files, and the HTML report. `rushline` exports all of it too. The chart library is an
 * optional package, loaded by the first `renderReport` (src/optional-package.ts): importing
 * this loads none.
 */
export { MissingPackageError, type OptionalPackage } from '../optional-package.js';
export { type Comparison, comparePolicies, type KpiDifference } from '../simulation/compare.js';
export { parsePolicyText, parseScenarioText, type TextSource } from '../simulation/load.js';
export { renderReport } from '../simulation/report.js';
export {
  type CompanyCause,
  parseScenario,
  type QuantityDistribution,
  type ResolvedScenario,
  type Scenario,
  safeParseScenario,
} from '../simulation/scenario.js';
export { averageDay, breakdown, peakDay, scenarios } from '../simulation/scenarios.js';
export { simulate } from '../simulation/simulate.js';
export type {
  Kpi,
  SimulatedOrder,
  SimulateOptions,
  SimulationResult,
  SimulationSummary,
  Timeline,
  TimelineBucket,
  TimelineLine,
} from '../simulation/types.js';
