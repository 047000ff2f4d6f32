/**
 * A store written at schema 1 (register tables keyed by order id alone, no delivery register) or
 * 2 (keyed by order id and time, with a delivery register) is brought to schema 3 (the rush
 * register's key adds an ordinal) on its first writable open, with its rows as they were;
 * read-only, it is read as it is. After the migration, an id used again is an entry of its own,
 * hand-overs are written, and a rush released in the millisecond it was held is a second row.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import postgres from 'postgres';
import { describe, expect, test } from 'vitest';
import {
  type DurableScheduler,
  openScheduler,
  postgresStore,
  type RushRecord,
  type Store,
  sqliteStore,
  verifyReplay,
} from '../../src/index.js';
import { LOCK_SPACE, lockKey } from '../../src/store/postgres.js';
import { closedAfterEach } from '../support/closing.js';
import { busyLab } from '../support/labs.js';
import { order, T } from '../support/orders.js';
import { PG_URL, pgDatabases } from '../support/pg.js';

const open = closedAfterEach();

/** The register tables' primary keys at schema 3: rush, rework, delivery. */
const SCHEMA_3_KEYS = [
  ['order_id', 'requested_at_ms', 'ordinal'],
  ['order_id', 'registered_at_ms'],
  ['order_id', 'delivered_at_ms'],
];
const lab = { ...busyLab, retention: 0 };
const rush = order({ id: 'again', rush: { urgency: 'same-day' } });
const rework = order({ id: 'redo', rush: { cause: 'rework', reason: 'scratched' } });

/**
 * A rush and a rework decided and finished (one entry in each register), and the rush handed
 * over: a hand-over schema 1 kept in the journal only.
 */
async function firstDay(s: DurableScheduler): Promise<void> {
  await s.submitBatch([rush, rework], T('09:00'));
  for (const [i, id] of ['redo', 'again'].entries()) {
    await s.next('print', T('09:10') + i * 60_000);
    await s.complete(id, T('09:10') + i * 60_000 + 30_000);
  }
  await s.deliver('again', { via: 'pickup' }, T('09:11') + 30_000);
}

interface Place {
  store(): Store;
  /** The PostgreSQL database's URL. */
  url?: string;
  /** Rewrites the store's tables as schema 2 made them. */
  toSchema2(): Promise<void>;
  /** Rewrites the store's tables as schema 1 made them. */
  toSchema1(): Promise<void>;
  /** The schema version and the register tables' primary key columns, as the database says. */
  schema(): Promise<{ version: string; keys: string[][] }>;
}

