/**
 * The server store: the journal, snapshots and registers in PostgreSQL tables, through the
 * `postgres` package, for labs that run several intake nodes on one database.
 *
 * One writer per lab. The writer holds a session-level advisory lock (keyed by the lab) on its
 * own single connection, and every write (an append or a snapshot) checks, inside its
 * transaction, that this very session still holds it: a writer whose connection was lost (and
 * silently replaced) cannot write another entry or snapshot. The journal's primary key is the
 * second fence: two writers can never both commit the same sequence number.
 *
 * A node started while another holds the lock is a standby: `becomeWriter` follows the journal
 * (every `pollMs`), hands each new entry to the engine, and tries the lock; when the writer's
 * session ends (a crash closes its connection, and PostgreSQL releases the lock), the standby
 * takes the lock, reads the last entries, and becomes the writer.
 *
 * The `postgres` package is optional, loaded when a store is first opened.
 */
import type postgres from 'postgres';
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
  type StoreOpenOptions,
  storeFailure,
} from './types.js';

/** Options of the PostgreSQL store. */
export interface PostgresStoreOptions {
  /**
   * How often a standby reads the journal and tries for the writer's lock, in milliseconds.
   * @default 200
   */
  pollMs?: number;
}

type Sql = postgres.Sql<Record<string, never>>;

/**
 * What issue 19 added, as on SQLite: the checkpoints (a snapshot's text in parts, and the
 * commits that make one the state opening starts from), the explanations of settled orders,
 * and an index for rework queries by time. Created when missing on a writable open, so that a
 * store made before gains them.
 */
const CHECKPOINT_TABLES = `
CREATE TABLE IF NOT EXISTS checkpoints (seq BIGINT PRIMARY KEY, parts INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS checkpoint_parts (
  seq BIGINT NOT NULL,
  part INTEGER NOT NULL,
  text TEXT NOT NULL,
  PRIMARY KEY (seq, part)
);
CREATE TABLE IF NOT EXISTS explanations (
  order_id TEXT PRIMARY KEY,
  journal_seq BIGINT NOT NULL,
  client_id TEXT NOT NULL,
  line TEXT NOT NULL,
  status TEXT NOT NULL,
  explanation TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS rework_register_registered ON rework_register (registered_at_ms);
`;

/** The delivery register (schema 2), keyed as the others by order id and time. */
const DELIVERY_TABLE = `
CREATE TABLE delivery_register (
  order_id TEXT NOT NULL,
  journal_seq BIGINT NOT NULL,
  delivered_at TIMESTAMPTZ NOT NULL,
  delivered_at_ms BIGINT NOT NULL,
  client_id TEXT NOT NULL,
  via TEXT NOT NULL,
  reference TEXT,
  short_items INTEGER NOT NULL,
  due_by TIMESTAMPTZ NOT NULL,
  on_time BOOLEAN NOT NULL,
  record TEXT NOT NULL,
  PRIMARY KEY (order_id, delivered_at_ms)
);
CREATE INDEX delivery_register_delivered ON delivery_register (delivered_at_ms);
`;

