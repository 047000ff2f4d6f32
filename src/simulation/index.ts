/**
 * `rushline/simulation`: simulated days of a lab (`simulate` on the calling thread, `study` on
 * worker threads), policy comparisons, scenario and policy files, and the HTML report.
 * `rushline` exports all of it too. The chart library is an optional package, loaded by the
 * first `renderReport` (src/optional-package.ts): importing this loads none.
 */
export { MissingPackageError, type OptionalPackage } from '../optional-package.js';
export { type Comparison, comparePolicies, type KpiDifference } from './compare.js';
export { type QueueOptions, runWorker, sweepOnQueue, type WorkerHandle } from './job-queue.js';
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
export { study, studyPolicies, studySweep } from './study.js';
export {
  MAX_SWEEP_CELLS,
  paretoFront,
  parseVary,
  type SweepAxis,
  type SweepOptions,
  type SweepResult,
  type SweepSummary,
  sweep,
} from './sweep.js';
export { renderSweepReport } from './sweep-report.js';
export type {
  Kpi,
  SimulatedOrder,
  SimulateOptions,
  SimulationResult,
  SimulationSummary,
  StudyOptions,
  Timeline,
  TimelineBucket,
  TimelineLine,
} from './types.js';