async function sqlitePlace(): Promise<Place> {
  const file = join(mkdtempSync(join(tmpdir(), 'rushline-migration-')), 'lab.db');
  const tables = ['rush_register', 'rework_register', 'delivery_register'];
  const toSchema2 = async () => {
    const db = new Database(file);
    db.transaction(() => {
      const t = 'rush_register';
      const { sql } = db.prepare('SELECT sql FROM sqlite_master WHERE name = ?').get(t) as {
        sql: string;
      };
      const v2 = sql
        .replace(t, `${t}_v2`)
        .replace(/\s*ordinal INTEGER NOT NULL,/, '')
        .replace(', ordinal)', ')');
      expect(v2).not.toContain('ordinal');
      const columns = (db.prepare(`PRAGMA table_info(${t})`).all() as { name: string }[])
        .map((c) => c.name)
        .filter((c) => c !== 'ordinal')
        .join(', ');
      db.exec(`${v2}; INSERT INTO ${t}_v2 (${columns}) SELECT ${columns} FROM ${t};
        DROP TABLE ${t}; ALTER TABLE ${t}_v2 RENAME TO ${t};
        CREATE INDEX rush_register_requested ON ${t} (requested_at_ms);
        UPDATE rushline_meta SET value = '2' WHERE key = 'schema_version'`);
    })();
    db.close();
  };
  return {
    store: () => sqliteStore(file),
    toSchema2,
    async toSchema1() {
      await toSchema2();
      const db = new Database(file);
      db.transaction(() => {
        for (const t of tables.slice(0, 2)) {
          const { sql } = db.prepare('SELECT sql FROM sqlite_master WHERE name = ?').get(t) as {
            sql: string;
          };
          const v1 = sql
            .replace(t, `${t}_v1`)
            .replace('order_id TEXT NOT NULL', 'order_id TEXT PRIMARY KEY')
            .replace(/,\s*PRIMARY KEY \([^)]*\)\s*\)$/, '\n)');
          expect(v1).not.toContain('(order_id,');
          db.exec(`${v1}; INSERT INTO ${t}_v1 SELECT * FROM ${t}; DROP TABLE ${t};
            ALTER TABLE ${t}_v1 RENAME TO ${t}`);
        }
        // As the first stores were: no checkpoint tables either (issue 19 added them).
        db.exec(`DROP TABLE delivery_register; DROP TABLE checkpoints; DROP TABLE checkpoint_parts;
          DROP TABLE explanations;
          UPDATE rushline_meta SET value = '1' WHERE key = 'schema_version'`);
      })();
      db.close();
    },
    async schema() {
      const db = new Database(file, { readonly: true });
      try {
        const { value } = db
          .prepare("SELECT value FROM rushline_meta WHERE key = 'schema_version'")
          .get() as { value: string };
        const keys = tables.map((t) =>
          (db.prepare(`PRAGMA table_info(${t})`).all() as { name: string; pk: number }[])
            .filter((c) => c.pk > 0)
            .sort((a, b) => a.pk - b.pk)
            .map((c) => c.name),
        );
        return { version: value, keys };
      } finally {
        db.close();
      }
    },
  };
}

const freshDatabase = pgDatabases('rushline_migration').fresh;

async function postgresPlace(): Promise<Place> {
  const url = await freshDatabase();
  const sql = () => postgres(url, { max: 1, onnotice: () => undefined });
  const toSchema2 = async () => {
    const db = sql();
    // Dropping the column drops the key it is in.
    await db.unsafe(`
      ALTER TABLE rush_register DROP COLUMN ordinal;
      ALTER TABLE rush_register ADD PRIMARY KEY (order_id, requested_at_ms);
      UPDATE rushline_meta SET value = '2' WHERE key = 'schema_version';`);
    await db.end();
  };
  return {
    url,
    store: () => postgresStore(url),
    toSchema2,
    async toSchema1() {
      await toSchema2();
      const db = sql();
      await db.unsafe(`
        ALTER TABLE rush_register DROP CONSTRAINT rush_register_pkey, ADD PRIMARY KEY (order_id);
        ALTER TABLE rework_register DROP CONSTRAINT rework_register_pkey, ADD PRIMARY KEY (order_id);
        DROP TABLE delivery_register;
        DROP TABLE checkpoints; DROP TABLE checkpoint_parts; DROP TABLE explanations;
        UPDATE rushline_meta SET value = '1' WHERE key = 'schema_version';`);
      await db.end();
    },
    async schema() {
      const db = sql();
      try {
        const [meta] = await db<{ value: string }[]>`
          SELECT value FROM rushline_meta WHERE key = 'schema_version'`;
        const keys: string[][] = [];
        for (const t of ['rush_register', 'rework_register', 'delivery_register']) {
          const rows = await db<{ column_name: string }[]>`
            SELECT k.column_name FROM information_schema.table_constraints c
            JOIN information_schema.key_column_usage k USING (constraint_schema, constraint_name)
            WHERE c.table_name = ${t} AND c.constraint_type = 'PRIMARY KEY'
            ORDER BY k.ordinal_position`;
          keys.push(rows.map((r) => r.column_name));
        }
        return { version: meta?.value as string, keys };
      } finally {
        await db.end();
      }
    },
  };
}