const SCHEMA = `
CREATE TABLE rushline_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE journal (
  seq BIGINT PRIMARY KEY,
  at TIMESTAMPTZ NOT NULL,
  at_ms BIGINT NOT NULL,
  kind TEXT NOT NULL,
  call TEXT NOT NULL,
  result TEXT NOT NULL,
  written_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE TABLE snapshots (seq BIGINT PRIMARY KEY, snapshot TEXT NOT NULL);
CREATE TABLE rush_register (
  order_id TEXT NOT NULL,
  journal_seq BIGINT NOT NULL,
  requested_at TIMESTAMPTZ NOT NULL,
  requested_at_ms BIGINT NOT NULL,
  ordinal INTEGER NOT NULL,
  day DATE NOT NULL,
  client_id TEXT NOT NULL,
  tier TEXT NOT NULL,
  line TEXT NOT NULL,
  product TEXT NOT NULL,
  quantity INTEGER NOT NULL,
  units DOUBLE PRECISION NOT NULL,
  urgency TEXT,
  cause TEXT NOT NULL,
  reason TEXT,
  responsible TEXT,
  outcome TEXT NOT NULL,
  deciding_rule TEXT NOT NULL,
  deadline TIMESTAMPTZ,
  promised_by TIMESTAMPTZ NOT NULL,
  earliest_possible TIMESTAMPTZ,
  tight BOOLEAN NOT NULL,
  quota_used DOUBLE PRECISION NOT NULL,
  quota_limit DOUBLE PRECISION NOT NULL,
  recent_rushes INTEGER NOT NULL,
  reasons JSONB NOT NULL,
  at_risk JSONB NOT NULL,
  record TEXT NOT NULL,
  PRIMARY KEY (order_id, requested_at_ms, ordinal)
);
CREATE INDEX rush_register_requested ON rush_register (requested_at_ms);
CREATE TABLE rework_register (
  order_id TEXT NOT NULL,
  journal_seq BIGINT NOT NULL,
  registered_at TIMESTAMPTZ NOT NULL,
  registered_at_ms BIGINT NOT NULL,
  date DATE NOT NULL,
  line TEXT NOT NULL,
  product TEXT NOT NULL,
  client_id TEXT NOT NULL,
  cause TEXT,
  responsible TEXT,
  deadline TIMESTAMPTZ NOT NULL,
  closed_at TIMESTAMPTZ,
  record TEXT NOT NULL,
  PRIMARY KEY (order_id, registered_at_ms)
);
${DELIVERY_TABLE}`;

/**
 * Brings a store of the first schema to the second: schema 1 keyed the register tables by order
 * id alone, so an entry of an id used again replaced the older entry. An entry is keyed by its
 * order's id and its time. Schema 2 adds the delivery register.
 */
const MIGRATION_TO_2 = `${DELIVERY_TABLE}
ALTER TABLE rush_register DROP CONSTRAINT rush_register_pkey,
  ADD PRIMARY KEY (order_id, requested_at_ms);
ALTER TABLE rework_register DROP CONSTRAINT rework_register_pkey,
  ADD PRIMARY KEY (order_id, registered_at_ms);
UPDATE rushline_meta SET value = '2' WHERE key = 'schema_version';
INSERT INTO rushline_meta (key, value) SELECT 'deliveries_from', coalesce(max(s), 0)::text
  FROM (SELECT max(seq) AS s FROM journal UNION ALL SELECT max(seq) FROM snapshots
  UNION ALL SELECT max(seq) FROM checkpoints) AS latest;
`;

/**
 * Brings a store of the second schema to the third (`STORE_SCHEMA_VERSION`): the rush register's
 * key adds the entry's ordinal, so that two entries of one order in one millisecond are two
 * rows. A row of an older schema was the only one of its order at its time: ordinal 0. The
 * column is added last (a new store has it after `requested_at_ms`), and keeps no default, as in
 * a new store: every row written names its ordinal.
 */
const MIGRATION_TO_3 = `
ALTER TABLE rush_register ADD COLUMN ordinal INTEGER NOT NULL DEFAULT 0,
  DROP CONSTRAINT rush_register_pkey,
  ADD PRIMARY KEY (order_id, requested_at_ms, ordinal);
ALTER TABLE rush_register ALTER COLUMN ordinal DROP DEFAULT;
UPDATE rushline_meta SET value = '3' WHERE key = 'schema_version';
`;

/**
 * The advisory lock of a lab: two 32-bit keys, the first naming rushline, the second the lab.
 * @internal Exported for tests that play another node holding the lab's lock.
 */
export function lockKey(lab: string): number {
  let h = 0x811c9dc5;
  for (const ch of lab) {
    h ^= ch.codePointAt(0) as number;
    h = Math.imul(h, 0x01000193);
  }
  return h | 0;
}
/** @internal */
export const LOCK_SPACE = 0x52534c4e; // 'RSLN'

/**
 * What a failure of PostgreSQL or of the connection says about a store: the one place the
 * server's SQLSTATE codes (and the driver's and the network's codes) become a
 * `StoreErrorCode`. `doing` is what the store was doing: the same lost connection is
 * `write-failed` in a write and `read-failed` in a read. `undefined`: not a failure of the
 * store (a bug), to be thrown as it is.
 */
