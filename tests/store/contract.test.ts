/**
 * The Store contract (tests/support/store-contract.ts) on every store rushline ships: in memory,
 * SQLite, and PostgreSQL when RUSHLINE_PG_URL names a server (each place a fresh database).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import postgres from 'postgres';
import { memoryStore, postgresStore, sqliteStore } from '../../src/index.js';
import { PG_URL, pgDatabases } from '../support/pg.js';
import { storeContract } from '../support/store-contract.js';

storeContract({
  name: 'memoryStore',
  fresh: async () => {
    const store = memoryStore();
    return { store, again: () => store };
  },
});

const tempFile = (name = 'lab.db') => join(mkdtempSync(join(tmpdir(), 'rushline-contract-')), name);

storeContract({
  name: 'sqliteStore',
  shared: true,
  fresh: async () => {
    const file = tempFile();
    return {
      store: sqliteStore(file),
      again: () => sqliteStore(file),
      another: () => sqliteStore(file),
    };
  },
  foreign: async () => {
    const file = tempFile('accounts.db');
    const db = new Database(file);
    db.exec('CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)');
    db.close();
    return sqliteStore(file);
  },
});

/** A fresh, empty database on the server; dropped after the tests. */
const freshDatabase = pgDatabases('rushline_contract').fresh;

storeContract({
  name: 'postgresStore',
  skip: !PG_URL,
  shared: true,
  fresh: async () => {
    const url = await freshDatabase();
    return {
      store: postgresStore(url),
      again: () => postgresStore(url),
      another: () => postgresStore(url),
    };
  },
  foreign: async () => {
    const url = await freshDatabase();
    const sql = postgres(url, { max: 1, onnotice: () => undefined });
    await sql`CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)`;
    await sql.end();
    return postgresStore(url);
  },
});
