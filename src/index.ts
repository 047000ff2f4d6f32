/**
 * Rushline: production scheduling and rush-order prioritization for photo print labs.
 * This file is the whole public surface of `rushline`: the engine here, and the edges (the
 * durable scheduler and its stores, the simulator and its report) from the files that are
 * also their own entry points, `rushline/durable` and `rushline/simulation`.
 *
 * Importing it loads no database driver and no chart library: those are optional packages,
 * loaded by the first call that needs one (src/optional-package.ts).
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
  CalendarException,
  CalendarSpec,
  Cause,
  ClientChange,
  ClientSpec,
  Completion,
  Decision,
  DefaultProduct,
  DeliveryRecord,
  DeliveryRegisterOptions,
  Explanation,
  Handover,
  HandoverVia,
  LineSpec,
  NormalizedOrder,
  Order,
  OrderChange,
  OrderChanges,
  OrderClass,
  OrderStatus,
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
export * from './durable/index.js';
export type { SchedulerConfig } from './engine/config.js';
export {
  type AtRiskEvent,
  type CancelledEvent,
  type DecisionEvent,
  type DeliveredEvent,
  EVENT_TYPES,
  type FinishedEvent,
  type HeldEvent,
  type LateEvent,
  type ListenerErrorEvent,
  type ReleasedEvent,
  type ReworkOverdueEvent,
  type SchedulerEvent,
  type SchedulerEventMap,
  type SchedulerEventType,
  type SchedulerListener,
  type StartedEvent,
} from './engine/events.js';
export { type RestoreConfig, type RestoreOptions, restoreScheduler } from './engine/restore.js';
export { createScheduler, Scheduler, SchedulerPoisonedError } from './engine/scheduler.js';
export type { Snapshot, SnapshotOrder } from './engine/snapshot-format.js';
export {
  BUILT_IN_GATES,
  type CustomGate,
  decideRush,
  exceedsQuota,
  type GateContext,
  type GateRequest,
  type GateRule,
  type GateVerdict,
  quotaLimit,
  type RushFacts,
} from './policy/gates.js';
export * from './simulation/index.js';
export { type CalendarDay, WorkingCalendar } from './time/calendar.js';
