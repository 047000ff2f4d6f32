/**
 * Rushline: production scheduling and rush-order prioritization for photo print labs.
 * This file is the whole public surface of `rushline`.
 */

export { defaultCalendar, defaultLines, defaultProducts } from './domain/defaults.js';
export { type SafeResult, ValidationError, type ValidationIssue } from './domain/errors.js';
export {
  defaultPolicy,
  type Policy,
  type PolicyInput,
  parsePolicy,
  safeParsePolicy,
} from './domain/policy.js';
export type {
  AtRiskReport,
  CalendarSpec,
  Cause,
  Completion,
  Decision,
  DefaultProduct,
  Explanation,
  LineSpec,
  NormalizedOrder,
  Order,
  OrderClass,
  PlanEntry,
  ProductSpec,
  Reason,
  ReworkRecord,
  RushRecord,
  RushRequest,
  StartedOrder,
  Tier,
  TimeInput,
  Urgency,
} from './domain/types.js';
export type { SchedulerConfig } from './engine/config.js';
export { type RestoreConfig, restoreScheduler } from './engine/restore.js';
export { createScheduler, Scheduler } from './engine/scheduler.js';
export type { Snapshot, SnapshotOrder } from './engine/snapshot-format.js';
export { decideRush, type GateRule, quotaLimit, type RushFacts } from './policy/gates.js';
export { type CalendarDay, WorkingCalendar } from './time/calendar.js';
