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
export { DurableScheduler, type OpenSchedulerOptions, openScheduler } from './engine/durable.js';
export { type RestoreConfig, restoreScheduler } from './engine/restore.js';
export { createScheduler, Scheduler, SchedulerPoisonedError } from './engine/scheduler.js';
export type { Snapshot, SnapshotOrder } from './engine/snapshot-format.js';
export {
  BUILT_IN_GATES,
  type CustomGate,
  decideRush,
  type GateContext,
  type GateRequest,
  type GateRule,
  type GateVerdict,
  quotaLimit,
  type RushFacts,
} from './policy/gates.js';
export { type Comparison, comparePolicies, type KpiDifference } from './simulation/compare.js';
export { parsePolicyText, parseScenarioText, type TextSource } from './simulation/load.js';
export { renderReport } from './simulation/report.js';
export {
  type CompanyCause,
  parseScenario,
  type QuantityDistribution,
  type ResolvedScenario,
  type Scenario,
  safeParseScenario,
} from './simulation/scenario.js';
export { averageDay, breakdown, peakDay, scenarios } from './simulation/scenarios.js';
export { simulate } from './simulation/simulate.js';
export type {
  Kpi,
  SimulatedOrder,
  SimulateOptions,
  SimulationResult,
  SimulationSummary,
  Timeline,
  TimelineBucket,
  TimelineLine,
} from './simulation/types.js';
export {
  applyCall,
  type ReplayMismatch,
  type ReplayReport,
  verifyReplay,
} from './store/journal.js';
export { type MemoryStoreOptions, memoryStore } from './store/memory.js';
export { type PostgresStoreOptions, postgresStore } from './store/postgres.js';
export { sqliteStore } from './store/sqlite.js';
export {
  type JournalCall,
  type JournalEntry,
  type OpenedStore,
  type RegisterRows,
  STORE_SCHEMA_VERSION,
  type Store,
  StoreError,
  type StoreErrorCode,
  type StoreHeader,
  type StoreOpenOptions,
} from './store/types.js';
export { type CalendarDay, WorkingCalendar } from './time/calendar.js';
