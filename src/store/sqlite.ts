/**
 * The embedded store: one SQLite file through better-sqlite3, in WAL mode with
 * `synchronous=FULL`, so a transaction is on disk (the WAL fsynced) when its commit returns.
 * better-sqlite3 is an optional package, loaded when a store is first opened.
 *
 * Opening never writes to a file before it is known to be a rushline store of this lab and of
 * a schema this version reads: the checks run on a read-only connection first.
 */
import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type Database from 'better-sqlite3';
import type { DeliveryRecord, Explanation, ReworkRecord, RushRecord } from '../domain/types.js';
import type { Snapshot } from '../engine/snapshot-format.js';
import { loadOptional } from '../optional-package.js';
import { snapshotFromParts } from './checkpoint-text.js';
import { entryText } from './journal.js';
import {
  checkedHeader,
  deliveryRow,
  entryFrom,
  iso,
  REGISTER_TABLES,
  registerSql,
  reworkRow,
  rushOrdinal,
  rushRow,
} from './rows.js';
import {
  type JournalEntry,
  type OpenedStore,
  type RegisterEntry,
  type RegisterKind,
  type RegisterQuery,
  type RegisterRows,
  STORE_SCHEMA_VERSION,
  type Store,
  type StoreDoing,
  StoreError,
  type StoreErrorCode,
  type StoreHeader,
  type StoreOpenOptions,
  storeFailure,
} from './types.js';

type Driver = typeof Database;
type Db = Database.Database;

/**
 * What issue 19 added, created when missing, so that a store made before gains it on its first
 * writable open: the checkpoints (a snapshot's JSON text in parts, written over several calls,
 * and the commit that makes the parts of one journal entry the state opening starts from), the
 * and the explanations of settled orders.
 */
const CHECKPOINT_TABLES = `
CREATE TABLE IF NOT EXISTS checkpoints (seq INTEGER PRIMARY KEY, parts INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS checkpoint_parts (
  seq INTEGER NOT NULL,
  part INTEGER NOT NULL,
  text TEXT NOT NULL,
  PRIMARY KEY (seq, part)
);
CREATE TABLE IF NOT EXISTS explanations (
  order_id TEXT PRIMARY KEY,
  journal_seq INTEGER NOT NULL,
  client_id TEXT NOT NULL,
  line TEXT NOT NULL,
  status TEXT NOT NULL,
  explanation TEXT NOT NULL
);
`;

/**
 * The register tables, named with `suffix` (a migration builds them aside). An entry is keyed by
 * its order's id and its time: an id may be used again once its order left memory, and the
 * newer entry must not replace the older one. A rush entry's key adds its ordinal: an order
 * released in the millisecond it was held has two entries of that time.
 */
const registerTables = (suffix: string) => `
CREATE TABLE rush_register${suffix} (
  order_id TEXT NOT NULL,
  journal_seq INTEGER NOT NULL,
  requested_at TEXT NOT NULL,
  requested_at_ms INTEGER NOT NULL,
  ordinal INTEGER NOT NULL,
  day TEXT NOT NULL,
  client_id TEXT NOT NULL,
  tier TEXT NOT NULL,
  line TEXT NOT NULL,
  product TEXT NOT NULL,
  quantity INTEGER NOT NULL,
  units REAL NOT NULL,
  urgency TEXT,
  cause TEXT NOT NULL,
  reason TEXT,
  responsible TEXT,
  outcome TEXT NOT NULL,
  deciding_rule TEXT NOT NULL,
  deadline TEXT,
  promised_by TEXT NOT NULL,
  earliest_possible TEXT,
  tight INTEGER NOT NULL,
  quota_used REAL NOT NULL,
  quota_limit REAL NOT NULL,
  recent_rushes INTEGER NOT NULL,
  reasons TEXT NOT NULL,
  at_risk TEXT NOT NULL,
  record TEXT NOT NULL,
  PRIMARY KEY (order_id, requested_at_ms, ordinal)
);
CREATE TABLE rework_register${suffix} (
  order_id TEXT NOT NULL,
  journal_seq INTEGER NOT NULL,
  registered_at TEXT NOT NULL,
  registered_at_ms INTEGER NOT NULL,
  date TEXT NOT NULL,
  line TEXT NOT NULL,
  product TEXT NOT NULL,
  client_id TEXT NOT NULL,
  cause TEXT,
  responsible TEXT,
  deadline TEXT NOT NULL,
  closed_at TEXT,
  record TEXT NOT NULL,
  PRIMARY KEY (order_id, registered_at_ms)
);
CREATE TABLE delivery_register${suffix} (
  order_id TEXT NOT NULL,
  journal_seq INTEGER NOT NULL,
  delivered_at TEXT NOT NULL,
  delivered_at_ms INTEGER NOT NULL,
  client_id TEXT NOT NULL,
  via TEXT NOT NULL,
  reference TEXT,
  short_items INTEGER NOT NULL,
  due_by TEXT NOT NULL,
  on_time INTEGER NOT NULL,
  record TEXT NOT NULL,
  PRIMARY KEY (order_id, delivered_at_ms)
);`;

