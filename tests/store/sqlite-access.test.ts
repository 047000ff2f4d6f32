/**
 * A SQLite store on a file or directory this user may only read, or not even read (issue 16,
 * case 6): the error says which (`read-only`, `permission`), on opening and before anything is
 * written; the read-only commands read a store they cannot write; nothing changes on disk.
 *
 * File permissions do not stop root, and the tests may run as root: then the store is used
 * from a child process that is root without the capabilities that bypass file permissions
 * (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, dropped by util-linux's `setpriv`), so that the kernel
 * itself refuses, as it would refuse the lab's service account. It stays the owner of the
 * checkout, so it can read the project wherever the checkout lies (a child as another user,
 * such as `nobody`, cannot enter a checkout in a private directory). As any other user, the
 * child is that user.
 *
 * Beside them, `sqliteErrorCode` on errors better-sqlite3 really throws (a full database, a
 * write on a read-only connection, a damaged file), for the codes no permission produces.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, test } from 'vitest';
import { openScheduler, StoreError, sqliteStore } from '../../src/index.js';
import { sqliteErrorCode } from '../../src/store/sqlite.js';
import { order, T } from '../support/orders.js';
import type { AccessCase, AccessResult } from './unprivileged-child.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CHILD = fileURLToPath(new URL('./unprivileged-child.ts', import.meta.url));
/** Capabilities that let root read and write whatever the file modes say. */
const BYPASS = '-dac_override,-dac_read_search';

const digest = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** Runs the cases in a child as a user file permissions apply to; what each gave, in order. */
function asUnprivileged(cases: AccessCase[]): AccessResult[] {
  const child = [process.execPath, '--import', 'tsx', CHILD, JSON.stringify(cases)];
  const [command, ...args] =
    process.getuid?.() === 0
      ? ['setpriv', `--bounding-set=${BYPASS}`, `--inh-caps=${BYPASS}`, '--', ...child]
      : child;
  const out = execFileSync(command as string, args, {
    cwd: ROOT,
    encoding: 'utf8',
    // A home the child may write (tsx keeps its cache in the temporary directory).
    env: { ...process.env, HOME: tmpdir() },
  });
  return JSON.parse(out) as AccessResult[];
}

/** A store of two calls, closed, in a directory of its own; `dir` and `file` given the modes. */
async function store(dirMode: number, fileMode: number | undefined) {
  const dir = mkdtempSync(join(tmpdir(), 'rushline-access-'));
  const file = join(dir, 'lab.db');
  if (fileMode !== undefined) {
    const s = await openScheduler({ store: file, lab: 'access' });
    await s.submit(order({ id: 'a1', rush: { urgency: 'same-day' } }), T('09:00'));
    await s.submit(order({ id: 'a2' }), T('09:10'));
    await s.close();
  }
  const before = fileMode === undefined ? '' : digest(file);
  if (fileMode !== undefined) chmodSync(file, fileMode);
  chmodSync(dir, dirMode);
  return { dir, file, before };
}

