/**
 * Durable storage for a scheduler (issue 6): a journal of the state-changing calls with their
 * times and results, snapshots that bound the replay, and the rush and rework registers as
 * tables other tools can read. The engine is deterministic, so the latest snapshot plus the
 * journal after it rebuilds the state exactly.
 *
 * A `Store` is asynchronous so that a server database can implement it; the SQLite store does
 * its work synchronously inside the promises.
 */
import type { DeliveryRecord, Explanation, ReworkRecord, RushRecord } from '../domain/types.js';
import type { Snapshot } from '../engine/snapshot-format.js';

/**
 * The version of the tables a store writes. A store refuses to open a newer one, and brings an
 * older one to this on its first writable open. 2: the register tables are keyed by order id and
 * time (1 keyed them by order id alone, so an entry of an id used again replaced the older one).
 * 3: the rush register's key adds the entry's ordinal (`RegisterRows.rushOrdinals`), so that two
 * entries of one order in one millisecond (a rush submitted, held and released at once) are two
 * rows (2 kept the later one only).
 */
export const STORE_SCHEMA_VERSION = 3;

/**
 * One state-changing call as a store keeps it: its kind (the `Scheduler` method), the explicit
 * time it ran at (epoch ms), and its arguments by name, as JSON data. What the kinds and fields
 * are is the durable scheduler's (`JournalCall` in `src/durable/calls.ts`); a store only keeps it.
 */
export interface StoredCall {
  kind: string;
  at: number;
  [argument: string]: unknown;
}

/** A journal entry: the call, numbered from 1 without gaps, and what the engine answered. */
export interface JournalEntry {
  seq: number;
  call: StoredCall;
  /** The call's answer as JSON data (`null` for a `next` on an empty queue). */
  result: unknown;
}

/**
 * Register entries a call added or changed; written in the same transaction as its entry. An
 * entry is its order's id and its time (a rush's `requestedAt`, a rework's `registeredAt`, a
 * delivery's `deliveredAt`), and for a rush entry its ordinal: a row of an entry the store holds
 * replaces it, and a row of the same id at another time (the id was used again once its order
 * left memory), or of another ordinal, is another entry.
 */
export interface RegisterRows {
  rush: RushRecord[];
  /**
   * The ordinal of each entry of `rush`, by index: how many entries of the same order at the
   * same `requestedAt` came before it in the register. Almost always 0; a rush released in the
   * millisecond it was held is its order's second entry of that time, 1. Absent: 0 for each.
   * Read back, 0 for each from a store of schema 2 or 1, read as it is.
   */
  rushOrdinals?: number[];
  rework: ReworkRecord[];
  /**
   * Hand-overs (`deliver`), and a delivery a `missing` rush for its short items marked
   * (`reissuedBy`). Read back, absent from a store that keeps no delivery register (schema 1,
   * read as it is).
   */
  delivery?: DeliveryRecord[];
  /**
   * Read back from a store migrated from schema 1: the last journal entry before it kept the
   * delivery register. The hand-overs of entries up to it are in the journal, not the table.
   */
  deliveriesFrom?: number;
  /**
   * The explanation of each order the call settled (finished), as `explain` gave it then: what
   * the store answers for an order the engine no longer holds.
   */
  settled?: Explanation[];
}

/** The registers a store keeps as tables and answers queries on. */
export type RegisterKind = 'rush' | 'rework' | 'delivery';

/** An entry of a register. */
export type RegisterEntry<K extends RegisterKind> = K extends 'rush'
  ? RushRecord
  : K extends 'rework'
    ? ReworkRecord
    : DeliveryRecord;

/**
 * A query of a register table, checked (`registerQuery` in src/durable/registers.ts). Times
 * are epoch ms: a rush entry's `requestedAt`, a rework entry's `registeredAt`, a delivery's
 * `deliveredAt`; `since` is inclusive, `until` exclusive. Entries come in the order of that
 * time, then of order id, then of ordinal (a rush entry's; 0 for the others).
 */