/** The register tables' indexes for queries by time. */
const REGISTER_INDEXES = `
CREATE INDEX IF NOT EXISTS rush_register_requested ON rush_register (requested_at_ms);
CREATE INDEX IF NOT EXISTS rework_register_registered ON rework_register (registered_at_ms);
CREATE INDEX IF NOT EXISTS delivery_register_delivered ON delivery_register (delivered_at_ms);`;

/** Every table rushline writes, in the order they are created. */
const SCHEMA = `
CREATE TABLE rushline_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE journal (
  seq INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  at_ms INTEGER NOT NULL,
  kind TEXT NOT NULL,
  call TEXT NOT NULL,
  result TEXT NOT NULL
);
CREATE TABLE snapshots (seq INTEGER PRIMARY KEY, snapshot TEXT NOT NULL);
${registerTables('')}
${REGISTER_INDEXES}
${CHECKPOINT_TABLES}`;

/** A delivery row as SQLite stores it: the flag as 0 or 1. */
function sqliteDeliveryRow(r: DeliveryRecord, seq: number) {
  const row = deliveryRow(r, seq);
  return { ...row, on_time: row.on_time ? 1 : 0 };
}

/** A rush row as SQLite stores it: a flag as 0 or 1, lists as JSON text. */
function sqliteRushRow(r: RushRecord, seq: number, ordinal: number) {
  const row = rushRow(r, seq, ordinal);
  return {
    ...row,
    tight: row.tight ? 1 : 0,
    reasons: JSON.stringify(row.reasons),
    at_risk: JSON.stringify(row.at_risk),
  };
}

/**
 * Adds a register row, or replaces a later row of the same entry: an entry is its order's id and
 * its time (`at`), since an id may be used again once its order left memory, and a rush entry's
 * ordinal.
 */
const upsert = (kind: RegisterKind, columns: string[]) => {
  const { table, at, ordinal } = REGISTER_TABLES[kind];
  const key = ['order_id', at, ...(ordinal ? ['ordinal'] : [])];
  return `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})
   ON CONFLICT (${key.join(', ')}) DO UPDATE SET ${columns
     .filter((c) => !key.includes(c) && c !== 'journal_seq')
     .map((c) => `${c} = excluded.${c}`)
     .join(', ')}`;
};

/** A SQLite file as a `Store`. The file is created on first open when missing. */
export function sqliteStore(path: string): Store {
  return new SqliteStore(path);
}

const SQLITE_MAGIC = 'SQLite format 3\u0000';

/**
 * What a failure of SQLite or of the file system says about a store: the one place SQLite's
 * result codes (better-sqlite3 gives the extended code, e.g. `SQLITE_READONLY_DIRECTORY`) and
 * Node's error codes become a `StoreErrorCode`. `doing` is what the store was doing: the same
 * I/O error is `write-failed` in a write and `read-failed` in a read. `undefined`: not a
 * failure of the store (a bug), to be thrown as it is.
 */
