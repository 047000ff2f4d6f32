/**
 * The durable scheduler on SQLite: what is on disk when a call returns, reopening, refusing bad
 * input without a write, poisoning after a failed write, and refusing stores that are not this
 * lab's. Every store lives in a fresh temporary directory.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, test } from 'vitest';
import {
  type CustomGate,
  createScheduler,
  type DurableScheduler,
  defaultPolicy,
  memoryStore,
  type Order,
  openScheduler,
  type Store,
  StoreError,
  sqliteStore,
  ValidationError,
  verifyReplay,
} from '../../src/index.js';
import { closedAfterEach } from '../support/closing.js';
import { expectPrototypeUntouched } from '../support/hostile.js';
import { busyLab } from '../support/labs.js';
import { order, T } from '../support/orders.js';
import { committingLater } from '../support/stores.js';
import { wholeSnapshotsOnly } from '../support/whole-snapshots.js';

const open = closedAfterEach();

function tempFile(name = 'lab.db'): string {
  return join(mkdtempSync(join(tmpdir(), 'rushline-durable-')), name);
}

async function openOn(
  store: string | Store,
  extra: Partial<Parameters<typeof openScheduler>[0]> = {},
) {
  const s = await openScheduler({ store, config: busyLab, ...extra });
  open.push(s);
  return s;
}

const day: { order: Order; at: number }[] = [
  { order: order({ id: 'd1', quantity: 60 }), at: T('09:00') },
  { order: order({ id: 'd2', rush: { urgency: 'half-day' } }), at: T('09:05') },
  { order: order({ id: 'd3', tier: 'key', rush: { urgency: 'same-day' } }), at: T('09:10') },
  {
    order: order({ id: 'd4', rush: { cause: 'rework', reason: 'scratched', responsible: 'QA' } }),
    at: T('09:15'),
  },
  { order: order({ id: 'd5', quantity: 200, rush: { urgency: 'immediate' } }), at: T('09:20') },
];

/** The same calls on a durable scheduler and on a plain one. */
async function runDay(s: DurableScheduler) {
  const plain = createScheduler(busyLab);
  for (const { order: o, at } of day) {
    expect(await s.submit(o, at)).toEqual(plain.submit(o, at));
  }
  expect(await s.next('print', T('09:30'))).toEqual(plain.next('print', T('09:30')));
  expect(await s.setCapacity('print', 20, T('09:40'))).toEqual(
    plain.setCapacity('print', 20, T('09:40')),
  );
  return plain;
}

