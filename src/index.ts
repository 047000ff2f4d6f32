/**
 * Rushline: production scheduling and rush-order prioritization for photo print labs.
 * This file is the whole public surface of `rushline`.
 */
export { createScheduler, Scheduler } from './engine/scheduler.js';
export { restoreScheduler, type RestoreConfig } from './engine/restore.js';
export type { SchedulerConfig } from './engine/config.js';
export type { Snapshot, SnapshotOrder } from './engine/snapshot-format.js';
export { defaultPolicy, parsePolicy, safeParsePolicy, type Policy, type PolicyInput } from './domain/policy.js';
export { ValidationError, type ValidationIssue, type SafeResult } from './domain/errors.js';
export { defaultCalendar, defaultLines, defaultProducts } from './domain/defaults.js';
export { WorkingCalendar, type CalendarDay } from './time/calendar.js';
export { decideRush, quotaLimit, type GateRule, type RushFacts } from './policy/gates.js';
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
