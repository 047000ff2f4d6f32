/**
 * The crash test of issue 6: a child process runs a random stream through a durable scheduler
 * on SQLite and prints each answer after the call returned; the parent kills it with SIGKILL
 * after a random number of answers (the child is by then in the middle of later calls), reopens
 * the store and checks that every printed answer is on disk exactly as printed, every rush
 * register row column by column as the child's engine held the entry, and that the journal
 * replays.
 *
 * The stream is the hostile one of issue 16 (tests/support/journal-stream.mjs): a line called
 * `__proto__`, clients and orders called `__proto__`, `constructor`, `toString`, …, and values at
 * the limits, the last part in November 2199. The child begins a checkpoint every 10 calls,
 * written in parts over the calls after it, and each commit compacts the journal, so a kill
 * falls before, between or after a checkpoint's writes, and reopening restores the latest
 * committed checkpoint and replays the journal after it: a name or a value that a snapshot does
 * not carry through shows as a journal entry that does not replay, as a reopened state unlike
 * that of an engine that ran the same calls without stopping, or as a later answer unlike its.
 *
 * The child runs the built package (`npm test` builds before vitest runs).
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { createScheduler, openScheduler, type RushRecord, sqliteStore } from '../../src/index.js';
import { fcParams } from '../support/fc.js';
import { checkPrinted, DIST, type Printed, runChild } from '../support/journal-runs.js';
import { labOf, runCall, streamCalls } from '../support/journal-stream.mjs';

const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());

/** A row of `rush_register` as docs/durability.md describes it, spelled out from a printed entry. */
function expectedRow(r: RushRecord, seq: number) {
  return {
    order_id: r.orderId,
    journal_seq: seq,
    requested_at: iso(r.requestedAt),
    requested_at_ms: r.requestedAt,
    // The stream only submits: each order has one entry.
    ordinal: 0,
    day: r.day,
    client_id: r.clientId,
    tier: r.tier,
    line: r.line,
    product: r.product,
    quantity: r.quantity,
    units: r.units,
    urgency: r.urgency ?? null,
    cause: r.cause,
    reason: r.reason ?? null,
    responsible: r.responsible ?? null,
    outcome: r.outcome,
    deciding_rule: r.reasons[0]?.rule,
    deadline: iso(r.deadline),
    promised_by: iso(r.promisedBy),
    earliest_possible: iso(r.earliestPossible),
    tight: r.tight ? 1 : 0,
    quota_used: r.quota.used,
    quota_limit: r.quota.limit,
    recent_rushes: r.recentRushes,
    reasons: r.reasons,
    at_risk: r.atRisk,
    record: r,
  };
}

/**
 * Every rush register entry the child printed is a row of the table, every column as printed;
 * and the table has no row of an acknowledged call that the child did not print.
 */
function checkRushRows(file: string, printed: Printed[]) {
  const db = new Database(file, { readonly: true });
  const rows = (db.prepare('SELECT * FROM rush_register').all() as Record<string, unknown>[]).map(
    (row): Record<string, unknown> => ({
      ...row,
      // JSON columns as data: a record's keys may be listed in another order.
      reasons: JSON.parse(row.reasons as string),
      at_risk: JSON.parse(row.at_risk as string),
      record: JSON.parse(row.record as string),
    }),
  );
  db.close();
  const byId = new Map(rows.map((row) => [row.order_id as string, row]));
  const expected = printed.flatMap((p) => p.rush.map((r) => expectedRow(r, p.seq)));
  for (const row of expected)
    expect(byId.get(row.order_id), `rush row ${row.order_id}`).toEqual(row);
  const last = printed.at(-1)?.seq ?? 0;
  const acknowledged = rows.filter((row) => (row.journal_seq as number) <= last);
  expect(acknowledged.map((row) => row.order_id).sort()).toEqual(
    expected.map((row) => row.order_id).sort(),
  );
  return expected.length;
}

test('crash: killed with SIGKILL at random moments in a hostile stream, the store keeps every answer it gave and reopens (20 runs)', async () => {
  expect(existsSync(DIST), 'the child runs the built package: npm run build first').toBe(true);
  let runs = 0;
  let answers = 0;
  let rushRows = 0;
  let drivenOn = 0;
  let checkpointed = 0;
  let compacted = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 1, max: 1_000_000 }),
      // Up to past the stream's move to 2199 (about call 150 of 250).
      fc.integer({ min: 0, max: 260 }),
      async (seed, killAfter) => {
        const file = join(mkdtempSync(join(tmpdir(), 'rushline-crash-')), 'lab.db');
        const { printed, killed, stderr } = await runChild(file, seed, {
          killAfter,
          hostile: true,
        });
        expect(stderr).toBe('');
        runs++;
        answers += printed.length;
        rushRows += checkRushRows(file, printed);
        // A stream shorter than the kill point ends on its own; it is checked the same way.
        expect(killed || printed.length < killAfter).toBe(true);
        const store = sqliteStore(file);
        await store.open({ lab: 'crash-lab', readOnly: true });
        const s = await openScheduler({ store: file, lab: 'crash-lab' });
        try {
          await checkPrinted(store, printed, s);
          if ((printed.at(-1)?.checkpoint ?? 0) > 0) checkpointed++;
          if ((await store.readHistory()).seq > 0) compacted++;
          // The reopened engine is the one that never stopped: the same state after the calls
          // the journal holds (every call is one entry), and driven on, the same answers.
          const calls = streamCalls(seed, { hostile: true });
          const plain = createScheduler(labOf({ hostile: true }));
          const state = {};
          for (const c of calls.slice(0, s.journalSeq)) await runCall(plain, c, state);
          expect(s.snapshot()).toEqual(plain.snapshot());
          const resumed = {
            busy: s.plan('print').find((p) => p.status === 'in-production')?.orderId,
          };
          for (const [i, c] of calls.entries()) {
            if (i < s.journalSeq) continue;
            const again = await runCall(s, c, resumed);
            expect(again, `call ${i} after reopening`).toEqual(await runCall(plain, c, state));
            drivenOn++;
          }
        } finally {
          await s.close();
          await store.close();
        }
      },
    ),
    { ...fcParams(20), endOnFailure: true },
  );
  expect(runs).toBeGreaterThanOrEqual(20);
  expect(answers).toBeGreaterThan(20);
  expect(rushRows).toBeGreaterThan(0);
  expect(drivenOn).toBeGreaterThan(100);
  // Checkpoints and compaction were in play: killed after one was committed, and reopened from it.
  expect(checkpointed).toBeGreaterThanOrEqual(5);
  expect(compacted).toBeGreaterThanOrEqual(5);
}, 180_000);
