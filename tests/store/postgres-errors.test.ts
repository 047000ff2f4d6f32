/**
 * The PostgreSQL store's failures say what happened (issue 16, case 6), each from a real server
 * refusing: a read-only database (25006) is `read-only`, a privilege revoked (42501) or a
 * refused login (28P01) is `permission`, a database that does not exist (3D000) is
 * `not-found`, a server that is not there is `read-failed` on opening. Each names the store.
 */
import { type AddressInfo, createServer } from 'node:net';
import postgres from 'postgres';
import { describe, expect, test } from 'vitest';
import {
  createScheduler,
  type JournalEntry,
  postgresStore,
  type Store,
  StoreError,
  type StoreOpenOptions,
} from '../../src/index.js';
import { order, T } from '../support/orders.js';
import { PG_URL, pgDatabases } from '../support/pg.js';

const freshDatabase = pgDatabases('rushline_errors').fresh;

const create = (): StoreOpenOptions => ({
  lab: 'errors',
  create: { config: '{}', snapshot: createScheduler().snapshot() },
});

const entry: JournalEntry = {
  seq: 1,
  call: { kind: 'submit', at: T('09:00'), order: order({ id: 'e1' }) },
  result: { orderId: 'e1' },
};

/** The StoreError a promise rejects with; its message names the store. */
async function refusal(store: Store, p: Promise<unknown>): Promise<StoreError> {
  const e = await p.then(
    () => undefined,
    (error: unknown) => error,
  );
  await store.close();
  expect(e).toBeInstanceOf(StoreError);
  expect((e as StoreError).message).toContain(store.description);
  return e as StoreError;
}

/** Runs SQL on a database as the test role, on a connection of its own. */
async function onDatabase(url: string, text: string) {
  const sql = postgres(url, { max: 1, onnotice: () => undefined });
  try {
    await sql.unsafe(text);
  } finally {
    await sql.end();
  }
}

const databaseName = (url: string) => new URL(url).pathname.slice(1);

describe.skipIf(!PG_URL)('PostgreSQL store: what each refusal is', () => {
  test('a read-only database is read-only, on creating the store and on appending to it', async () => {
    const url = await freshDatabase();
    await onDatabase(
      url,
      `ALTER DATABASE ${databaseName(url)} SET default_transaction_read_only = on`,
    );
    const store = postgresStore(url);
    const e = await refusal(store, store.open(create()));
    expect(e.code).toBe('read-only');
    expect((e.cause as { code?: string }).code).toBe('25006');

    // A store made before the database became read-only: it opens and reads, and a write is refused.
    const later = await freshDatabase();
    const writer = postgresStore(later);
    await writer.open(create());
    await writer.close();
    await onDatabase(
      later,
      `ALTER DATABASE ${databaseName(later)} SET default_transaction_read_only = on`,
    );
    const again = postgresStore(later);
    const opened = await again.open({ lab: 'errors' });
    await again.becomeWriter?.(opened.snapshot.seq, () => undefined);
    expect((await refusal(again, again.append(entry, { rush: [], rework: [] }))).code).toBe(
      'read-only',
    );
  });

  test('a privilege taken away is permission, for a write and for a read', async () => {
    const url = await freshDatabase();
    const store = postgresStore(url);
    const opened = await store.open(create());
    await store.becomeWriter?.(opened.snapshot.seq, () => undefined);
    // The owner gives up its own rights on two tables, as a lab's DBA would for a role.
    await onDatabase(
      url,
      'REVOKE INSERT ON journal FROM CURRENT_USER; REVOKE SELECT ON rework_register FROM CURRENT_USER',
    );
    const write = await store.append(entry, { rush: [], rework: [] }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(write).toMatchObject({ code: 'permission' });
    expect((write as StoreError).message).toMatch(
      /this role may not use it .*: permission denied for table journal/,
    );
    const read = await refusal(store, store.readRegisters());
    expect(read.code).toBe('permission');
    expect((read.cause as { code?: string }).code).toBe('42501');
  });

  test('a refused login is permission; a database that is not there, not-found; no server, read-failed', async () => {
    const url = new URL(PG_URL as string);
    url.password = 'not-the-password';
    const wrongPassword = postgresStore(url.toString());
    expect((await refusal(wrongPassword, wrongPassword.open(create()))).code).toBe('permission');

    const missing = new URL(PG_URL as string);
    missing.pathname = '/rushline_no_such_database';
    const nowhere = postgresStore(missing.toString());
    expect((await refusal(nowhere, nowhere.open(create()))).code).toBe('not-found');

    // A port nothing listens on: one the system just gave out and took back.
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    const closed = new URL(PG_URL as string);
    closed.hostname = '127.0.0.1';
    closed.port = String(port);
    const absent = postgresStore(closed.toString());
    expect((await refusal(absent, absent.open(create()))).code).toBe('read-failed');
  });
});
