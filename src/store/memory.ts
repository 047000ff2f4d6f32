/**
 * A store in memory: the journal, snapshots, header and registers of one lab in plain objects,
 * for tests that embed a durable scheduler and for programs that want the journal API without a
 * disk. Nothing survives the process.
 *
 * The data belongs to the `Store` object, not to one opening of it: closing and opening the same
 * object again is reopening a store, as with a file. Everything is kept as JSON text, as a
 * database keeps it, so what a caller does to an object after handing it over (or after reading
 * it) cannot change the store. A write either happens whole or throws before changing anything.
 */
import type { DeliveryRecord, Explanation, ReworkRecord, RushRecord } from '../domain/types.js';
import type { Snapshot } from '../engine/snapshot-format.js';
import { snapshotFromParts } from './checkpoint-text.js';
import { entryText } from './journal.js';
import { checkedHeader, entryFrom, rushOrdinal } from './rows.js';
import {
  type JournalEntry,
  type OpenedStore,
  type RegisterEntry,
  type RegisterKind,
  type RegisterQuery,
  type RegisterRows,
  STORE_SCHEMA_VERSION,
  type Store,
  StoreError,
  type StoreOpenOptions,
} from './types.js';

/** Options of the in-memory store. */
export interface MemoryStoreOptions {
  /**
   * Names the store in messages.
   * @default 'memory'
   */
  name?: string;
}

/** A register row: the record as JSON text, with what the tables order and filter by. */
interface RegisterRow {
  journalSeq: number;
  /** Epoch ms the row is filtered on: `requestedAt` (rush) or `registeredAt` (rework). */
  at: number;
  /** A rush entry's ordinal (`RegisterRows.rushOrdinals`); 0 in the other registers. */
  ordinal: number;
  /** Insertion order, as a table's rowid. */
  row: number;
  record: string;
}

interface Data {
  meta: { key: string; value: string }[];
  journal: Map<number, { seq: number; call: string; result: string }>;
  /** Snapshots by the journal sequence number they include, as JSON text. */
  snapshots: Map<number, string>;
  /** Committed checkpoints: the number of parts of each, by journal sequence number. */
  checkpoints: Map<number, number>;
  /** Checkpoint parts by `seq:part`, committed or not. */
  parts: Map<string, string>;
  /**
   * Register rows by `entryKey`: an entry is its order's id and its time, since an id may be
   * used again once its order left memory, and the newer entry is another row; and a rush
   * entry's ordinal, since an order released in the millisecond it was held has two entries.
   */
  rush: Map<string, RegisterRow>;
  rework: Map<string, RegisterRow>;
  delivery: Map<string, RegisterRow>;
  rows: number;
  /** The explanations of settled orders, as JSON text. */
  explanations: Map<string, string>;
}

/** A `Store` held in memory, for one lab. Open it again after `close()` to reopen the same data. */
export function memoryStore(options: MemoryStoreOptions = {}): Store {
  return new MemoryStore(options.name ?? 'memory');
}

class MemoryStore implements Store {
  private data: Data | undefined;
  private state: 'closed' | 'read-only' | 'writable' = 'closed';
  /** Its writes are changes of a map, made inside `append`. */
  readonly commitsAtOnce = true;
  readonly freshSnapshots = true;

  constructor(readonly description: string) {}

  async open(options: StoreOpenOptions): Promise<OpenedStore> {
    this.state = 'closed';
    if (!this.data) {
      if (options.readOnly || !options.create)
        throw new StoreError('not-found', `${this.description}: no rushline store here`);
      this.data = {
        meta: [
          { key: 'schema_version', value: String(STORE_SCHEMA_VERSION) },
          { key: 'lab', value: options.lab ?? 'default' },
          { key: 'created_at', value: new Date().toISOString() },
          { key: 'config', value: options.create.config },
        ],
        journal: new Map(),
        snapshots: new Map([[0, JSON.stringify(options.create.snapshot)]]),
        checkpoints: new Map(),
        parts: new Map(),
        rush: new Map(),
        delivery: new Map(),
        rework: new Map(),
        rows: 0,
        explanations: new Map(),
      };
    }
    const data = this.data;
    const header = checkedHeader(data.meta, options.lab, this.description);
    const latest = this.stateOf(data, 'latest');
    this.state = options.readOnly ? 'read-only' : 'writable';
    return { header, snapshot: latest, tail: this.journal(data, latest.seq) };
  }