export function postgresErrorCode(error: unknown, doing: StoreDoing): StoreErrorCode | undefined {
  // Text the store holds that does not parse back (a snapshot, a journal entry).
  if (error instanceof SyntaxError) return 'corrupt';
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return undefined;
  switch (code) {
    case '25006': // read_only_sql_transaction: a read-only database, role or standby server
      return 'read-only';
    case '42501': // insufficient_privilege
    case '28000': // invalid_authorization_specification: the server's access rules refuse
    case '28P01': // invalid_password
      return 'permission';
    case '3D000': // invalid_catalog_name: no such database
      return 'not-found';
    case 'XX001': // data_corrupted
    case 'XX002': // index_corrupted
      return 'corrupt';
    case '42P01': // undefined_table
    case '42703': // undefined_column: in a read, a table not as rushline writes it
      return doing === 'reading' ? 'corrupt' : 'write-failed';
  }
  // 53100 disk_full, 53300 too_many_connections, 58030 io_error, class 08 (connection),
  // 23505 (a sequence number taken); the driver's CONNECTION_CLOSED, CONNECT_TIMEOUT; the
  // network's ECONNREFUSED, ECONNRESET…
  if (/^[0-9A-Z]{5}$/.test(code) || /^(E[A-Z]+|CONNECT\w*)$/.test(code))
    return doing === 'writing' ? 'write-failed' : 'read-failed';
  return undefined;
}

/** What each code means for a PostgreSQL store, said before the server's own words. */
const MEANING: Partial<Record<StoreErrorCode, string>> = {
  'read-only': 'cannot be written (a read-only database, role or server)',
  permission: 'this role may not use it (a privilege, or the server refused the login)',
  corrupt: 'damaged, or not as rushline writes it',
  'not-found': 'no such database',
  'write-failed': 'a write failed, and nothing of it was kept',
  'read-failed': 'a read failed',
};

/** A PostgreSQL database as a `Store`. `url` is a postgres:// connection string. */
export function postgresStore(url: string, options: PostgresStoreOptions = {}): Store {
  return new PostgresStore(url, options.pollMs ?? 200);
}

class PostgresStore implements Store {
  readonly description: string;
  readonly freshSnapshots = true;
  private sql: Sql | undefined;
  private lab = 'default';
  private writer = false;
  /** A store of an older schema opened to write: migrated when this node becomes the writer. */
  private unmigrated = false;
  /** The store's schema version, once open: below 3 only read as it is, or not yet migrated. */
  private version = STORE_SCHEMA_VERSION;
  /** Whether the store has the checkpoint tables (a store made before them, opened read-only, has not). */
  private checkpoints = false;

  constructor(
    private readonly url: string,
    private readonly pollMs: number,
  ) {
    const u = new URL(url);
    this.description = `postgres://${u.host}${u.pathname}`;
  }

