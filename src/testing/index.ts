/**
 * `rushline/testing`: property-based testing of a lab's own policy. fast-check arbitraries,
 * a trace runner on simulated lines, and a checker for the guarantees of rules.md §7.
 * fast-check is a peer dependency of this entry point only.
 */
import * as arbitraries from './arbitraries.js';

export type { ExtremeOptions, StreamOptions } from './arbitraries.js';
export { assertGuarantees, type FcParams } from './assert-guarantees.js';
export { checkGuarantees, type GuaranteeId, type Violation } from './check-guarantees.js';
export {
  checkMonotoneFairness,
  type FairnessCase,
  type FairnessProbe,
  type FairnessViolation,
  fairnessCases,
} from './fairness.js';
export {
  LineDriver,
  type RunTraceOptions,
  runTrace,
  type StreamItem,
  type Trace,
  type TraceEvent,
} from './run-trace.js';
export {
  type SchedulerCommandsOptions,
  type SchedulerModel,
  type SchedulerProgram,
  type SchedulerSystem,
  schedulerCommands,
} from './scheduler-commands.js';
export { arbitraries };