describe('durable scheduler on SQLite', () => {
  test('reopened, it is the engine that made the calls, snapshot for snapshot', async () => {
    for (const snapshotEvery of [1, 3, 1000]) {
      const file = tempFile();
      const s = await openOn(file, { snapshotEvery });
      const plain = await runDay(s);
      expect(s.journalSeq).toBe(day.length + 2);
      // Not closed: as after a crash, the latest snapshot plus the journal tail must rebuild it.
      const again = await openOn(file);
      // Equal as data: a restored register may list an entry's keys in another order.
      expect(again.snapshot()).toEqual(plain.snapshot());
      expect(again.explain('d4')).toEqual(plain.explain('d4'));
      // It goes on from where it was.
      const next = order({ id: 'd6' });
      expect(await again.submit(next, T('10:00'))).toEqual(plain.submit(next, T('10:00')));
    }
  });

  test('a line down and a calendar with exceptions survive a reopen, from snapshots and from the journal', async () => {
    // Issue 18, item 5: the printer goes down at 09:40 with the lab closed the next day.
    const config = {
      ...busyLab,
      calendar: {
        zone: 'Asia/Shanghai',
        open: '09:00',
        close: '18:00',
        days: [1, 2, 3, 4, 5, 6],
        exceptions: [
          { date: '2026-11-24', open: '09:00', close: '13:00' },
          { date: '2026-11-25', closed: true as const },
        ],
      },
    };
    for (const snapshotEvery of [1, 1000]) {
      const file = tempFile();
      const s = await openOn(file, { snapshotEvery, config });
      const plain = createScheduler(config);
      for (const { order: o, at } of day)
        expect(await s.submit(o, at)).toEqual(plain.submit(o, at));
      expect(await s.next('print', T('09:30'))).toEqual(plain.next('print', T('09:30')));
      const down = await s.setCapacity('print', 0, T('09:40'));
      expect(down).toEqual(plain.setCapacity('print', 0, T('09:40')));
      expect(down.length).toBeGreaterThan(0);
      const late = order({ id: 'd7', rush: { urgency: 'next-day' } });
      expect(await s.submit(late, T('09:50'))).toEqual(plain.submit(late, T('09:50')));
      const again = await openOn(file, { config });
      expect(again.snapshot()).toEqual(plain.snapshot());
      expect(again.snapshot().linesDown).toEqual({ print: T('09:40') });
      expect(again.lineStatus('print').unitsPerHour).toBe(0);
      // The order on the line is finished by hand; the line down starts nothing, and the
      // durable scheduler answers undefined as the engine does (the journal records null).
      expect(await again.complete('d4', T('10:00'))).toEqual(plain.complete('d4', T('10:00')));
      expect(await again.next('print', T('10:05'))).toBeUndefined();
      expect(plain.next('print', T('10:05'))).toBeUndefined();
      expect(await again.setCapacity('print', 40, T('11:00'))).toEqual(
        plain.setCapacity('print', 40, T('11:00')),
      );
      expect(again.snapshot()).toEqual(plain.snapshot());
    }
  });

  test('what a call returned is on disk before it returns: another connection reads it', async () => {
    const file = tempFile();
    const s = await openOn(file);
    const d = await s.submit(order({ id: 'w1', rush: { urgency: 'same-day' } }), T('09:00'));
    // Read with a separate connection while the scheduler is still open.
    const db = new Database(file, { readonly: true });
    const row = db.prepare('SELECT seq, kind, result FROM journal').get() as {
      seq: number;
      kind: string;
      result: string;
    };
    const rush = db.prepare('SELECT outcome, deciding_rule, record FROM rush_register').get() as {
      outcome: string;
      deciding_rule: string;
      record: string;
    };
    db.close();
    expect(row).toEqual({ seq: 1, kind: 'submit', result: JSON.stringify(d) });
    expect(rush.outcome).toBe(d.outcome);
    expect(rush.deciding_rule).toBe(d.reasons[0]?.rule);
    expect(JSON.parse(rush.record).reasons).toEqual(d.reasons);
  });

  test('a batch is one journal entry, committed once', async () => {
    const file = tempFile();
    const s = await openOn(file);
    const batch = [order({ id: 'b1' }), order({ id: 'b2', rush: { urgency: 'next-day' } })];
    const ds = await s.submitBatch(batch, T('09:00'));
    expect(ds).toHaveLength(2);
    expect(s.journalSeq).toBe(1);
    const db = new Database(file, { readonly: true });
    expect(db.prepare('SELECT count(*) AS n FROM journal').get()).toEqual({ n: 1 });
    db.close();
  });

  test("bad input is refused with the engine's error, nothing is journaled, and the instance goes on", async () => {
    const file = tempFile();
    const s = await openOn(file);
    await s.submit(order({ id: 'v1' }), T('09:00'));
    await expect(s.submit(order({ id: 'v1' }), T('09:05'))).rejects.toThrow(ValidationError);
    await expect(s.submit({ ...order(), quantity: 0 }, T('09:05'))).rejects.toThrow(
      /quantity: must be at least 1/,
    );
    await expect(s.next('nope', T('09:05'))).rejects.toThrow(ValidationError);
    await expect(s.submit(order(), T('08:00'))).rejects.toThrow(/must not be earlier/);
    // No time and no clock: a durable call must be journaled with its time.
    await expect(s.submit(order())).rejects.toThrow(/at: is required/);
    expect(s.journalSeq).toBe(1);
    await s.submit(order({ id: 'v2' }), T('09:10'));
    expect(s.journalSeq).toBe(2);
  });

  test("with a clock, calls without a time are journaled with the clock's time", async () => {
    const file = tempFile();
    let now = T('09:00');
    const s = await openOn(file, { config: { ...busyLab, clock: () => now } });
    await s.submit(order({ id: 'k1' }));
    now = T('09:30');
    await s.submit(order({ id: 'k2' }));
    await s.close();
    const db = new Database(file, { readonly: true });
    expect(db.prepare('SELECT at_ms FROM journal ORDER BY seq').all()).toEqual([
      { at_ms: T('09:00') },
      { at_ms: T('09:30') },
    ]);
    db.close();
    // The clock is not stored: the store reopens with the same configuration and a new clock.
    const again = await openOn(file, { config: { ...busyLab, clock: () => T('10:00') } });
    expect(again.explain('k2').decision.decidedAt).toBe(T('09:30'));
  });

  test('a failed write throws, and the instance refuses every later call until reopened', async () => {
    const file = tempFile();
    const inner = sqliteStore(file);
    let failNext = false;
    const flaky: Store = {
      description: inner.description,
      open: (o) => inner.open(o),
      append: (e, r) => {
        if (failNext) return Promise.reject(new Error('disk full'));
        return inner.append(e, r);
      },
      saveSnapshot: (seq, snap) => inner.saveSnapshot(seq, snap),
      readHistory: () => inner.readHistory(),
      readRegisters: (since) => inner.readRegisters(since),
      close: () => inner.close(),
    };
    const s = await openOn(flaky);
    await s.submit(order({ id: 'f1' }), T('09:00'));
    failNext = true;
    const failed = s.submit(order({ id: 'f2' }), T('09:05'));
    await expect(failed).rejects.toThrow(StoreError);
    await expect(failed).rejects.toMatchObject({ code: 'write-failed' });
    failNext = false;
    await expect(s.submit(order({ id: 'f3' }), T('09:10'))).rejects.toMatchObject({
      code: 'poisoned',
    });
    expect(() => s.explain('f1')).toThrow(/reopen the store/);
    await s.close();
    // Reopened, the state is what is on disk: f1, and not the f2 that failed.
    const again = await openOn(file);
    expect(again.explain('f1').orderId).toBe('f1');
    expect(() => again.explain('f2')).toThrow(ValidationError);
    await again.submit(order({ id: 'f2' }), T('09:15'));
  });

  test('while a call is being written, the reads answer from the state on disk without it', async () => {
    const file = tempFile();
    const inner = sqliteStore(file);
    // A store whose writes wait for the test to let them through, as a server's commit waits
    // for its round trip: the call is decided, its transaction is not committed yet.
    let hold: Promise<void> | undefined;
    let writing: () => void = () => undefined;
    const slow: Store = {
      description: inner.description,
      open: (o) => inner.open(o),
      append: async (e, r) => {
        writing();
        await hold;
        return inner.append(e, r);
      },
      saveSnapshot: (seq, snap) => inner.saveSnapshot(seq, snap),
      readHistory: () => inner.readHistory(),
      readRegisters: (since) => inner.readRegisters(since),
      close: () => inner.close(),
    };
    const h1 = order({ id: 'h1' });
    const h2 = order({ id: 'h2', rush: { urgency: 'half-day' } });
    const s = await openOn(slow);
    await s.submit(h1, T('09:00'));
    const before = s.snapshot();
    let letThrough: () => void = () => undefined;
    hold = new Promise((r) => {
      letThrough = r;
    });
    const started = new Promise<void>((r) => {
      writing = r;
    });
    const pending = s.submit(h2, T('09:05'));
    // Bad input queued behind the write is still refused by the engine, and changes nothing.
    const bad = s.submit(h1, T('09:06'));
    await started;
    try {
      expect(() => s.explain('h2')).toThrow(ValidationError);
      expect(s.rushRegister()).toEqual([]);
      expect(s.plan('print').map((p) => p.orderId)).toEqual(['h1']);
      expect(s.snapshot()).toEqual(before);
      expect(s.journalSeq).toBe(1);
    } finally {
      letThrough();
    }
    const decided = await pending;
    await expect(bad).rejects.toThrow(ValidationError);
    expect(s.explain('h2').decision).toEqual(decided);
    expect(s.rushRegister().map((r) => r.orderId)).toEqual(['h2']);
    expect(s.journalSeq).toBe(2);
    await s.close();
    const plain = createScheduler(busyLab);
    plain.submit(h1, T('09:00'));
    plain.submit(h2, T('09:05'));
    expect((await openOn(file)).snapshot()).toEqual(plain.snapshot());
  });

  test("the register tables hold what the engine's registers hold, rework closing included", async () => {
    const file = tempFile();
    const s = await openOn(file);
    await runDay(s);
    // Make orders until the rework order is finished: its register entry gets its closing time.
    let current = s.plan('print').find((p) => p.status === 'in-production')?.orderId;
    let t = T('09:45');
    while (current !== 'd4') {
      if (current) await s.complete(current, t);
      t += 60_000;
      current = (await s.next('print', t))?.orderId;
    }
    const closedAt = t + 60_000;
    await s.complete('d4', closedAt);
    const reader = sqliteStore(file);
    await reader.open({ readOnly: true });
    const rows = await reader.readRegisters();
    expect(rows.rush).toEqual(s.rushRegister());
    expect(rows.rework).toEqual(s.reworkRegister());
    expect(rows.rework[0]?.closedAt).toBe(closedAt);
    const since = await reader.readRegisters(T('09:12'));
    expect(since.rush.map((r) => r.orderId)).toEqual(['d4', 'd5']);
    expect((await verifyReplay(reader)).ok).toBe(true);
    await reader.close();
  });

  test('a tampered journal is found by replay, naming the entry', async () => {
    const file = tempFile();
    const s = await openOn(file);
    await runDay(s);
    await s.close();
    const db = new Database(file);
    const row = db.prepare('SELECT result FROM journal WHERE seq = 3').get() as { result: string };
    db.prepare('UPDATE journal SET result = ? WHERE seq = 3').run(
      row.result.replace('"rush-accepted"', '"rush-declined"'),
    );
    db.close();
    const reader = sqliteStore(file);
    await reader.open({ readOnly: true });
    const report = await verifyReplay(reader);
    await reader.close();
    expect(report.ok).toBe(false);
    expect(report.mismatches.map((m) => m.seq)).toEqual([3]);
    // Opening refuses to answer from a journal tail that does not replay. The snapshot taken
    // at close covers entry 3, so drop it: the tail from the first snapshot then includes it.
    const db2 = new Database(file);
    db2.prepare('DELETE FROM snapshots WHERE seq <> 0').run();
    db2.close();
    const error = await openScheduler({ store: file, config: busyLab }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'corrupt' });
    expect((error as Error).message).toMatch(/journal entry 3 does not replay/);
  });

  test('a recorded call the engine refuses on replay is a corrupt journal, not bad input', async () => {
    const file = tempFile();
    const s = await openOn(file);
    await s.submit(order({ id: 'r1' }), T('09:00'));
    await s.next('print', T('09:05'));
    // Not closed, so the journal tail is replayed on open. Point the recorded next() at a line
    // that does not exist.
    const db = new Database(file);
    db.prepare(
      "UPDATE journal SET call = json_set(call, '$.lineId', 'nowhere') WHERE seq = 2",
    ).run();
    db.close();
    const error = await openScheduler({ store: file, config: busyLab }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StoreError);
    expect(error).toMatchObject({ code: 'corrupt' });
    expect((error as Error).message).toMatch(/journal entry 2 does not replay/);
  });
});

