/**
 * `rushline/durable`: the durable scheduler and its stores, the journal and its replay check.
 * `rushline` exports all of it too. The database drivers are optional packages, loaded when a
 * store is first opened (src/optional-package.ts): importing this loads none.
 */
export { DurableScheduler, type OpenSchedulerOptions, openScheduler } from '../engine/durable.js';
export { MissingPackageError, type OptionalPackage } from '../optional-package.js';
export {
  applyCall,
  type ReplayMismatch,
  type ReplayReport,
  verifyReplay,
} from '../store/journal.js';
export { type MemoryStoreOptions, memoryStore } from '../store/memory.js';
export { type PostgresStoreOptions, postgresStore } from '../store/postgres.js';
export { sqliteStore } from '../store/sqlite.js';
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
} from '../store/types.js';