  /** The latest or oldest state held: a whole snapshot or a committed checkpoint, as SQLite's `state`. */
  private stateOf(data: Data, which: 'latest' | 'oldest'): { seq: number; snapshot: Snapshot } {
    const pick = which === 'latest' ? Math.max : Math.min;
    const seq = pick(...data.snapshots.keys(), ...data.checkpoints.keys());
    const parts = data.checkpoints.get(seq);
    if (parts !== undefined) {
      const texts = Array.from({ length: parts }, (_, i) => data.parts.get(`${seq}:${i}`) ?? '');
      return { seq, snapshot: snapshotFromParts(texts) };
    }
    const text = data.snapshots.get(seq);
    if (text === undefined)
      throw new StoreError('corrupt', `${this.description}: the store holds no snapshot`);
    return { seq, snapshot: JSON.parse(text) as Snapshot };
  }

  async append(entry: JournalEntry, rows: RegisterRows): Promise<void> {
    const data = this.writable();
    if (!Number.isInteger(entry.seq) || data.journal.has(entry.seq))
      throw new StoreError(
        'write-failed',
        `${this.description}: journal entry ${entry.seq} ${data.journal.has(entry.seq) ? 'is already written' : 'is not a sequence number'}`,
      );
    // Everything is turned into text first, so that a failure changes nothing.
    const text = entryText(entry);
    const rush = rows.rush.map((r, i) => [r, JSON.stringify(r), rushOrdinal(rows, i)] as const);
    const rework = rows.rework.map((r) => [r, JSON.stringify(r)] as const);
    const delivery = (rows.delivery ?? []).map((r) => [r, JSON.stringify(r)] as const);
    const settled = (rows.settled ?? []).map((x) => [x.orderId, JSON.stringify(x)] as const);
    for (const [id, text] of settled) data.explanations.set(id, text);
    data.journal.set(entry.seq, { seq: entry.seq, ...text });
    for (const [r, record, ordinal] of rush)
      upsert(data, data.rush, r.orderId, entry.seq, r.requestedAt, ordinal, record);
    for (const [r, record] of rework)
      upsert(data, data.rework, r.orderId, entry.seq, r.registeredAt, 0, record);
    for (const [r, record] of delivery)
      upsert(data, data.delivery, r.orderId, entry.seq, r.deliveredAt, 0, record);
  }

  async saveSnapshot(seq: number, snapshot: Snapshot): Promise<void> {
    const data = this.writable();
    const text = JSON.stringify(snapshot);
    // The first snapshot stays for replay checks from the beginning; the latest bounds opening.
    for (const s of data.snapshots.keys()) if (s !== 0) data.snapshots.delete(s);
    data.snapshots.set(seq, text);
  }

  async saveCheckpointPart(seq: number, part: number, text: string): Promise<void> {
    const data = this.writable();
    data.parts.set(`${seq}:${part}`, text);
  }

  async commitCheckpoint(seq: number, parts: number): Promise<void> {
    const data = this.writable();
    const written = [...data.parts.keys()].filter((k) => k.startsWith(`${seq}:`)).length;
    if (written !== parts)
      throw new StoreError(
        'write-failed',
        `${this.description}: the checkpoint at journal entry ${seq} has ${written} of its ${parts} parts written`,
      );
    // Compaction, as on SQLite: the checkpoint holds everything before it.
    data.checkpoints = new Map([[seq, parts]]);
    for (const k of data.parts.keys()) if (!k.startsWith(`${seq}:`)) data.parts.delete(k);
    data.snapshots.clear();
    for (const s of data.journal.keys()) if (s <= seq) data.journal.delete(s);
  }

  async readHistory(): Promise<{ seq: number; snapshot: Snapshot; journal: JournalEntry[] }> {
    const data = this.opened();
    const oldest = this.stateOf(data, 'oldest');
    return { ...oldest, journal: this.journal(data, oldest.seq) };
  }