  async open(options: StoreOpenOptions): Promise<OpenedStore> {
    this.lab = options.lab ?? 'default';
    const connect = await loadOptional(
      'postgres',
      `the PostgreSQL store ${this.description}`,
      async () => (await import('postgres')).default,
    );
    // One connection: the advisory lock belongs to a session, and every write must go through
    // the session that holds it.
    const sql = connect(this.url, {
      max: 1,
      onnotice: () => undefined,
      idle_timeout: 0,
      connection: { application_name: `rushline:${this.lab}` },
    }) as unknown as Sql;
    this.sql = sql;
    try {
      const tables = (
        await sql<{ name: string }[]>`
          SELECT table_name AS name FROM information_schema.tables
          WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`
      ).map((t) => t.name);
      if (tables.length > 0 && !tables.includes('rushline_meta'))
        throw new StoreError(
          'foreign-database',
          `${this.description}: a database with other tables (${tables.slice(0, 5).join(', ')}), not a rushline store; nothing was written to it`,
        );
      if (tables.length === 0) {
        if (!options.create || options.readOnly)
          throw new StoreError('not-found', `${this.description}: no rushline store here`);
        const create = options.create;
        await this.guard('writing', () =>
          sql.begin(async (tx) => {
            // Two nodes creating the store at once: the second waits here and then finds the tables.
            await tx`SELECT pg_advisory_xact_lock(${LOCK_SPACE}, 0)`;
            const again = await tx`
            SELECT 1 FROM information_schema.tables
            WHERE table_schema = current_schema() AND table_name = 'rushline_meta'`;
            if (again.length > 0) return;
            await tx.unsafe(SCHEMA);
            await tx`INSERT INTO rushline_meta ${tx([
              { key: 'schema_version', value: String(STORE_SCHEMA_VERSION) },
              { key: 'lab', value: this.lab },
              { key: 'created_at', value: new Date().toISOString() },
              { key: 'config', value: create.config },
            ])}`;
            await tx`INSERT INTO snapshots (seq, snapshot) VALUES (0, ${JSON.stringify(create.snapshot)})`;
          }),
        );
      }
      const header = checkedHeader(
        await sql<{ key: string; value: string }[]>`SELECT key, value FROM rushline_meta`,
        options.lab,
        this.description,
      );
      this.checkpoints = tables.includes('checkpoints');
      if (!this.checkpoints && !options.readOnly) {
        await this.guard('writing', () =>
          sql.begin(async (tx) => {
            await tx`SELECT pg_advisory_xact_lock(${LOCK_SPACE}, 0)`;
            await tx.unsafe(CHECKPOINT_TABLES);
          }),
        );
        this.checkpoints = true;
      }
      // A store of an older schema is migrated once this node is the lab's writer
      // (`becomeWriter`): a writer of a version before may still be writing it, its upserts
      // keyed as they were.
      this.version = header.schemaVersion;
      this.unmigrated = header.schemaVersion < STORE_SCHEMA_VERSION && !options.readOnly;
      // The state and the journal after it as of one moment: a writer may compact in between.
      const { state, tail } = await this.consistent((tx) => this.stateAndTail(tx, 'DESC'));
      return { header, snapshot: state, tail };
    } catch (e) {
      await this.close();
      throw this.failure(e, 'reading');
    }
  }

  /**
   * Resolves once this node holds the lab's writer lock. Until then it follows the journal:
   * every entry committed after `after` is handed to `follow`, in order, including the last
   * ones read after the lock is taken.
   */
  async becomeWriter(
    after: number,
    follow: (entries: JournalEntry[], from?: { seq: number; snapshot: Snapshot }) => void,
    onStandby?: () => void,
  ): Promise<void> {
    const sql = this.open_();
    let seq = after;
    let told = false;
    for (;;) {
      const [row] = await this.guard(
        'reading',
        () => sql<{ got: boolean }[]>`
          SELECT pg_try_advisory_lock(${LOCK_SPACE}, ${lockKey(this.lab)}) AS got`,
      );
      // The entries after `seq`; or, when the writer compacted some of them, its latest
      // checkpoint and the entries after that.
      const next = await this.consistent(async (tx) => {
        const entries = await this.journalIn(tx, seq);
        if (entries[0]?.seq === seq + 1 || !this.checkpoints) return { entries };
        const [point] = await tx<{ seq: number }[]>`
          SELECT seq::float8 AS seq FROM checkpoints ORDER BY seq DESC LIMIT 1`;
        if (point === undefined || point.seq <= seq) return { entries };
        const { state, tail } = await this.stateAndTail(tx, 'DESC');
        return { entries: tail, from: state };
      });
      if (next.from) {
        follow(next.entries, next.from);
        seq = next.entries.at(-1)?.seq ?? next.from.seq;
      } else if (next.entries.length > 0) {
        follow(next.entries);
        seq = (next.entries.at(-1) as JournalEntry).seq;
      }
      if (row?.got) {
        if (this.unmigrated) await this.migrate(sql);
        this.writer = true;
        return;
      }
      if (!told) {
        told = true;
        onStandby?.();
      }
      await new Promise((r) => setTimeout(r, this.pollMs));
    }
  }

  async append(entry: JournalEntry, rows: RegisterRows): Promise<void> {
    const text = entryText(entry);
    await this.fenced(async (tx) => {
      await tx`
        INSERT INTO journal (seq, at, at_ms, kind, call, result)
        VALUES (${entry.seq}, ${iso(entry.call.at)}, ${entry.call.at}, ${entry.call.kind}, ${text.call}, ${text.result})`;
      for (const [i, r] of rows.rush.entries())
        await upsertRush(tx, r, entry.seq, rushOrdinal(rows, i));
      for (const r of rows.rework) await upsertRework(tx, r, entry.seq);
      for (const r of rows.delivery ?? []) await upsertDelivery(tx, r, entry.seq);
      for (const x of rows.settled ?? [])
        await tx`
          INSERT INTO explanations (order_id, journal_seq, client_id, line, status, explanation)
          VALUES (${x.orderId}, ${entry.seq}, ${x.order.clientId}, ${x.line}, ${x.status}, ${JSON.stringify(x)})
          ON CONFLICT (order_id) DO UPDATE SET journal_seq = excluded.journal_seq,
            status = excluded.status, explanation = excluded.explanation`;
    });
  }