export function sqliteErrorCode(error: unknown, doing: StoreDoing): StoreErrorCode | undefined {
  // Text the store holds that does not parse back (a snapshot, a journal entry).
  if (error instanceof SyntaxError) return 'corrupt';
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return undefined;
  const primary = /^SQLITE_[A-Z]+/.exec(code)?.[0] ?? code;
  switch (primary) {
    case 'SQLITE_READONLY':
    case 'EROFS':
      return 'read-only';
    case 'SQLITE_CANTOPEN':
    case 'SQLITE_PERM':
    case 'SQLITE_AUTH':
    case 'EACCES':
    case 'EPERM':
      return 'permission';
    case 'SQLITE_CORRUPT':
    case 'SQLITE_NOTADB':
      return 'corrupt';
    case 'ENOENT':
      return 'not-found';
    // A read of a table that is not as rushline writes it (a missing table or column).
    case 'SQLITE_ERROR':
      return doing === 'reading' ? 'corrupt' : 'write-failed';
    default:
      // SQLITE_FULL, SQLITE_IOERR_*, SQLITE_BUSY, SQLITE_CONSTRAINT (a sequence number taken)…
      if (primary.startsWith('SQLITE_') || /^E[A-Z]+$/.test(primary))
        return doing === 'reading' ? 'read-failed' : 'write-failed';
      return undefined;
  }
}

/** What each code means for a SQLite file, said before SQLite's own words. */
const MEANING: Partial<Record<StoreErrorCode, string>> = {
  'read-only':
    'cannot be written here (a read-only file, directory or file system; SQLite writes its -wal and -shm files beside the store)',
  permission: 'this user may not open it (the permissions of the file or its directory)',
  corrupt: 'damaged, or not as rushline writes it',
  'not-found': 'no longer there',
  'write-failed': 'a write failed, and nothing of it was kept',
  'read-failed': 'a read failed',
};

/** The write-ahead log's size, in 4 KiB pages, at which a commit copies it into the database. */
const WAL_PAGES = 256;
/** Rows a journal entry's transaction deletes, at most, of what a checkpoint made unreadable. */
const SWEEP_PARTS = 2;
const SWEEP_ENTRIES = 50;

class SqliteStore implements Store {
  readonly description: string;
  /** better-sqlite3 commits synchronously, inside `append`. */
  readonly commitsAtOnce = true;
  readonly freshSnapshots = true;
  private driver: Driver | undefined;
  private db: Db | undefined;
  private statements:
    | {
        journal: Database.Statement;
        rush: Database.Statement;
        rework: Database.Statement;
        delivery: Database.Statement;
        snapshot: Database.Statement;
        prune: Database.Statement;
        part: Database.Statement;
        countParts: Database.Statement;
        checkpoint: Database.Statement;
        dropCheckpoints: Database.Statement;
        dropStrayParts: Database.Statement;
        dropSnapshots: Database.Statement;
        sweepParts: Database.Statement;
        sweepJournal: Database.Statement;
        explanation: Database.Statement;
        /**
         * Runs its argument in one transaction. Made once: better-sqlite3's `transaction()`
         * builds four wrapper functions with their properties on every call, about 2.6 KB a
         * write, which a durable call paid for its journal entry.
         */
        transact: Database.Transaction<(fn: () => void) => void>;
      }
    | undefined;
  /**
   * Whether rows a committed checkpoint made unreadable may remain (older parts, journal entries
   * it includes): true from opening, and after each commit, until a sweep finds none.
   */
  private litter = true;
  /** The store's schema version, once open: below 3 only read as it is. */
  private version = STORE_SCHEMA_VERSION;

  constructor(private readonly path: string) {
    this.description = path;
  }

  async open(options: StoreOpenOptions): Promise<OpenedStore> {
    this.driver ??= await loadOptional(
      'better-sqlite3',
      `the SQLite store ${this.path}`,
      async () => (await import('better-sqlite3')).default,
    );
    const exists = existsSync(this.path) && statSync(this.path).size > 0;
    if (!exists && (options.readOnly || !options.create))
      throw new StoreError('not-found', `${this.path}: no rushline store here`);
    let fresh = !exists;
    if (exists) fresh = this.inspect(options.lab);
    if (fresh && !options.create)
      throw new StoreError('not-found', `${this.path}: an empty database, not a rushline store`);
    const db = options.readOnly ? this.readConnection() : this.writeConnection();
    this.db = db;
    if (!options.readOnly) {
      this.guard(() => {
        db.pragma('journal_mode = WAL');
        db.pragma('synchronous = FULL');
        // The commit that fills the write-ahead log past this many pages copies it into the
        // database: 1 MiB (SQLite's default is 4 MiB), so that no call, a checkpoint part's
        // write included, waits for more than a short copy (about 13 ms at 4 MiB here).
        db.pragma(`wal_autocheckpoint = ${WAL_PAGES}`);
      }, 'writing');
    }
    if (fresh && options.create) {
      const create = options.create;
      this.guard(
        db.transaction(() => {
          db.exec(SCHEMA);
          const meta = db.prepare('INSERT INTO rushline_meta (key, value) VALUES (?, ?)');
          meta.run('schema_version', String(STORE_SCHEMA_VERSION));
          meta.run('lab', options.lab ?? 'default');
          meta.run('created_at', new Date().toISOString());
          meta.run('config', create.config);
          db.prepare('INSERT INTO snapshots (seq, snapshot) VALUES (0, ?)').run(
            JSON.stringify(create.snapshot),
          );
        }),
        'writing',
      );
    }
    if (!options.readOnly) {
      this.guard(() => {
        db.exec(CHECKPOINT_TABLES);
        this.migrate(db);
      }, 'writing');
      this.prepare(db);
    }
    return this.guard(() => {
      const header = this.header(db);
      this.version = header.schemaVersion;
      const snap = this.state(db, 'DESC');
      return { header, snapshot: snap, tail: this.journal(db, snap.seq) };
    });
  }