describe("stores that are not this lab's are refused, and left as they were", () => {
  const digest = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

  async function refused(file: string, code: string, options = {}) {
    const before = digest(file);
    const error = await openScheduler({ store: file, config: busyLab, ...options }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StoreError);
    expect(error).toMatchObject({ code });
    expect((error as Error).message).toContain(file);
    expect(digest(file)).toBe(before);
    return error as StoreError;
  }

  test('a file that is not SQLite', async () => {
    const file = tempFile('random.db');
    writeFileSync(file, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)));
    const e = await refused(file, 'corrupt');
    expect(e.message).toMatch(/not a SQLite database/);
  });

  test('a SQLite database of something else', async () => {
    const file = tempFile('accounts.db');
    const db = new Database(file);
    db.exec(
      'CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL); INSERT INTO invoices VALUES (1, 9.5)',
    );
    db.close();
    const e = await refused(file, 'foreign-database');
    expect(e.message).toMatch(/invoices/);
  });

  test('a store of a newer schema, another lab, another configuration', async () => {
    const file = tempFile();
    const s = await openScheduler({ store: file, config: busyLab, lab: 'shanghai' });
    await s.submit(order({ id: 'n1' }), T('09:00'));
    await s.close();
    expect((await refused(file, 'other-lab', { lab: 'suzhou' })).message).toMatch(/'shanghai'/);
    expect(
      (
        await refused(file, 'config-mismatch', {
          lab: 'shanghai',
          config: { policy: { rush: { quotaShare: 0.2 } } },
        })
      ).message,
    ).toMatch(/lines, products, policy|policy/);
    const db = new Database(file);
    db.prepare("UPDATE rushline_meta SET value = '99' WHERE key = 'schema_version'").run();
    db.close();
    expect((await refused(file, 'newer-schema', { lab: 'shanghai' })).message).toMatch(/schema 99/);
  });

  test('a truncated store: a clear error, not a crash', async () => {
    const file = tempFile();
    const s = await openScheduler({ store: file, config: busyLab });
    for (let i = 0; i < 30; i++) await s.submit(order({ id: `t${i}` }), T('09:00') + i * 60_000);
    await s.close();
    const bytes = readFileSync(file);
    writeFileSync(file, bytes.subarray(0, Math.floor(bytes.length / 2)));
    await refused(file, 'corrupt');
  });
});