  async queryRegister<K extends RegisterKind>(
    kind: K,
    query: RegisterQuery,
  ): Promise<{ entries: RegisterEntry<K>[]; ordinals: number[]; more: boolean }> {
    const sql = this.open_();
    const { sql: text, params } = registerSql(kind, query, 'postgres', this.version);
    return this.guard('reading', async () => {
      // A store of schema 1, read as it is, has no delivery register: none to page.
      if (kind === 'delivery' && !(await this.hasDeliveryRegister(sql)))
        return { entries: [], ordinals: [], more: false };
      const rows = (await sql.unsafe(text, params as never[])) as unknown as {
        record: string;
        ordinal: number;
      }[];
      const page = rows.slice(0, query.limit);
      return {
        entries: page.map((r) => JSON.parse(r.record) as RegisterEntry<K>),
        ordinals: page.map((r) => r.ordinal),
        more: rows.length > query.limit,
      };
    });
  }

  /** Whether the store has the delivery register: a store of schema 1 opened read-only has not. */
  private async hasDeliveryRegister(sql: Sql): Promise<boolean> {
    const [row] = await sql<{ t: string | null }[]>`SELECT to_regclass('delivery_register') AS t`;
    return Boolean(row?.t);
  }

  async readExplanation(orderId: string): Promise<Explanation | undefined> {
    const sql = this.open_();
    if (!this.checkpoints) return undefined;
    return this.guard('reading', async () => {
      const [row] = await sql<{ explanation: string }[]>`
        SELECT explanation FROM explanations WHERE order_id = ${orderId}`;
      return row === undefined ? undefined : (JSON.parse(row.explanation) as Explanation);
    });
  }

  async saveSnapshot(seq: number, snapshot: Snapshot): Promise<void> {
    const text = JSON.stringify(snapshot);
    // Fenced like an append: a deposed writer's snapshot would replace the new writer's (the
    // DELETE below drops every other one), and a node that never wrote has none to save.
    await this.fenced(async (tx) => {
      await tx`INSERT INTO snapshots (seq, snapshot) VALUES (${seq}, ${text})
               ON CONFLICT (seq) DO UPDATE SET snapshot = excluded.snapshot`;
      await tx`DELETE FROM snapshots WHERE seq <> 0 AND seq <> ${seq}`;
    });
  }

  /** Brings a store of schema 1 or 2 to this one (`MIGRATION_TO_2`, `MIGRATION_TO_3`), in one transaction. */
  private async migrate(sql: Sql): Promise<void> {
    await this.guard('writing', () =>
      sql.begin(async (tx) => {
        await tx`SELECT pg_advisory_xact_lock(${LOCK_SPACE}, 0)`;
        // Another node may have migrated it meanwhile.
        const [row] = await tx<{ value: string }[]>`
          SELECT value FROM rushline_meta WHERE key = 'schema_version'`;
        const version = Number(row?.value);
        if (version < 2) await tx.unsafe(MIGRATION_TO_2);
        if (version < 3) await tx.unsafe(MIGRATION_TO_3);
      }),
    );
    this.unmigrated = false;
    this.version = STORE_SCHEMA_VERSION;
  }

