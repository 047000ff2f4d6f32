/**
 * `rushline/durable`: the durable scheduler and its stores, the journal and its replay check.
 * `rushline` exports all of it too. The database drivers are optional packages, loaded when a
 * store is first opened (src/optional-package.ts): importing this loads none.
 */

export { MissingPackageError, type OptionalPackage } from '../optional-package.js';
export { type MemoryStoreOptions, memoryStore } from '../store/memory.js';
export { type PostgresStoreOptions, postgresStore } from '../store/postgres.js';
export { sqliteStore } from '../store/sqlite.js';
export {
  type JournalEntry,
  type OpenedStore,
  type RegisterEntry,
  type RegisterKind,
  type RegisterPage,
  type RegisterQuery,
  type RegisterRows,
  STORE_SCHEMA_VERSION,
  type Store,
  type StoredCall,
  StoreError,
  type StoreErrorCode,
  type StoreHeader,
  type StoreOpenOptions,
} from '../store/types.js';
export { applyCall, type JournalCall } from './calls.js';
export { MAX_PAGE, type RegisterQueryOptions } from './registers.js';
export { type ReplayMismatch, type ReplayReport, verifyReplay } from './replay.js';
export { DurableScheduler, type OpenSchedulerOptions, openScheduler } from './scheduler.js';