  /**
   * The latest (`DESC`) or oldest (`ASC`) state the store holds: a whole snapshot or a
   * committed checkpoint, whichever includes more (fewer) of the journal.
   */
  private state(db: Db, order: 'ASC' | 'DESC'): { seq: number; snapshot: Snapshot } {
    const snap = db
      .prepare(`SELECT seq, snapshot FROM snapshots ORDER BY seq ${order} LIMIT 1`)
      .get() as { seq: number; snapshot: string } | undefined;
    const point = this.hasCheckpoints(db)
      ? (db.prepare(`SELECT seq, parts FROM checkpoints ORDER BY seq ${order} LIMIT 1`).get() as
          | { seq: number; parts: number }
          | undefined)
      : undefined;
    const usePoint =
      point !== undefined &&
      (snap === undefined || (order === 'DESC' ? point.seq > snap.seq : point.seq < snap.seq));
    if (usePoint) {
      const { n } = db
        .prepare('SELECT count(*) AS n FROM checkpoint_parts WHERE seq = ?')
        .get(point.seq) as { n: number };
      if (n !== point.parts)
        throw new StoreError(
          'corrupt',
          `${this.path}: the checkpoint at journal entry ${point.seq} has ${n} of its ${point.parts} parts`,
        );
      // The parts are read one row at a time: only the part being read is held as text.
      const texts = db
        .prepare('SELECT text FROM checkpoint_parts WHERE seq = ? ORDER BY part')
        .pluck()
        .iterate(point.seq) as IterableIterator<string>;
      return { seq: point.seq, snapshot: snapshotFromParts(texts) };
    }
    if (!snap) throw new StoreError('corrupt', `${this.path}: the store holds no snapshot`);
    return { seq: snap.seq, snapshot: JSON.parse(snap.snapshot) as Snapshot };
  }

  /**
   * Brings a store of an older schema to this one, in one transaction, on its first writable
   * open: the rush and rework rows are copied as they are into tables built aside with this
   * schema's keys, which replace the old ones. Schema 1 keyed the register tables by order id
   * alone, so an entry of an id used again replaced the older entry; schema 2 keys them by id
   * and time, and adds the delivery register (a store of schema 1 journaled its hand-overs
   * without). Schema 3 adds the ordinal to the rush register's key: a row of an older schema
   * was the only one of its order at its time, and is ordinal 0.
   */
  private migrate(db: Db): void {
    const { value } = db
      .prepare("SELECT value FROM rushline_meta WHERE key = 'schema_version'")
      .get() as { value: string };
    const version = Number(value);
    if (version >= STORE_SCHEMA_VERSION) return;
    db.transaction(() => {
      db.exec(registerTables('_new'));
      for (const [kind, columns] of [
        ['rush', RUSH_COLUMNS],
        ['rework', REWORK_COLUMNS],
      ] as const) {
        const { table } = REGISTER_TABLES[kind];
        const kept = columns.filter((c) => c !== 'ordinal');
        const list = kept.join(', ');
        const [into, from] =
          kept.length < columns.length ? [`${list}, ordinal`, `${list}, 0`] : [list, list];
        db.exec(`INSERT INTO ${table}_new (${into}) SELECT ${from} FROM ${table};
          DROP TABLE ${table};
          ALTER TABLE ${table}_new RENAME TO ${table};`);
      }
      if (version >= 2) db.exec('DROP TABLE delivery_register_new');
      else {
        db.exec('ALTER TABLE delivery_register_new RENAME TO delivery_register');
        // Hand-overs journaled so far are not in the new table: say from where it holds them.
        db.exec(`INSERT INTO rushline_meta (key, value) SELECT 'deliveries_from',
          CAST(coalesce(max(s), 0) AS TEXT) FROM (SELECT max(seq) AS s FROM journal
          UNION ALL SELECT max(seq) FROM snapshots UNION ALL SELECT max(seq) FROM checkpoints)`);
      }
      db.exec(REGISTER_INDEXES);
      db.prepare("UPDATE rushline_meta SET value = ? WHERE key = 'schema_version'").run(
        String(STORE_SCHEMA_VERSION),
      );
    })();
  }