  async readRegisters(since?: number): Promise<RegisterRows> {
    const data = this.opened();
    const from = since ?? Number.MIN_SAFE_INTEGER;
    const rows = (
      table: Iterable<RegisterRow>,
      order: (a: RegisterRow, b: RegisterRow) => number,
    ) => [...table].filter((r) => r.at >= from).sort(order);
    const records = (table: RegisterRow[]) => table.map((r) => JSON.parse(r.record) as unknown);
    const byTime = (a: RegisterRow, b: RegisterRow) => a.at - b.at || a.row - b.row;
    // In the order the SQLite store reads them: by journal entry, then time, then insertion.
    const rush = rows(
      data.rush.values(),
      (a, b) => a.journalSeq - b.journalSeq || a.at - b.at || a.row - b.row,
    );
    return {
      rush: records(rush) as RushRecord[],
      rushOrdinals: rush.map((r) => r.ordinal),
      rework: records(rows(data.rework.values(), byTime)) as ReworkRecord[],
      delivery: records(rows(data.delivery.values(), byTime)) as DeliveryRecord[],
    };
  }

  async queryRegister<K extends RegisterKind>(
    kind: K,
    query: RegisterQuery,
  ): Promise<{ entries: RegisterEntry<K>[]; ordinals: number[]; more: boolean }> {
    const data = this.opened();
    const table = data[kind];
    const { since, until, clientId, line, outcome, after } = query;
    const matching = [...table.values()]
      .map((r) => ({
        at: r.at,
        ordinal: r.ordinal,
        record: JSON.parse(r.record) as RushRecord & ReworkRecord & DeliveryRecord,
      }))
      .filter(
        ({ at, ordinal, record: r }) =>
          (since === undefined || at >= since) &&
          (until === undefined || at < until) &&
          (clientId === undefined || r.clientId === clientId) &&
          (line === undefined || r.line === line) &&
          (outcome === undefined ||
            (kind === 'rush'
              ? r.outcome === outcome
              : kind === 'rework'
                ? (r.closedAt === undefined) === (outcome === 'open')
                : r.onTime === (outcome === 'on-time'))) &&
          (after === undefined || placeOrder({ at, orderId: r.orderId, ordinal }, after) > 0),
      )
      .sort((a, b) =>
        placeOrder(
          { at: a.at, orderId: a.record.orderId, ordinal: a.ordinal },
          { at: b.at, orderId: b.record.orderId, ordinal: b.ordinal },
        ),
      );
    const page = matching.slice(0, query.limit);
    return {
      entries: page.map((m) => m.record as RegisterEntry<K>),
      ordinals: page.map((m) => m.ordinal),
      more: matching.length > query.limit,
    };
  }

  async readExplanation(orderId: string): Promise<Explanation | undefined> {
    const text = this.opened().explanations.get(orderId);
    return text === undefined ? undefined : (JSON.parse(text) as Explanation);
  }

  async close(): Promise<void> {
    this.state = 'closed';
  }

  private journal(data: Data, after: number): JournalEntry[] {
    return [...data.journal.values()]
      .filter((r) => r.seq > after)
      .sort((a, b) => a.seq - b.seq)
      .map(entryFrom);
  }

  private opened(): Data {
    if (this.state === 'closed' || !this.data)
      throw new StoreError('closed', `${this.description}: the store is not open`);
    return this.data;
  }

  private writable(): Data {
    const data = this.opened();
    if (this.state !== 'writable')
      throw new StoreError('closed', `${this.description}: the store was opened read-only`);
    return data;
  }
}

/** How two ids compare as UTF-8 bytes, as SQLite's BINARY and PostgreSQL's "C" collation. */
function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/**
 * How two places in a register compare, as the SQL stores order them: by time, then order id as
 * UTF-8 bytes, then ordinal.
 */
function placeOrder(
  a: NonNullable<RegisterQuery['after']>,
  b: NonNullable<RegisterQuery['after']>,
) {
  return a.at - b.at || byteOrder(a.orderId, b.orderId) || a.ordinal - b.ordinal;
}

/**
 * The key of a register entry, as the SQL tables' primary key: its order's id, its time and its
 * ordinal (0 but in the rush register).
 */
const entryKey = (orderId: string, at: number, ordinal: number) => `${at} ${ordinal} ${orderId}`;

/** Adds a register row, or replaces the record of one that is there (keeping its journal entry and place). */
function upsert(
  data: Data,
  table: Map<string, RegisterRow>,
  orderId: string,
  journalSeq: number,
  at: number,
  ordinal: number,
  record: string,
): void {
  const key = entryKey(orderId, at, ordinal);
  const row = table.get(key);
  if (row) table.set(key, { ...row, record });
  else table.set(key, { journalSeq, at, ordinal, row: ++data.rows, record });
}