  /**
   * Runs a write in one transaction that first checks that this node is the lab's writer and
   * that this very session still holds the writer lock. Either refusal is `write-failed`, and
   * nothing is written.
   */
  private async fenced(write: (tx: postgres.TransactionSql) => Promise<void>): Promise<void> {
    const sql = this.open_();
    if (!this.writer)
      throw new StoreError(
        'write-failed',
        `${this.description}: this node is not the lab's writer`,
      );
    try {
      await sql.begin(async (tx) => {
        const [held] = await tx<{ held: boolean }[]>`
          SELECT EXISTS (
            SELECT 1 FROM pg_locks
            WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND granted
              AND classid = (${LOCK_SPACE}::bigint & 4294967295)::oid
              AND objid = (${lockKey(this.lab)}::bigint & 4294967295)::oid
              AND objsubid = 2
          ) AS held`;
        if (!held?.held)
          throw new StoreError(
            'write-failed',
            `${this.description}: this session no longer holds the lab's writer lock (the connection was lost); another node may be the writer now`,
          );
        await write(tx);
      });
    } catch (e) {
      throw this.failure(e, 'writing');
    }
  }

  async saveCheckpointPart(seq: number, part: number, text: string): Promise<void> {
    await this.fenced(async (tx) => {
      await tx`INSERT INTO checkpoint_parts (seq, part, text) VALUES (${seq}, ${part}, ${text})
               ON CONFLICT (seq, part) DO UPDATE SET text = excluded.text`;
    });
  }

  async commitCheckpoint(seq: number, parts: number): Promise<void> {
    await this.fenced(async (tx) => {
      const [row] = await tx<{ n: number }[]>`
        SELECT count(*)::int AS n FROM checkpoint_parts WHERE seq = ${seq}`;
      if (row?.n !== parts)
        throw new StoreError(
          'write-failed',
          `${this.description}: the checkpoint at journal entry ${seq} has ${row?.n} of its ${parts} parts written`,
        );
      await tx`INSERT INTO checkpoints (seq, parts) VALUES (${seq}, ${parts})
               ON CONFLICT (seq) DO UPDATE SET parts = excluded.parts`;
      // Compaction: what opening no longer reads. The checkpoint holds everything before it.
      await tx`DELETE FROM checkpoints WHERE seq <> ${seq}`;
      await tx`DELETE FROM checkpoint_parts WHERE seq <> ${seq}`;
      await tx`DELETE FROM snapshots`;
      await tx`DELETE FROM journal WHERE seq <= ${seq}`;
    });
  }

  async readHistory(): Promise<{ seq: number; snapshot: Snapshot; journal: JournalEntry[] }> {
    const { state, tail } = await this.consistent((tx) => this.stateAndTail(tx, 'ASC'));
    return { ...state, journal: tail };
  }

  /** Runs reads in one snapshot of the database: a writer's compaction is seen whole or not at all. */
  private async consistent<T>(read: (tx: postgres.TransactionSql) => Promise<T>): Promise<T> {
    const sql = this.open_();
    return this.guard('reading', () =>
      sql.begin('isolation level repeatable read read only', read),
    ) as Promise<T>;
  }

  /**
   * The latest (`DESC`) or oldest (`ASC`) state held, a whole snapshot or a committed
   * checkpoint, and the journal after it.
   */
  private async stateAndTail(
    tx: postgres.TransactionSql,
    order: 'ASC' | 'DESC',
  ): Promise<{ state: { seq: number; snapshot: Snapshot }; tail: JournalEntry[] }> {
    const dir = tx.unsafe(order);
    const [snap] = await tx<{ seq: number; snapshot: string }[]>`
      SELECT seq::float8 AS seq, snapshot FROM snapshots ORDER BY seq ${dir} LIMIT 1`;
    const [point] = this.checkpoints
      ? await tx<{ seq: number; parts: number }[]>`
          SELECT seq::float8 AS seq, parts FROM checkpoints ORDER BY seq ${dir} LIMIT 1`
      : [];
    let state: { seq: number; snapshot: Snapshot };
    if (
      point !== undefined &&
      (snap === undefined || (order === 'DESC' ? point.seq > snap.seq : point.seq < snap.seq))
    ) {
      const parts = await tx<{ text: string }[]>`
        SELECT text FROM checkpoint_parts WHERE seq = ${point.seq} ORDER BY part`;
      if (parts.length !== point.parts)
        throw new StoreError(
          'corrupt',
          `${this.description}: the checkpoint at journal entry ${point.seq} has ${parts.length} of its ${point.parts} parts`,
        );
      state = { seq: point.seq, snapshot: snapshotFromParts(parts.map((p) => p.text)) };
    } else if (snap) {
      state = { seq: snap.seq, snapshot: JSON.parse(snap.snapshot) as Snapshot };
    } else throw new StoreError('corrupt', `${this.description}: the store holds no snapshot`);
    return { state, tail: await this.journalIn(tx, state.seq) };
  }

