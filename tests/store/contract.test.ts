/**
 * The Store contract (tests/support/store-contract.ts) on every store rushline ships: in memory,
 * SQLite, and PostgreSQL when RUSHLINE_PG_URL names a server (each place a fresh database).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import postgres from 'postgres';
import { afterAll } from 'vitest';
import { memoryStore, postgresStore, sqliteStore } from '../../src/index.js';
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

const ADMIN = process.env.RUSHLINE_PG_URL;
const admin = ADMIN ? postgres(ADMIN, { max: 1, onnotice: () => undefined }) : undefined;
const made: string[] = [];

/** A fresh, empty database on the server; dropped after the tests. */
async function freshDatabase(): Promise<string> {
  const name = `rushline_contract_${randomBytes(6).toString('hex')}`;
  await admin?.unsafe(`CREATE DATABASE ${name}`);
  made.push(name);
  const url = new URL(ADMIN as string);
  url.pathname = `/${name}`;
  return url.toString();
}

afterAll(async () => {
  for (const name of made) await admin?.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin?.end();
});

storeContract({
  name: 'postgresStore',
  skip: !ADMIN,
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
