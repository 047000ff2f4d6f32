/**
 * The PostgreSQL store on a real server (PostgreSQL 15 on 127.0.0.1; `.ci/run` installs and
 * starts one and sets RUSHLINE_PG_URL). Each test gets a fresh database.
 *
 * The takeover test: a writer node and a standby node (child processes) on one database; the
 * writer is killed with SIGKILL mid-stream, the standby takes the lab's lock and resumes the
 * stream where the journal ends. Every answer the dead writer gave is in the journal as given,
 * none twice, and the final state is exactly that of one engine running the whole stream.
 */
import postgres from 'postgres';
import { describe, expect, test } from 'vitest';
import {
  createScheduler,
  openScheduler,
  postgresStore,
  type Store,
  StoreError,
  ValidationError,
  verifyReplay,
} from '../../src/index.js';
import { CI_SEED } from '../support/fc.js';
import { checkPrinted, startChild } from '../support/journal-runs.js';
import { runCall, streamCalls } from '../support/journal-stream.mjs';
import { busyLab } from '../support/labs.js';
import { order, T } from '../support/orders.js';
import { PG_URL, pgDatabases, standby } from '../support/pg.js';

const ADMIN = PG_URL;
if (!ADMIN && process.env.CI)
  throw new Error('RUSHLINE_PG_URL is not set: .ci/run starts PostgreSQL and sets it');

/** A fresh, empty database on the server; dropped after the tests. */
const freshDatabase = pgDatabases('rushline_test').fresh;

/**
 * Ends the writer's session from the server, as a network cut would: its lock is gone. Reads
 * through the store then meet the dead connection, and the driver opens a new session for the
 * next query: a session that does not hold the lab's lock.
 */
async function cutWriterSession(sql: postgres.Sql, lab: string, store: Store): Promise<void> {
  const writers = () => sql`
    SELECT pid FROM pg_stat_activity
    WHERE application_name = ${`rushline:${lab}`} AND pid <> pg_backend_pid()`;
  const [old] = await writers();
  await sql`SELECT pg_terminate_backend(${old?.pid as number})`;
  await expect.poll(async () => (await writers()).length, { interval: 20 }).toBe(0);
  for (let i = 0; i < 5; i++) {
    if (
      await store.readRegisters().then(
        () => true,
        () => false,
      )
    )
      break;
  }
}