  async readRegisters(since?: number): Promise<RegisterRows> {
    const sql = this.open_();
    const from = since ?? Number.MIN_SAFE_INTEGER;
    return this.guard('reading', async () => {
      const ordinal = sql.unsafe(this.version >= 3 ? 'ordinal' : '0 AS ordinal');
      const rush = await sql<{ record: string; ordinal: number }[]>`
        SELECT record, ${ordinal} FROM rush_register WHERE requested_at_ms >= ${from}
        ORDER BY journal_seq, requested_at_ms, order_id, ordinal`;
      const rework = await sql<{ record: string }[]>`
        SELECT record FROM rework_register WHERE registered_at_ms >= ${from}
        ORDER BY registered_at_ms, journal_seq, order_id`;
      const out: RegisterRows = {
        rush: rush.map((r) => JSON.parse(r.record) as RushRecord),
        rushOrdinals: rush.map((r) => r.ordinal),
        rework: rework.map((r) => JSON.parse(r.record) as ReworkRecord),
      };
      // A store of schema 1, read as it is, has no delivery register.
      if (!(await this.hasDeliveryRegister(sql))) return out;
      const delivery = await sql<{ record: string }[]>`
        SELECT record FROM delivery_register WHERE delivered_at_ms >= ${from}
        ORDER BY delivered_at_ms, journal_seq, order_id`;
      out.delivery = delivery.map((r) => JSON.parse(r.record) as DeliveryRecord);
      const [migrated] = await sql<{ value: string }[]>`
        SELECT value FROM rushline_meta WHERE key = 'deliveries_from'`;
      if (migrated) out.deliveriesFrom = Number(migrated.value);
      return out;
    });
  }

  async close(): Promise<void> {
    const sql = this.sql;
    this.sql = undefined;
    this.writer = false;
    // Ending the session releases the advisory lock.
    if (sql) await sql.end({ timeout: 1 });
  }

  private open_(): Sql {
    if (!this.sql) throw new StoreError('closed', `${this.description}: the store is not open`);
    return this.sql;
  }

  private async journalIn(tx: postgres.TransactionSql, after: number): Promise<JournalEntry[]> {
    const rows = await tx<{ seq: number; call: string; result: string }[]>`
      SELECT seq::float8 AS seq, call, result FROM journal WHERE seq > ${after} ORDER BY seq`;
    return rows.map(entryFrom);
  }

  /** Runs a read (or a write), turning a failure into a `StoreError` naming the store. */
  private async guard<T>(doing: StoreDoing, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      throw this.failure(e, doing);
    }
  }

  /** A failure as a `StoreError` (`postgresErrorCode`); a bug, or a `StoreError` already, as it is. */
  private failure(e: unknown, doing: StoreDoing): unknown {
    return storeFailure(this.description, e, doing, postgresErrorCode, MEANING);
  }
}

function upsertRush(tx: postgres.TransactionSql, r: RushRecord, seq: number, ordinal: number) {
  const row = {
    ...rushRow(r, seq, ordinal),
    // JSON values, so that the columns hold arrays a query can open (reasons->0->>'rule').
    reasons: tx.json(r.reasons as unknown as postgres.JSONValue),
    at_risk: tx.json(r.atRisk),
  };
  return tx`INSERT INTO rush_register ${tx(row)}
    ON CONFLICT (order_id, requested_at_ms, ordinal) DO UPDATE SET record = excluded.record, outcome = excluded.outcome`;
}

function upsertDelivery(tx: postgres.TransactionSql, r: DeliveryRecord, seq: number) {
  return tx`INSERT INTO delivery_register ${tx(deliveryRow(r, seq))}
    ON CONFLICT (order_id, delivered_at_ms) DO UPDATE SET record = excluded.record`;
}

function upsertRework(tx: postgres.TransactionSql, r: ReworkRecord, seq: number) {
  return tx`INSERT INTO rework_register ${tx(reworkRow(r, seq))}
    ON CONFLICT (order_id, registered_at_ms) DO UPDATE SET closed_at = excluded.closed_at, record = excluded.record`;
}