describe('a store written by an older version, before a policy option existed', () => {
  /** Removes `policy.rush.frequencyWindowDays` from the header and every snapshot, as an older rushline would have written them. */
  function writtenBeforeTheOption(file: string) {
    const db = new Database(file);
    const meta = db.prepare("SELECT value FROM rushline_meta WHERE key = 'config'").get() as {
      value: string;
    };
    const config = JSON.parse(meta.value);
    delete config.policy.rush.frequencyWindowDays;
    db.prepare("UPDATE rushline_meta SET value = ? WHERE key = 'config'").run(
      JSON.stringify(config),
    );
    const snaps = db.prepare('SELECT seq, snapshot FROM snapshots').all() as {
      seq: number;
      snapshot: string;
    }[];
    for (const row of snaps) {
      const snap = JSON.parse(row.snapshot);
      delete snap.config.policy.rush.frequencyWindowDays;
      db.prepare('UPDATE snapshots SET snapshot = ? WHERE seq = ?').run(
        JSON.stringify(snap),
        row.seq,
      );
    }
    db.close();
    return { config: meta.value, snapshots: snaps.length };
  }

  test('opens with the configuration it was created with, and runs with the default filled in', async () => {
    const file = tempFile();
    const s = await openScheduler({
      store: wholeSnapshotsOnly(sqliteStore(file)),
      config: busyLab,
      snapshotEvery: 2,
    });
    const plain = createScheduler(busyLab);
    for (const { order: o, at } of day.slice(0, 3)) {
      expect(await s.submit(o, at)).toEqual(plain.submit(o, at));
    }
    // Not closed: the latest snapshot and a journal tail.
    const before = writtenBeforeTheOption(file);
    expect(before.snapshots).toBe(2);
    expect(JSON.parse(before.config).policy.rush.frequencyWindowDays).toBe(
      defaultPolicy.rush.frequencyWindowDays,
    );

    const again = await openOn(file);
    expect(again.config.policy.rush.frequencyWindowDays).toBe(
      defaultPolicy.rush.frequencyWindowDays,
    );
    expect(again.snapshot()).toEqual(plain.snapshot());
    for (const { order: o, at } of day.slice(3)) {
      expect(await again.submit(o, at)).toEqual(plain.submit(o, at));
    }
    await again.close();
    // The replay check starts from the first snapshot, the old one: it runs with the default too.
    const reader = sqliteStore(file);
    await reader.open({ readOnly: true });
    const report = await verifyReplay(reader);
    await reader.close();
    expect(report.ok).toBe(true);
  });

  test('a setting that really differs, the new option included, is still refused', async () => {
    const file = tempFile();
    const s = await openScheduler({ store: file, config: busyLab });
    await s.submit(order({ id: 'o1' }), T('09:00'));
    await s.close();
    writtenBeforeTheOption(file);
    const config = {
      ...busyLab,
      policy: { ...busyLab.policy, rush: { ...busyLab.policy?.rush, frequencyWindowDays: 10 } },
    };
    const error = await openScheduler({ store: file, config }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StoreError);
    expect(error).toMatchObject({ code: 'config-mismatch' });
    expect((error as Error).message).toMatch(/\(policy differ\)/);
  });
});