  /** Whether the store has the checkpoint tables: one made before them, opened read-only, has not. */
  private hasCheckpoints(db: Db): boolean {
    return this.hasTable(db, 'checkpoints');
  }

  private hasTable(db: Db, name: string): boolean {
    return (
      db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !==
      undefined
    );
  }

  async append(entry: JournalEntry, rows: RegisterRows): Promise<void> {
    const s = this.statements as NonNullable<SqliteStore['statements']>;
    const text = entryText(entry);
    this.write(() => {
      s.journal.run(
        entry.seq,
        iso(entry.call.at),
        entry.call.at,
        entry.call.kind,
        text.call,
        text.result,
      );
      for (const [i, r] of rows.rush.entries())
        s.rush.run(sqliteRushRow(r, entry.seq, rushOrdinal(rows, i)));
      for (const r of rows.rework) s.rework.run(reworkRow(r, entry.seq));
      for (const r of rows.delivery ?? []) s.delivery.run(sqliteDeliveryRow(r, entry.seq));
      for (const x of rows.settled ?? [])
        s.explanation.run(
          x.orderId,
          entry.seq,
          x.order.clientId,
          x.line,
          x.status,
          JSON.stringify(x),
        );
      this.sweep(s);
    });
  }

  /**
   * Deletes a few of the rows the latest committed checkpoint made unreadable, in the
   * transaction of a journal entry: compaction spread over the calls after a commit, so that no
   * call waits for all of it (at 10⁵ orders, about 90 MB of older parts and 5,000 entries).
   */
  private sweep(s: NonNullable<SqliteStore['statements']>): void {
    if (!this.litter) return;
    const parts = s.sweepParts.run(SWEEP_PARTS).changes;
    const entries = s.sweepJournal.run(SWEEP_ENTRIES).changes;
    if (parts < SWEEP_PARTS && entries < SWEEP_ENTRIES) this.litter = false;
  }

  async queryRegister<K extends RegisterKind>(
    kind: K,
    query: RegisterQuery,
  ): Promise<{ entries: RegisterEntry<K>[]; ordinals: number[]; more: boolean }> {
    const db = this.opened();
    const { sql, params } = registerSql(kind, query, 'sqlite', this.version);
    return this.guard(() => {
      // A store of schema 1, read as it is, has no delivery register: none to page.
      if (kind === 'delivery' && !this.hasTable(db, 'delivery_register'))
        return { entries: [], ordinals: [], more: false };
      const rows = db.prepare(sql).all(...params) as { record: string; ordinal: number }[];
      const page = rows.slice(0, query.limit);
      return {
        entries: page.map((r) => JSON.parse(r.record) as RegisterEntry<K>),
        ordinals: page.map((r) => r.ordinal),
        more: rows.length > query.limit,
      };
    });
  }

  async readExplanation(orderId: string): Promise<Explanation | undefined> {
    const db = this.opened();
    return this.guard(() => {
      if (!this.hasCheckpoints(db)) return undefined;
      const row = db
        .prepare('SELECT explanation FROM explanations WHERE order_id = ?')
        .get(orderId) as { explanation: string } | undefined;
      return row === undefined ? undefined : (JSON.parse(row.explanation) as Explanation);
    });
  }

  async saveSnapshot(seq: number, snapshot: Snapshot): Promise<void> {
    const s = this.statements as NonNullable<SqliteStore['statements']>;
    const text = JSON.stringify(snapshot);
    this.write(() => {
      s.snapshot.run(seq, text);
      // The first snapshot stays for replay checks from the beginning; the latest bounds opening.
      s.prune.run(seq);
    });
  }