export interface RegisterQuery {
  since?: number;
  until?: number;
  clientId?: string;
  line?: string;
  /**
   * Rush: `'rush-accepted'` or `'rush-declined'`; rework: `'open'` or `'closed'`; delivery:
   * `'on-time'` or `'late'`.
   */
  outcome?: string;
  /** At most this many entries. */
  limit: number;
  /** Only entries after this place: a page's `next`. */
  after?: { at: number; orderId: string; ordinal: number };
}

/** One page of a register query: its entries, and where the next page starts if there is one. */
export interface RegisterPage<R> {
  entries: R[];
  /** Pass as `after` for the next page; absent on the last page. */
  next?: string;
}

/** What identifies a store: checked on every open. */
export interface StoreHeader {
  schemaVersion: number;
  /** The lab the journal belongs to. */
  lab: string;
  /** When the store was created (ISO 8601). */
  createdAt: string;
  /** The configuration the scheduler was created with (calendar, lines, products, policy), as JSON. */
  config: string;
}

/** What `Store.open` gives back. */
export interface OpenedStore {
  header: StoreHeader;
  /** The latest snapshot and the journal sequence number it includes. */
  snapshot: { seq: number; snapshot: Snapshot };
  /** The journal entries after the snapshot, in order. */
  tail: JournalEntry[];
}

/** How to open a store. */
export interface StoreOpenOptions {
  /** The lab whose journal this must be; absent (read-only opens only): whichever lab's it is. */
  lab?: string;
  /** For a new store: its header fields and first snapshot (journal seq 0). Absent: the store must exist. */
  create?: { config: string; snapshot: Snapshot };
  /** Open without writing anything, for reading registers and verifying replay. */
  readOnly?: boolean;
}

/**
 * Where a durable scheduler keeps its state. Every method that writes commits durably before
 * its promise resolves; a rejected write leaves the store as it was before the call.
 */
export interface Store {
  /** Names the store in messages: a file path, or a database and lab. */
  readonly description: string;
  /** Opens the store (creating it when `create` is given and it is new) and reads what rebuilds the state. */
  open(options: StoreOpenOptions): Promise<OpenedStore>;
  /** Appends one journal entry and the register rows it changed, in one transaction. */
  append(entry: JournalEntry, rows: RegisterRows): Promise<void>;
  /**
   * True when `append` has written and committed (or failed) before it returns its promise, as
   * SQLite's synchronous commit does: no other code can then run between a call's decision and
   * its commit, and the durable scheduler keeps one engine instead of two (the engine for reads
   * and the one calls are decided on ahead of a write in flight), half the memory. A store whose
   * commit waits for anything (a server's round trip) must leave it unset.
   * @default false
   */
  readonly commitsAtOnce?: boolean;
  /**
   * True when every snapshot the store gives (`open`, `follow`) is parsed anew for that read and
   * kept by nothing else: the durable scheduler then restores it without copying its orders
   * (`restoreScheduler`'s `adopt`). A store that hands out objects it keeps must leave it unset.
   * @default false
   */
  readonly freshSnapshots?: boolean;
  /** Saves a snapshot that includes the journal up to `seq`; older ones, except the first, may go. */
  saveSnapshot(seq: number, snapshot: Snapshot): Promise<void>;
  /**
   * Writes one part of the checkpoint that includes the journal up to `seq`: the snapshot as
   * JSON text, cut into parts numbered from 0. A part alone changes nothing that opening reads;
   * parts of a checkpoint never committed are dropped by the next commit. A store without it
   * takes whole snapshots (`saveSnapshot`) and keeps its whole journal.
   */
  saveCheckpointPart?(seq: number, part: number, text: string): Promise<void>;
  /**
   * Commits the checkpoint at `seq` whose `parts` parts are written, and compacts behind it:
   * the journal entries up to `seq`, older snapshots and checkpoints (the first snapshot
   * included) and stray parts are deleted. From then on opening starts from it, and never reads
   * what it made unreadable again. The commit is one transaction; a store may delete the bulk of
   * what it made unreadable later, a few rows with each of its next writes (SQLite does, so that
   * no call waits for all of it).
   */
  commitCheckpoint?(seq: number, parts: number): Promise<void>;
  /**
   * The oldest state the store still holds and every journal entry after it: what a replay
   * check starts from. `seq` is the journal entry that state includes: 0 (the first snapshot)
   * until a checkpoint compacted the journal behind it.
   */
  readHistory(): Promise<{ seq: number; snapshot: Snapshot; journal: JournalEntry[] }>;
  /**
   * For stores several nodes share: resolves once this node is the lab's only writer. Until
   * then the node is a standby, and every journal entry committed after `after` is handed to
   * `follow` in order, the last ones included. When the writer has compacted entries the
   * standby still needed, `follow` is handed the latest checkpoint as `from`, and the entries
   * after it. A store without it has one writer by design.
   */
  becomeWriter?(
    after: number,
    follow: (entries: JournalEntry[], from?: { seq: number; snapshot: Snapshot }) => void,
    onStandby?: () => void,
  ): Promise<void>;
  /** The registers as stored, rush entries requested at or after `since` (epoch ms). */
  readRegisters(since?: number): Promise<RegisterRows>;
  /**
   * The entries of a register table that match `query`, at most `limit` of them, their ordinals
   * (as `RegisterRows.rushOrdinals`; absent, or for the other registers, 0 for each), and
   * whether more match after them. A store without it answers no register queries.
   */
  queryRegister?<K extends RegisterKind>(
    kind: K,
    query: RegisterQuery,
  ): Promise<{ entries: RegisterEntry<K>[]; ordinals?: number[]; more: boolean }>;
  /** The explanation stored when the order settled, or undefined. */
  readExplanation?(orderId: string): Promise<Explanation | undefined>;
  close(): Promise<void>;
}