describe('a store created with custom gates', () => {
  test('reopens with the same gates, and is refused with other ones (gates differ)', async () => {
    const file = tempFile();
    const noFrames: CustomGate = {
      id: 'no-frame-rush',
      decline: (r) => (r.order.product === 'frame' ? 'no frame rushes' : undefined),
    };
    const s = await openScheduler({ store: file, config: { ...busyLab, gates: [noFrames] } });
    const d = await s.submit(
      order({ id: 'g1', product: 'frame', quantity: 1, rush: { urgency: 'same-day' } }),
      T('09:00'),
    );
    expect(d.reasons[0]?.rule).toBe('no-frame-rush');
    await s.close();
    const again = await openOn(file, { config: { ...busyLab, gates: [noFrames] } });
    expect(again.explain('g1').decision).toEqual(d);
    await again.close();
    for (const gates of [[], [{ ...noFrames, id: 'other-rule' }]]) {
      const error = await openScheduler({ store: file, config: { ...busyLab, gates } }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toMatchObject({ code: 'config-mismatch' });
      expect((error as Error).message).toMatch(/\(gates differ\)/);
    }
  });
});

describe('durable scheduler on memoryStore', () => {
  test('the same engine as on a file: reopened from the same object, it goes on', async () => {
    const store = memoryStore();
    const s = await openOn(store, { snapshotEvery: 3 });
    const plain = await runDay(s);
    await s.close();
    const again = await openOn(store);
    expect(again.snapshot()).toEqual(plain.snapshot());
    expect(again.rushRegister()).toEqual(plain.rushRegister());
    const next = order({ id: 'm6' });
    expect(await again.submit(next, T('10:00'))).toEqual(plain.submit(next, T('10:00')));
    await again.close();
    // Another configuration is refused, as from a file.
    await expect(
      openScheduler({ store, config: { policy: { rush: { quotaShare: 0.2 } } } }),
    ).rejects.toMatchObject({ code: 'config-mismatch' });
    await store.open({ readOnly: true });
    expect((await verifyReplay(store)).ok).toBe(true);
    await store.close();
  });

  test('a client called __proto__: after a crash the store reopens and decides as before', async () => {
    // Every line is tight, so the fifth accepted rush of a client is declined (frequent-rusher);
    // the snapshot after four calls must keep the client's rushes for entry 5 to replay.
    const config = { policy: { rush: { tightLoad: 0 } } };
    const store = memoryStore();
    const s = await openOn(store, { config, snapshotEvery: 4 });
    const plain = createScheduler(config);
    const rush = (i: number) =>
      order({ id: `p${i}`, clientId: '__proto__', rush: { urgency: 'next-day' } });
    for (let i = 0; i < 5; i++) {
      const o = rush(i);
      expect(await s.submit(o, T('09:00') + i)).toEqual(plain.submit(o, T('09:00') + i));
    }
    expect(s.rushRegister().map((r) => r.reasons[0]?.rule)).toEqual([
      ...Array(4).fill('accepted'),
      'frequent-rusher',
    ]);
    // Not closed, as after a crash: the snapshot at entry 4 and the tail (entry 5).
    const again = await openOn(store, { config });
    expect(again.snapshot()).toEqual(plain.snapshot());
    const sixth = rush(5);
    expect(await again.submit(sixth, T('09:10'))).toEqual(plain.submit(sixth, T('09:10')));
    await again.close();
    const opened = await store.open({ readOnly: true });
    expect(await verifyReplay(store, { opened })).toMatchObject({ ok: true, reopenProblems: [] });
    await store.close();
    expectPrototypeUntouched();
  });
  // A store that commits at once has one engine; a store whose commit waits has two.
  test.each([
    ['commits at once (one engine)', memoryStore, false],
    ['commits later (two engines)', () => committingLater(memoryStore()), true],
  ] as const)(
    'an internal error in the deciding engine journals nothing, on a store that %s: writes are refused until reopened',
    async (_, make, readsGoOn) => {
      const store = make();
      const s = await openOn(store, { config: busyLab });
      await s.submit(order({ id: 'u1' }), T('09:00'));
      const before = s.snapshot();
      // A fault no input can cause, injected into the calendar of the engine that decides calls
      // before they are written: it fails once the order is recorded, as a bug would.
      const ahead = (s as unknown as { ahead: { calendar: { timeAt: () => number } } }).ahead;
      ahead.calendar.timeAt = () => {
        throw new Error('injected fault');
      };
      await expect(
        s.submit(order({ id: 'u2', rush: { cause: 'damaged' } }), T('09:05')),
      ).rejects.toThrow(/internal error in submit: injected fault/);
      expect(s.journalSeq).toBe(1);
      // Two engines: the reads answer from the one that did not fail. One: there is none left.
      if (readsGoOn) expect(s.snapshot()).toEqual(before);
      else
        expect(() => s.snapshot()).toThrow(
          /engine failed deciding journal entry 2.*reopen the store/,
        );
      await expect(s.submit(order({ id: 'u3' }), T('09:10'))).rejects.toThrow(
        readsGoOn ? /internal error in submit/ : /reopen the store/,
      );
      await s.close();
      const again = await openOn(store, { config: busyLab });
      expect(again.snapshot()).toEqual(before);
      expect((await again.submit(order({ id: 'u3' }), T('09:10'))).outcome).toBe('queued');
      await again.close();
    },
  );
});

describe('registered clients on a durable scheduler', () => {
  test('setClient is journaled: after a crash the store reopens with the client registered, and replays', async () => {
    const config = { ...busyLab, clients: [{ id: 'studio-7', tier: 'key' as const }] };
    const file = tempFile();
    const s = await openOn(file, { config, snapshotEvery: 2 });
    const plain = createScheduler(config);
    expect(await s.setClient('studio-9', { tier: 'regular' }, T('09:00'))).toEqual(
      plain.setClient('studio-9', { tier: 'regular' }, T('09:00')),
    );
    const o1 = order({ id: 'k1', clientId: 'studio-9', tier: 'regular' });
    expect(await s.submit(o1, T('09:05'))).toEqual(plain.submit(o1, T('09:05')));
    // The lab signs studio-9 as key: the change is the journal's third entry, after the snapshot.
    expect(await s.setClient('studio-9', { tier: 'key' }, T('09:10'))).toEqual({
      clientId: 'studio-9',
      tier: 'key',
      previous: 'regular',
    });
    plain.setClient('studio-9', { tier: 'key' }, T('09:10'));
    // A refused order journals nothing.
    const wrong = order({ id: 'k2', clientId: 'studio-9', tier: 'regular' });
    await expect(s.submit(wrong, T('09:15'))).rejects.toThrow(
      "client 'studio-9' is registered as key; the order says regular",
    );
    expect(s.journalSeq).toBe(3);
    // Not closed, as after a crash: the snapshot at entry 2 and the tail (entry 3).
    const again = await openOn(file);
    expect(again.clients()).toEqual([
      { id: 'studio-7', tier: 'key' },
      { id: 'studio-9', tier: 'key' },
    ]);
    expect(again.snapshot()).toEqual(plain.snapshot());
    await expect(again.submit(wrong, T('09:15'))).rejects.toThrow(ValidationError);
    const right = order({ id: 'k2', clientId: 'studio-9', tier: 'key' });
    expect(await again.submit(right, T('09:20'))).toEqual(plain.submit(right, T('09:20')));
    await again.close();
    const store = sqliteStore(file);
    const opened = await store.open({ readOnly: true });
    expect(await verifyReplay(store, { opened })).toMatchObject({
      ok: true,
      // The checkpoint at entry 2, then entries 3 and 4.
      calls: 2,
      mismatches: [],
      reopenProblems: [],
    });
    await store.close();
  });

  test('bad input to setClient is refused with nothing journaled', async () => {
    const s = await openOn(memoryStore());
    await expect(s.setClient('c1', { tier: 'gold' as never }, T('09:00'))).rejects.toThrow(
      ValidationError,
    );
    await expect(s.setClient('', { tier: 'key' }, T('09:00'))).rejects.toThrow(ValidationError);
    expect(s.journalSeq).toBe(0);
    expect(s.clients()).toEqual([]);
  });
});

describe("an order's life on a durable scheduler", () => {
  test('cancel, hold, release and amend are journaled: reopened after a crash, the store is the engine that made them, and replays', async () => {
    const file = tempFile();
    // A checkpoint after the hold (entry 5): the cancel, amend, release and cancel are replayed.
    const s = await openOn(file, { snapshotEvery: 5 });
    const plain = createScheduler(busyLab);
    const orders = [
      order({ id: 'l1', quantity: 60 }),
      order({ id: 'l2', tier: 'key', rush: { urgency: 'same-day' } }),
      order({ id: 'l3', rush: { cause: 'rework', reason: 'smudged' } }),
      order({ id: 'l4' }),
    ];
    for (const o of orders)
      expect(await s.submit(o, T('09:00'))).toEqual(plain.submit(o, T('09:00')));
    expect(await s.hold('l2', T('09:05'))).toEqual(plain.hold('l2', T('09:05')));
    expect(await s.cancel('l3', T('09:06'))).toEqual(plain.cancel('l3', T('09:06')));
    expect(await s.amend('l4', { quantity: 30 }, T('09:07'))).toEqual(
      plain.amend('l4', { quantity: 30 }, T('09:07')),
    );
    expect(await s.release('l2', T('09:08'))).toEqual(plain.release('l2', T('09:08')));
    expect(await s.cancel('l1', T('09:09'))).toEqual(plain.cancel('l1', T('09:09')));
    // Refused calls journal nothing.
    await expect(s.cancel('l1', T('09:10'))).rejects.toThrow(ValidationError);
    await expect(s.amend('l4', { quantity: 0 }, T('09:10'))).rejects.toThrow(ValidationError);
    expect(s.journalSeq).toBe(9);
    // Not closed, as after a crash.
    const again = await openOn(file);
    expect(again.snapshot()).toEqual(plain.snapshot());
    expect(again.explain('l3').status).toBe('cancelled');
    await again.close();
    const store = sqliteStore(file);
    const opened = await store.open({ readOnly: true });
    expect(await verifyReplay(store, { opened })).toMatchObject({
      ok: true,
      calls: 4,
      mismatches: [],
      reopenProblems: [],
    });
    await store.close();
  });
});