  async saveCheckpointPart(seq: number, part: number, text: string): Promise<void> {
    const s = this.statements as NonNullable<SqliteStore['statements']>;
    this.write(() => {
      s.part.run(seq, part, text);
    });
  }

  async commitCheckpoint(seq: number, parts: number): Promise<void> {
    const s = this.statements as NonNullable<SqliteStore['statements']>;
    this.write(() => {
      const { n } = s.countParts.get(seq) as { n: number };
      if (n !== parts)
        throw new StoreError(
          'write-failed',
          `${this.path}: the checkpoint at journal entry ${seq} has ${n} of its ${parts} parts written`,
        );
      s.checkpoint.run(seq, parts);
      // From here opening starts from this checkpoint and reads the journal after it: the
      // older checkpoints, snapshots and strays go now (small rows), the older parts and the
      // entries it includes a few at a time with the calls that follow (`sweep`).
      s.dropCheckpoints.run(seq);
      s.dropStrayParts.run(seq);
      s.dropSnapshots.run();
    });
    this.litter = true;
  }

  /**
   * Runs a write in one transaction. A refused or failed write (a sequence number already
   * taken, a full disk, a read-only file) is a `StoreError` naming the file and saying which,
   * as on the other stores; the transaction rolled back, so nothing of it is on disk.
   */
  private write(fn: () => void): void {
    this.writable();
    const s = this.statements as NonNullable<SqliteStore['statements']>;
    this.guard(() => s.transact(fn), 'writing');
  }

  async readHistory(): Promise<{ seq: number; snapshot: Snapshot; journal: JournalEntry[] }> {
    const db = this.opened();
    return this.guard(() => {
      const oldest = this.state(db, 'ASC');
      return { ...oldest, journal: this.journal(db, oldest.seq) };
    });
  }

  async readRegisters(since?: number): Promise<RegisterRows> {
    const db = this.opened();
    return this.guard(() => {
      const from = since ?? Number.MIN_SAFE_INTEGER;
      const rush = db
        .prepare(
          `SELECT record, ${this.version >= 3 ? 'ordinal' : '0 AS ordinal'} FROM rush_register WHERE requested_at_ms >= ? ORDER BY journal_seq, requested_at_ms, rowid`,
        )
        .all(from) as { record: string; ordinal: number }[];
      const rework = db
        .prepare(
          'SELECT record FROM rework_register WHERE registered_at_ms >= ? ORDER BY registered_at_ms, rowid',
        )
        .all(from) as { record: string }[];
      const out: RegisterRows = {
        rush: rush.map((r) => JSON.parse(r.record) as RushRecord),
        rushOrdinals: rush.map((r) => r.ordinal),
        rework: rework.map((r) => JSON.parse(r.record) as ReworkRecord),
      };
      // A store of schema 1, read as it is, has no delivery register.
      if (!this.hasTable(db, 'delivery_register')) return out;
      const delivery = db
        .prepare(
          'SELECT record FROM delivery_register WHERE delivered_at_ms >= ? ORDER BY delivered_at_ms, rowid',
        )
        .all(from) as { record: string }[];
      out.delivery = delivery.map((r) => JSON.parse(r.record) as DeliveryRecord);
      const migrated = db
        .prepare("SELECT value FROM rushline_meta WHERE key = 'deliveries_from'")
        .get() as { value: string } | undefined;
      if (migrated) out.deliveriesFrom = Number(migrated.value);
      return out;
    });
  }

  async close(): Promise<void> {
    this.db?.close();
    this.db = undefined;
    this.statements = undefined;
  }

  // ---------------------------------------------------------------- internals