describe.each([
  ['SQLite', sqlitePlace, false],
  ['PostgreSQL', postgresPlace, !PG_URL],
] as const)('a schema-1 store (%s)', (_, place, skip) => {
  test.skipIf(skip)(
    'is read as it is read-only, and migrated with its rows on its first writable open',
    async () => {
      const p = await place();
      const first = await openScheduler({ store: p.store(), config: lab });
      await firstDay(first);
      await first.close();
      await p.toSchema1();
      expect(await p.schema()).toEqual({
        version: '1',
        keys: [['order_id'], ['order_id'], []],
      });

      const reader = p.store();
      const opened = await reader.open({ readOnly: true });
      expect(opened.header.schemaVersion).toBe(1);
      const before = await reader.readRegisters();
      expect(before.rush.map((r) => r.orderId).sort()).toEqual(['again', 'redo']);
      expect(before.rework.map((r) => r.orderId)).toEqual(['redo']);
      expect(before.delivery).toBeUndefined();
      expect(await verifyReplay(reader)).toMatchObject({ ok: true, registerProblems: [] });
      expect(await reader.queryRegister?.('delivery', { limit: 10 })).toEqual({
        entries: [],
        ordinals: [],
        more: false,
      });
      await reader.close();
      expect((await p.schema()).version).toBe('1');

      const s = await openScheduler({ store: p.store() });
      open.push(s);
      expect(await p.schema()).toEqual({ version: '3', keys: SCHEMA_3_KEYS });
      const rushes = async () => (await s.queryRegister('rush', { limit: 10 })).entries;
      const reworks = async () => (await s.queryRegister('rework', { limit: 10 })).entries;
      expect({ rush: await rushes(), rework: await reworks() }).toEqual({
        rush: [...before.rush].sort((a, b) => (a.orderId < b.orderId ? -1 : 1)),
        rework: before.rework,
      });

      // The ids come again once their orders left memory: the earlier entries stay.
      await s.next('print', T('10:00'));
      await s.submitBatch([rush, rework], T('10:01'));
      expect((await rushes()).map((r) => [r.orderId, r.requestedAt])).toEqual([
        ['again', T('09:00')],
        ['redo', T('09:00')],
        ['again', T('10:01')],
        ['redo', T('10:01')],
      ]);
      expect((await reworks()).map((r) => [r.orderId, r.registeredAt])).toEqual([
        ['redo', T('09:00')],
        ['redo', T('10:01')],
      ]);
      // Hand-overs are written from now on; the one before stays in the journal, and the
      // replay check knows from where the table holds them (six entries before).
      await s.next('print', T('10:02'));
      await s.complete('redo', T('10:03'));
      await s.deliver('redo', { via: 'pickup' }, T('10:03'));
      expect((await s.queryRegister('delivery')).entries).toMatchObject([
        { orderId: 'redo', deliveredAt: T('10:03') },
      ]);
      await s.close();
      const checked = p.store();
      await checked.open({ readOnly: true });
      expect((await checked.readRegisters()).deliveriesFrom).toBe(6);
      expect(await verifyReplay(checked)).toMatchObject({ ok: true, registerProblems: [] });
      await checked.close();
    },
  );
});

test.skipIf(!PG_URL)(
  'on PostgreSQL, a node of this version migrates a schema-1 store only once it is the writer',
  async () => {
    const p = await postgresPlace();
    const first = await openScheduler({ store: p.store(), config: lab });
    await firstDay(first);
    await first.close();
    await p.toSchema1();
    // A writer of the version before: its session holds the lab's lock, and its upserts need
    // the tables keyed as schema 1 keys them.
    const before = postgres(p.url as string, { max: 1, onnotice: () => undefined });
    await before`SELECT pg_advisory_lock(${LOCK_SPACE}, ${lockKey('default')})`;
    let standing = false;
    const node = openScheduler({
      store: postgresStore(p.url as string, { pollMs: 20 }),
      onStandby: () => {
        standing = true;
      },
    });
    await expect.poll(() => standing).toBe(true);
    expect((await p.schema()).version).toBe('1');
    // The writer of the version before stops: this node takes over, and migrates.
    await before.end();
    const s = await node;
    open.push(s);
    expect((await p.schema()).version).toBe('3');
    expect((await s.queryRegister('rush')).entries.map((r) => r.orderId).sort()).toEqual([
      'again',
      'redo',
    ]);
  },
);

