/**
 * `rushline/simulation`: simulated days of a lab, policy comparisons, scenario and policy
 * files, and the HTML report. `rushline` exports all of it too. The chart library is an
 * optional package, loaded by the first `renderReport` (src/optional-package.ts): importing
 * this loads none.
 */
export { MissingPackageError, type OptionalPackage } from '../optional-package.js';
export { type Comparison, comparePolicies, type KpiDifference } from './compare.js';
export { parsePolicyText, parseScenarioText, type TextSource } from './load.js';
export { renderReport } from './report.js';
export {
  type CompanyCause,
  parseScenario,
  type QuantityDistribution,
  type ResolvedScenario,
  type Scenario,
  safeParseScenario,
} from './scenario.js';
export { averageDay, breakdown, peakDay, scenarios, season } from './scenarios.js';
export { simulate } from './simulate.js';
export type {
  Kpi,
  SimulatedOrder,
  SimulateOptions,
  SimulationResult,
  SimulationSummary,
  Timeline,
  TimelineBucket,
  TimelineLine,
} from './types.js';