  /**
   * Reads an existing file without writing to it: is it SQLite, is it a rushline store, of a
   * schema this version reads, of this lab. Returns true for an empty database.
   */
  private inspect(lab: string | undefined): boolean {
    const head = Buffer.alloc(16);
    this.guard(() => {
      const fd = openSync(this.path, 'r');
      try {
        readSync(fd, head, 0, 16, 0);
      } finally {
        closeSync(fd);
      }
    });
    if (head.toString('latin1') !== SQLITE_MAGIC)
      throw new StoreError(
        'corrupt',
        `${this.path}: not a SQLite database (its first bytes are not the SQLite header); nothing was written to it`,
      );
    const db = this.readConnection();
    try {
      return this.guard(() => {
        const tables = (
          db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as {
            name: string;
          }[]
        ).map((t) => t.name);
        if (tables.length === 0) return true;
        if (!tables.includes('rushline_meta'))
          throw new StoreError(
            'foreign-database',
            `${this.path}: a SQLite database with other tables (${tables.slice(0, 5).join(', ')}), not a rushline store; nothing was written to it`,
          );
        this.header(db, lab);
        return false;
      });
    } finally {
      db.close();
    }
  }

  private header(db: Db, lab?: string): StoreHeader {
    const rows = db.prepare('SELECT key, value FROM rushline_meta').all() as {
      key: string;
      value: string;
    }[];
    return checkedHeader(rows, lab, this.path);
  }

  private journal(db: Db, after: number): JournalEntry[] {
    const rows = db
      .prepare('SELECT seq, call, result FROM journal WHERE seq > ? ORDER BY seq')
      .all(after) as { seq: number; call: string; result: string }[];
    return rows.map(entryFrom);
  }

  private connect(readonly: boolean): Db {
    const directory = dirname(this.path);
    if (!existsSync(directory))
      throw new StoreError('not-found', `${this.path}: the directory ${directory} does not exist`);
    try {
      return new (this.driver as Driver)(this.path, { readonly, fileMustExist: readonly });
    } catch (e) {
      throw this.failure(e, readonly ? 'reading' : 'writing');
    }
  }

  /**
   * A connection that only reads. SQLite reads a store in WAL mode in place only where it can
   * create the store's shared-memory index (the -shm file) beside it. In a directory this user
   * cannot write, a store without a write-ahead log (closed cleanly: every commit is in the
   * file itself, and no writer has it open, since a writer keeps its -wal file there) is read
   * from a copy of the file in memory. A store with a log there cannot be read without its
   * index, and is `read-only`, as SQLite says.
   */
  private readConnection(): Db {
    const db = this.connect(true);
    try {
      // The first read opens the write-ahead log and its index.
      db.prepare('SELECT count(*) FROM sqlite_master').get();
      return db;
    } catch (e) {
      db.close();
      const code = String((e as { code?: unknown }).code);
      // Refused to make or open a file beside the store: the log's index.
      const beside = code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_CANTOPEN');
      if (beside && this.hasLog())
        throw new StoreError(
          'read-only',
          `${this.path}: its write-ahead log (${this.path}-wal) holds commits, and SQLite cannot make the index it needs to read them in this directory; open the store once where the directory can be written (closing checkpoints the log into the file), or copy the files to such a place: ${(e as Error).message}`,
          { cause: e },
        );
      if (!code.startsWith('SQLITE_READONLY')) throw this.failure(e, 'reading');
      const image = this.guard(() => readFileSync(this.path));
      // Header bytes 18 and 19 say the file is in WAL mode (2); as a rollback-journal database
      // (1) the copy in memory is read without an index. The file itself is not touched.
      image[18] = 1;
      image[19] = 1;
      return new (this.driver as Driver)(image, { readonly: true });
    }
  }

  /** Whether the store has a write-ahead log with commits in it beside its file. */
  private hasLog(): boolean {
    const log = `${this.path}-wal`;
    return existsSync(log) && statSync(log).size > 0;
  }

  /**
   * A connection that writes. SQLite opens a file this user may only read as read-only
   * without saying so, and would refuse only the first write, after the scheduler decided a
   * call. So it is asked now: a write begun and rolled back (setting `user_version` to what it
   * is) is refused at once on a read-only file, directory or file system, and changes nothing.
   */
  private writeConnection(): Db {
    const db = this.connect(false);
    try {
      db.exec('BEGIN IMMEDIATE');
      try {
        db.pragma(`user_version = ${Number(db.pragma('user_version', { simple: true }))}`);
      } finally {
        if (db.inTransaction) db.exec('ROLLBACK');
      }
    } catch (e) {
      db.close();
      throw this.failure(e, 'writing');
    }
    return db;
  }