describe.skipIf(!ADMIN)('PostgreSQL store', () => {
  test('calls are journaled, registers are tables, and a reopened node is the same engine', async () => {
    const url = await freshDatabase();
    const s = await openScheduler({ store: postgresStore(url), config: busyLab, lab: 'nanjing' });
    const plain = createScheduler(busyLab);
    const orders = [
      order({ id: 'p1', quantity: 60 }),
      order({ id: 'p2', rush: { urgency: 'half-day' } }),
      order({ id: 'p3', rush: { cause: 'rework', reason: 'faded', responsible: 'printer 2' } }),
    ];
    for (const [i, o] of orders.entries())
      expect(await s.submit(o, T('09:00') + i * 60_000)).toEqual(
        plain.submit(o, T('09:00') + i * 60_000),
      );
    expect(await s.next('print', T('09:30'))).toEqual(plain.next('print', T('09:30')));
    await s.close();

    // The lab's other tools read the registers with plain SQL.
    const sql = postgres(url, { max: 1 });
    const rows =
      await sql`SELECT order_id, outcome, deciding_rule, reasons->0->>'rule' AS first FROM rush_register ORDER BY order_id`;
    expect(rows.map((r) => ({ ...r }))).toEqual([
      { order_id: 'p2', outcome: 'rush-accepted', deciding_rule: 'accepted', first: 'accepted' },
      {
        order_id: 'p3',
        outcome: 'rush-accepted',
        deciding_rule: 'company-fault',
        first: 'company-fault',
      },
    ]);
    const rework = await sql`SELECT order_id, cause, responsible FROM rework_register`;
    expect(rework.map((r) => ({ ...r }))).toEqual([
      { order_id: 'p3', cause: 'faded', responsible: 'printer 2' },
    ]);
    await sql.end();

    const again = await openScheduler({ store: postgresStore(url), lab: 'nanjing' });
    expect(again.snapshot()).toEqual(plain.snapshot());
    await again.close();
    const reader = postgresStore(url);
    await reader.open({ readOnly: true });
    expect((await verifyReplay(reader)).ok).toBe(true);
    await reader.close();
  });

  test("another lab's journal and a foreign database are refused, and left alone", async () => {
    const url = await freshDatabase();
    await (await openScheduler({ store: postgresStore(url), lab: 'nanjing' })).close();
    await expect(openScheduler({ store: postgresStore(url), lab: 'wuxi' })).rejects.toMatchObject({
      code: 'other-lab',
    });
    const foreign = await freshDatabase();
    const sql = postgres(foreign, { max: 1, onnotice: () => undefined });
    await sql`CREATE TABLE invoices (id int primary key)`;
    const error = await openScheduler({ store: postgresStore(foreign) }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StoreError);
    expect(error).toMatchObject({ code: 'foreign-database' });
    const tables =
      await sql`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'`;
    expect(tables.map((t) => t.table_name)).toEqual(['invoices']);
    await sql.end();
  });

  test('takeover: the writer is killed mid-stream, the standby takes over, nothing lost or made twice', async () => {
    const runs = [
      { seed: CI_SEED, killAfter: 30 },
      { seed: CI_SEED + 1, killAfter: 75 },
      { seed: CI_SEED + 2, killAfter: 3 },
    ];
    for (const run of runs) {
      const { seed } = run;
      // A kill point past the middle of a short stream would let the writer finish first: the
      // stream's length is the seed's (RUSHLINE_FC_SEED=11 draws one shorter than 75 calls).
      const killAfter = Math.min(run.killAfter, Math.floor(streamCalls(seed).length / 2));
      const url = await freshDatabase();
      const writer = startChild(url, seed, { hold: true, killAfter });
      await writer.said('ready');
      const standby = startChild(url, seed, { from: 'auto' });
      await standby.said('standby');
      writer.go();
      const dead = await writer.done;
      expect(dead.killed, `seed ${seed}`).toBe(true);
      expect(dead.stderr).toBe('');
      const resumed = await standby.said('ready');
      const rest = await standby.done;
      expect(rest.stderr).toBe('');
      // The standby resumed at the first call the journal does not hold.
      expect(rest.printed[0]?.i).toBe(resumed.seq);
      expect(resumed.seq as number).toBeGreaterThanOrEqual(killAfter);

      const reader = postgresStore(url);
      await reader.open({ lab: 'crash-lab', readOnly: true });
      const s = await openScheduler({ store: postgresStore(url), lab: 'crash-lab' });
      try {
        await checkPrinted(reader, [...dead.printed, ...rest.printed], s);
        // One engine running the whole stream without a crash ends in the same state.
        const plain = createScheduler(busyLab);
        const state = {};
        for (const c of streamCalls(seed)) await runCall(plain, c, state);
        expect(s.snapshot()).toEqual(plain.snapshot());
      } finally {
        await s.close();
        await reader.close();
      }
    }
  }, 120_000);

  test('a writer whose session was cut cannot write again, even on a new connection', async () => {
    const url = await freshDatabase();
    const store = postgresStore(url);
    const a = await openScheduler({ store, config: busyLab, lab: 'fence' });
    await a.submit(order({ id: 'x1' }), T('09:00'));
    // The server ends the writer's session (as after a network cut): its lock is gone.
    const sql = postgres(url, { max: 1, onnotice: () => undefined });
    await cutWriterSession(sql, 'fence', store);
    const refused = await a.submit(order({ id: 'x2' }), T('09:05')).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(refused).toMatchObject({ code: 'write-failed' });
    expect((refused as Error).message).toMatch(/no longer holds the lab's writer lock/);
    await expect(a.submit(order({ id: 'x3' }), T('09:10'))).rejects.toMatchObject({
      code: 'poisoned',
    });
    expect((await sql`SELECT seq::int AS seq FROM journal ORDER BY seq`).map((r) => r.seq)).toEqual(
      [1],
    );
    // The lab is not left without a writer: another node takes over at once.
    const b = await openScheduler({ store: postgresStore(url), config: busyLab, lab: 'fence' });
    expect(b.journalSeq).toBe(1);
    await b.submit(order({ id: 'x2' }), T('09:05'));
    await b.close();
    await sql.end();
    await a.close();
  });

  test('a writer whose session was cut cannot save a snapshot or a checkpoint, and a node that is not the writer never can', async () => {
    const url = await freshDatabase();
    const store = postgresStore(url);
    const a = await openScheduler({ store, config: busyLab, lab: 'fence-snap' });
    await a.submit(order({ id: 'y1' }), T('09:00'));
    const sql = postgres(url, { max: 1, onnotice: () => undefined });
    const snapshots = async () =>
      (await sql`SELECT seq::int AS seq FROM snapshots ORDER BY seq`).map((r) => r.seq);
    await cutWriterSession(sql, 'fence-snap', store);
    const refused = await store.saveSnapshot(1, a.snapshot()).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(refused).toMatchObject({ code: 'write-failed' });
    expect((refused as Error).message).toMatch(/no longer holds the lab's writer lock/);
    expect(await snapshots()).toEqual([0]);

    // Another node is the writer now and commits its checkpoint, compacting the journal
    // behind it; the deposed one can write neither a snapshot nor a checkpoint.
    const checkpoints = async () =>
      (await sql`SELECT seq::int AS seq FROM checkpoints ORDER BY seq`).map((r) => r.seq);
    const b = await openScheduler({
      store: postgresStore(url),
      lab: 'fence-snap',
      snapshotEvery: 1,
    });
    await b.submit(order({ id: 'y2' }), T('09:05'));
    await b.close();
    expect(await checkpoints()).toEqual([2]);
    expect(await snapshots()).toEqual([]);
    for (const write of [
      () => store.saveSnapshot(1, a.snapshot()),
      () => store.saveCheckpointPart?.(1, 0, '{}'),
      () => store.commitCheckpoint?.(1, 1),
    ])
      await expect(write()).rejects.toMatchObject({ code: 'write-failed' });
    expect(await checkpoints()).toEqual([2]);
    await a.close();

    // A store that was opened but never became the writer (a read-only open) writes nothing.
    const reader = postgresStore(url);
    const { snapshot } = await reader.open({ lab: 'fence-snap', readOnly: true });
    expect(snapshot.seq).toBe(2);
    await expect(reader.saveSnapshot(5, snapshot.snapshot)).rejects.toMatchObject({
      code: 'write-failed',
    });
    await reader.close();
    expect(await checkpoints()).toEqual([2]);
    await sql.end();
  });

  test('a read made while a call is being committed answers from the committed state', async () => {
    const url = await freshDatabase();
    const s = await openScheduler({ store: postgresStore(url), config: busyLab, lab: 'pending' });
    await s.submit(order({ id: 'w1' }), T('09:00'));
    const before = s.snapshot();
    // Another session locks the journal, so that the writer's next INSERT waits for it: the
    // call is then decided but its transaction is not committed.
    const sql = postgres(url, { max: 2, onnotice: () => undefined });
    let locked!: () => void;
    const isLocked = new Promise<void>((r) => {
      locked = r;
    });
    let release!: () => void;
    const released = new Promise<void>((r) => {
      release = r;
    });
    const blocker = sql.begin(async (tx) => {
      await tx`LOCK TABLE journal IN SHARE MODE`;
      locked();
      await released;
    });
    await isLocked;
    const pending = s.submit(order({ id: 'w2', rush: { urgency: 'half-day' } }), T('09:05'));
    try {
      const waiting = async () =>
        (
          await sql<{ n: number }[]>`
            SELECT count(*)::int AS n FROM pg_stat_activity
            WHERE application_name = 'rushline:pending' AND wait_event_type = 'Lock'`
        )[0]?.n;
      await expect.poll(waiting, { interval: 20 }).toBe(1);
      expect((await sql`SELECT seq::int AS seq FROM journal`).map((r) => r.seq)).toEqual([1]);
      // Not on disk, so not in any answer: the reads see journal entry 1 and nothing after it.
      expect(() => s.explain('w2')).toThrow(ValidationError);
      expect(s.rushRegister()).toEqual([]);
      expect(s.plan('print').map((p) => p.orderId)).toEqual(['w1']);
      expect(s.snapshot()).toEqual(before);
      expect(s.journalSeq).toBe(1);
    } finally {
      release();
      await blocker;
    }
    const decided = await pending;
    expect(s.explain('w2').decision).toEqual(decided);
    expect(s.rushRegister().map((r) => r.orderId)).toEqual(['w2']);
    await s.close();
    await sql.end();
  });

  test('a second node waits as a standby while the writer lives, and follows its journal', async () => {
    const url = await freshDatabase();
    const a = await openScheduler({ store: postgresStore(url, { pollMs: 20 }), config: busyLab });
    await a.submit(order({ id: 's1' }), T('09:00'));
    // The standby says so before the writer lets go.
    const b = (await standby(postgresStore(url, { pollMs: 20 }), busyLab)).node;
    await a.submit(order({ id: 's2' }), T('09:05'));
    await a.close();
    const taken = await b;
    expect(taken.journalSeq).toBe(2);
    expect(taken.explain('s2').orderId).toBe('s2');
    await taken.submit(order({ id: 's3' }), T('09:10'));
    await taken.close();
  });

  test("a standby whose tail the writer compacted starts again from the writer's checkpoint", async () => {
    const url = await freshDatabase();
    const a = await openScheduler({
      store: postgresStore(url),
      config: busyLab,
      snapshotEvery: 2,
    });
    await a.submit(order({ id: 'k1' }), T('09:00'));
    let waiting = false;
    let restartedAt: number | undefined;
    const inner = postgresStore(url, { pollMs: 2000 });
    // The standby's store as it is, telling the test when it hands over a checkpoint.
    const watched: Store = {
      description: inner.description,
      open: (o) => inner.open(o),
      append: (e, r) => inner.append(e, r),
      saveSnapshot: (seq, snap) => inner.saveSnapshot(seq, snap),
      saveCheckpointPart: (seq, part, text) =>
        inner.saveCheckpointPart?.(seq, part, text) as Promise<void>,
      commitCheckpoint: (seq, parts) => inner.commitCheckpoint?.(seq, parts) as Promise<void>,
      readHistory: () => inner.readHistory(),
      readRegisters: (since) => inner.readRegisters(since),
      becomeWriter: (after, follow, onStandby) =>
        inner.becomeWriter?.(
          after,
          (entries, from) => {
            if (from) restartedAt = from.seq;
            follow(entries, from);
          },
          onStandby,
        ) as Promise<void>,
      close: () => inner.close(),
    };
    const b = openScheduler({
      store: watched,
      config: busyLab,
      onStandby: () => {
        waiting = true;
      },
    });
    await expect.poll(() => waiting, { interval: 20, timeout: 10_000 }).toBe(true);
    // Between two reads of the standby (2 s apart): a checkpoint at entry 2 is committed, and
    // the entries up to it are deleted, the one the standby needs next among them.
    await a.submit(order({ id: 'k2' }), T('09:05'));
    await a.submit(order({ id: 'k3', rush: { urgency: 'same-day' } }), T('09:10'));
    const state = a.snapshot();
    await a.close();
    const taken = await b;
    expect(restartedAt).toBe(2);
    expect(taken.journalSeq).toBe(3);
    expect(taken.snapshot()).toEqual(state);
    await taken.submit(order({ id: 'k4' }), T('09:15'));
    await taken.close();
  });
});