describe('a store this user may read but not write, or not read', () => {
  let places: Awaited<ReturnType<typeof store>>[];
  let results: AccessResult[];

  beforeAll(async () => {
    places = [
      await store(0o555, 0o444), // 0: read-only file in a read-only directory
      await store(0o777, 0o444), // 1: read-only file in a directory anyone may write
      await store(0o555, 0o666), // 2: a writable file in a read-only directory
      await store(0o555, undefined), // 3: a new store in a read-only directory
      await store(0o755, 0o000), // 4: a file this user may not read
    ];
    const [roBoth, roFile, roDir, , unreadable] = places as [
      (typeof places)[0],
      (typeof places)[0],
      (typeof places)[0],
      (typeof places)[0],
      (typeof places)[0],
    ];
    results = asUnprivileged([
      { action: 'registers', file: roBoth.file },
      { action: 'open', file: roBoth.file },
      { action: 'registers', file: roFile.file },
      { action: 'open', file: roFile.file },
      { action: 'open', file: roDir.file },
      { action: 'open', file: join((places[3] as (typeof places)[0]).dir, 'new.db') },
      { action: 'registers', file: unreadable.file },
      { action: 'open', file: unreadable.file },
      { action: 'replay', file: roBoth.file },
    ]);
  }, 60_000);

  const result = <A extends 'registers' | 'replay' | 'open'>(i: number, action: A) => {
    const r = results[i] as AccessResult;
    expect(r.action).toBe(action);
    return r as A extends 'open'
      ? Extract<AccessResult, { action: 'open' }>
      : Extract<AccessResult, { action: 'registers' | 'replay' }>;
  };

  test('rushline registers and replay read a store whose file and directory are read-only', () => {
    for (const i of [0, 2]) {
      const r = result(i, 'registers');
      expect([r.code, r.err]).toEqual([0, '']);
      expect(r.out).toMatch(/^Rush register: 1 entry\n/);
      expect(r.out).toMatch(/2026-11-24 09:00 +a1 .* same-day +client +rush-accepted/);
    }
    const replay = result(8, 'replay');
    expect([replay.code, replay.err]).toEqual([0, '']);
    expect(replay.out).toMatch(/^replayed 2 journaled calls \(entries 1–2\)/);
  });

  test('openScheduler on a read-only file or directory: read-only, refused on opening', () => {
    for (const i of [1, 3, 4]) {
      const r = result(i, 'open');
      expect(r.opened, `case ${i} opened`).toBe(false);
      expect(r.error).toMatchObject({ name: 'StoreError', code: 'read-only' });
      expect(r.error?.message).toMatch(/lab\.db: cannot be written here/);
    }
  });

  test('a store this user may not create or read: permission', () => {
    const created = result(5, 'open');
    expect(created.error).toMatchObject({ name: 'StoreError', code: 'permission' });
    expect(created.error?.message).toMatch(/new\.db: this user may not open it/);
    const read = result(6, 'registers');
    expect([read.code, read.out]).toEqual([2, '']);
    expect(read.err).toMatch(/lab\.db: this user may not open it .*EACCES/);
    expect(result(7, 'open').error).toMatchObject({ name: 'StoreError', code: 'permission' });
  });

  test('nothing was written to any of them', () => {
    for (const p of places) {
      if (!p.before) continue;
      // Readable again for a test run by the file's owner.
      chmodSync(p.file, 0o644);
      expect(digest(p.file)).toBe(p.before);
    }
  });
});

describe('sqliteErrorCode on what better-sqlite3 throws', () => {
  const thrown = (fn: () => unknown): Error & { code?: string } => {
    try {
      fn();
    } catch (e) {
      return e as Error & { code?: string };
    }
    throw new Error('expected the call to throw');
  };
  const dir = () => mkdtempSync(join(tmpdir(), 'rushline-sqlite-errors-'));

  test('a full database is write-failed; a write on a read-only connection is read-only', () => {
    const file = join(dir(), 'full.db');
    const db = new Database(file);
    db.exec('CREATE TABLE t (x BLOB)');
    db.pragma('max_page_count = 3');
    const full = thrown(() => db.prepare('INSERT INTO t VALUES (?)').run(Buffer.alloc(64_000)));
    db.close();
    expect(full.code).toBe('SQLITE_FULL');
    expect(sqliteErrorCode(full, 'writing')).toBe('write-failed');
    expect(sqliteErrorCode(full, 'reading')).toBe('read-failed');

    const reader = new Database(file, { readonly: true });
    const refused = thrown(() => reader.exec('INSERT INTO t VALUES (1)'));
    reader.close();
    expect(refused.code).toBe('SQLITE_READONLY');
    expect(sqliteErrorCode(refused, 'writing')).toBe('read-only');
  });

  test('a damaged file is corrupt, through the store and in the mapping', async () => {
    const file = join(dir(), 'damaged.db');
    // The SQLite header, then bytes that are no database.
    writeFileSync(
      file,
      Buffer.concat([Buffer.from('SQLite format 3\u0000', 'latin1'), Buffer.alloc(8192, 0xa5)]),
    );
    const damaged = thrown(() => new Database(file, { readonly: true }).pragma('user_version'));
    expect(damaged.code).toMatch(/^SQLITE_(NOTADB|CORRUPT)/);
    expect(sqliteErrorCode(damaged, 'reading')).toBe('corrupt');
    const error = await sqliteStore(file)
      .open({ readOnly: true })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(StoreError);
    expect(error).toMatchObject({ code: 'corrupt' });
  });

  test('what is not a failure of the store is not mapped', () => {
    expect(sqliteErrorCode(new TypeError('a bug'), 'reading')).toBeUndefined();
  });
});