  private prepare(db: Db): void {
    this.guard(() => {
      this.statements = {
        journal: db.prepare(
          'INSERT INTO journal (seq, at, at_ms, kind, call, result) VALUES (?, ?, ?, ?, ?, ?)',
        ),
        rush: db.prepare(upsert('rush', RUSH_COLUMNS)),
        rework: db.prepare(upsert('rework', REWORK_COLUMNS)),
        delivery: db.prepare(upsert('delivery', DELIVERY_COLUMNS)),
        snapshot: db.prepare('INSERT OR REPLACE INTO snapshots (seq, snapshot) VALUES (?, ?)'),
        prune: db.prepare('DELETE FROM snapshots WHERE seq <> 0 AND seq <> ?'),
        part: db.prepare(
          'INSERT OR REPLACE INTO checkpoint_parts (seq, part, text) VALUES (?, ?, ?)',
        ),
        countParts: db.prepare('SELECT count(*) AS n FROM checkpoint_parts WHERE seq = ?'),
        checkpoint: db.prepare('INSERT OR REPLACE INTO checkpoints (seq, parts) VALUES (?, ?)'),
        dropCheckpoints: db.prepare('DELETE FROM checkpoints WHERE seq <> ?'),
        // Parts after the checkpoint being committed are of none that will be.
        dropStrayParts: db.prepare('DELETE FROM checkpoint_parts WHERE seq > ?'),
        dropSnapshots: db.prepare('DELETE FROM snapshots'),
        sweepParts: db.prepare(
          `DELETE FROM checkpoint_parts WHERE rowid IN (SELECT rowid FROM checkpoint_parts
             WHERE seq < (SELECT max(seq) FROM checkpoints) ORDER BY seq, part LIMIT ?)`,
        ),
        sweepJournal: db.prepare(
          `DELETE FROM journal WHERE seq IN (SELECT seq FROM journal
             WHERE seq <= (SELECT max(seq) FROM checkpoints) ORDER BY seq LIMIT ?)`,
        ),
        explanation: db.prepare(
          `INSERT INTO explanations (order_id, journal_seq, client_id, line, status, explanation)
           VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT (order_id) DO UPDATE SET journal_seq = excluded.journal_seq,
             status = excluded.status, explanation = excluded.explanation`,
        ),
        transact: db.transaction((fn: () => void) => fn()),
      };
    });
  }

  private opened(): Db {
    if (!this.db) throw new StoreError('closed', `${this.path}: the store is not open`);
    return this.db;
  }

  private writable(): Db {
    const db = this.opened();
    if (!this.statements)
      throw new StoreError('closed', `${this.path}: the store was opened read-only`);
    return db;
  }

  /**
   * Runs a read (or, `'writing'`, a write), turning a failure of SQLite or of the file into a
   * `StoreError` naming the file.
   */
  private guard<T>(fn: () => T, doing: StoreDoing = 'reading'): T {
    try {
      return fn();
    } catch (e) {
      throw this.failure(e, doing);
    }
  }

  /** A failure as a `StoreError` (`sqliteErrorCode`); a bug, or a `StoreError` already, as it is. */
  private failure(e: unknown, doing: StoreDoing): unknown {
    return storeFailure(this.path, e, doing, sqliteErrorCode, MEANING);
  }
}

// Column lists are read off the row builders, so the statements and the rows cannot disagree.
const SAMPLE_RUSH: RushRecord = {
  orderId: '',
  clientId: '',
  tier: 'regular',
  line: '',
  product: '',
  quantity: 1,
  units: 1,
  cause: 'client',
  requestedAt: 0,
  day: '',
  outcome: 'rush-declined',
  promisedBy: 0,
  reasons: [],
  atRisk: [],
  tight: false,
  quota: { used: 0, limit: 0 },
  recentRushes: 0,
};
const SAMPLE_REWORK: ReworkRecord = {
  orderId: '',
  line: '',
  product: '',
  clientId: '',
  registeredAt: 0,
  date: '',
  deadline: 0,
};
const RUSH_COLUMNS = Object.keys(sqliteRushRow(SAMPLE_RUSH, 0, 0));
const REWORK_COLUMNS = Object.keys(reworkRow(SAMPLE_REWORK, 0));
const DELIVERY_COLUMNS = Object.keys(
  sqliteDeliveryRow(
    {
      orderId: '',
      clientId: '',
      via: 'ship',
      shortItems: 0,
      deliveredAt: 0,
      dueBy: 0,
      onTime: true,
    },
    0,
  ),
);