describe.each([
  ['SQLite', sqlitePlace, false],
  ['PostgreSQL', postgresPlace, !PG_URL],
] as const)('a schema-2 store (%s)', (_, place, skip) => {
  test.skipIf(skip)(
    'is read as it is read-only, and migrated with its rows, each ordinal 0, on its first writable open',
    async () => {
      const p = await place();
      const first = await openScheduler({ store: p.store(), config: busyLab });
      await first.submit(order({ id: 'a', rush: { urgency: 'same-day' } }), T('09:00'));
      await first.submit(order({ id: 'b', rush: { urgency: 'next-day' } }), T('09:00'));
      await first.submit(order({ id: 'c', rush: { cause: 'rework', reason: 'torn' } }), T('09:01'));
      await first.hold('a', T('09:02'));
      const register = first.rushRegister();
      await first.close();
      await p.toSchema2();
      expect(await p.schema()).toEqual({
        version: '2',
        keys: [['order_id', 'requested_at_ms'], ...SCHEMA_3_KEYS.slice(1)],
      });

      // Read-only, as it is: every entry of ordinal 0, pages of one each after the last.
      const reader = p.store();
      expect((await reader.open({ readOnly: true })).header.schemaVersion).toBe(2);
      const before = await reader.readRegisters();
      expect(before.rushOrdinals).toEqual([0, 0, 0]);
      const paged: string[] = [];
      let after: { at: number; orderId: string; ordinal: number } | undefined;
      for (;;) {
        const page = await (reader as Required<Store>).queryRegister('rush', {
          limit: 1,
          ...(after ? { after } : {}),
        });
        const last = page.entries[0] as RushRecord;
        paged.push(last.orderId);
        if (!page.more) break;
        after = { at: last.requestedAt, orderId: last.orderId, ordinal: page.ordinals?.[0] ?? 0 };
      }
      expect(paged).toEqual(['a', 'b', 'c']);
      expect(await verifyReplay(reader)).toMatchObject({ ok: true, registerProblems: [] });
      await reader.close();
      expect((await p.schema()).version).toBe('2');

      // Migrated on the first writable open: the rows as they were, a cursor of the version
      // before still taken, and a rush released in the millisecond of its hold is a row of its own.
      const s = await openScheduler({ store: p.store() });
      open.push(s);
      expect(await p.schema()).toEqual({ version: '3', keys: SCHEMA_3_KEYS });
      const rushes = async () => (await s.queryRegister('rush', { limit: 10 })).entries;
      expect(await rushes()).toEqual(register);
      expect(
        (await s.queryRegister('rush', { after: `${T('09:00')}:a` })).entries.map((r) => r.orderId),
      ).toEqual(['b', 'c']);
      await s.submit(order({ id: 'd', rush: { urgency: 'same-day' } }), T('09:03'));
      await s.hold('d', T('09:03'));
      await s.release('d', T('09:03'));
      expect(s.rushRegister().filter((r) => r.orderId === 'd')).toHaveLength(2);
      expect(await rushes()).toEqual(s.rushRegister());
      await s.close();
      const checked = p.store();
      await checked.open({ readOnly: true });
      expect((await checked.readRegisters()).rushOrdinals).toEqual([0, 0, 0, 0, 1]);
      expect(await verifyReplay(checked)).toMatchObject({ ok: true, registerProblems: [] });
      await checked.close();
    },
  );
});