/**
 * What went wrong with a store. Each store maps its driver's failures to these codes in one
 * place (`sqliteErrorCode`, `postgresErrorCode`); docs/durability.md lists what gives which.
 */
export type StoreErrorCode =
  /** The store is damaged: not a SQLite database, a damaged page, a table not as rushline writes it, a journal that does not replay. */
  | 'corrupt'
  /** The store cannot be written: a read-only file, directory, file system, database or server. */
  | 'read-only'
  /** This user may not open or use the store: file permissions, or a database role without the privilege. */
  | 'permission'
  /** A database with tables of its own and no rushline header. */
  | 'foreign-database'
  /** Written by a newer rushline: its schema version is above this one's. */
  | 'newer-schema'
  /** The journal belongs to another lab. */
  | 'other-lab'
  /** The store exists and was created with a different configuration. */
  | 'config-mismatch'
  /** There is no store where one must exist (reading), or no directory or database to make it in. */
  | 'not-found'
  /** A write failed (a full disk, an I/O error, a lost connection, a refused row); the instance refuses further calls until reopened. */
  | 'write-failed'
  /** A read failed (an I/O error, a lock held too long, a lost or refused connection); the store itself may be sound. */
  | 'read-failed'
  /** An earlier write failed, or the engine failed on a call (a bug); reopen the store. */
  | 'poisoned'
  /** The instance was closed. */
  | 'closed';

/** A store could not be opened or written. `code` says why; the message names the store. */
export class StoreError extends Error {
  override readonly name = 'StoreError';
  constructor(
    readonly code: StoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Whether a store was reading or writing when its driver failed. */
export type StoreDoing = 'reading' | 'writing';

/**
 * A driver's failure as a `StoreError` naming the store: `codeOf` is the store's one mapping of
 * its driver's errors, `meaning` says what each code means for that kind of store, before the
 * driver's own words. A `StoreError` already, or a failure no code covers (a bug), is returned
 * as it is.
 */
export function storeFailure(
  store: string,
  error: unknown,
  doing: StoreDoing,
  codeOf: (error: unknown, doing: StoreDoing) => StoreErrorCode | undefined,
  meaning: Partial<Record<StoreErrorCode, string>>,
): unknown {
  if (error instanceof StoreError) return error;
  const code = codeOf(error, doing);
  if (code === undefined) return error;
  return new StoreError(code, `${store}: ${meaning[code]}: ${(error as Error).message}`, {
    cause: error,
  });
}
