/**
 * The SQLite store's compaction, spread over the calls after a checkpoint's commit (issue 19):
 * the commit makes the older parts and the journal entries it includes unreadable at once,
 * and deletes them a few rows with each later journal entry, so that no call waits for all
 * of them. Opening never reads them, whenever it happens. Counts of rows, never timings.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, test } from 'vitest';
import { createScheduler, openScheduler, sqliteStore, verifyReplay } from '../../src/index.js';
import { closedAfterEach } from '../support/closing.js';
import { busyLab } from '../support/labs.js';
import { order, T } from '../support/orders.js';

const open = closedAfterEach();

const nth = (i: number) =>
  order({
    id: `c${i}`,
    clientId: `k${i % 7}`,
    ...(i % 5 === 0 ? { rush: { urgency: 'next-day' as const } } : {}),
  });
const at = (i: number) => T('09:00') + i * 60_000;

describe('compaction spread over the calls after a commit', () => {
  test('each call deletes a few of the rows a commit made unreadable, until none is left; reopening at any point is the same engine', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'rushline-compaction-')), 'lab.db');
    const every = 120;
    const s = await openScheduler({
      store: file,
      config: busyLab,
      snapshotEvery: every,
      checkpointPartSize: 2000,
    });
    open.push(s);
    const plain = createScheduler(busyLab);
    const look = new Database(file, { readonly: true });
    // What the latest committed checkpoint made unreadable: parts of older checkpoints, and
    // the journal entries it includes.
    const litter = () => {
      const latest = s.checkpointSeq;
      const parts = look
        .prepare('SELECT count(*) AS n FROM checkpoint_parts WHERE seq < ?')
        .get(latest) as { n: number };
      const entries = look
        .prepare('SELECT count(*) AS n FROM journal WHERE seq <= ?')
        .get(latest) as { n: number };
      return { parts: parts.n, entries: entries.n };
    };
    let i = 0;
    const call = async () => {
      expect(await s.submit(nth(i), at(i))).toEqual(plain.submit(nth(i), at(i)));
      i++;
    };
    // Until the second checkpoint is committed: the first one's parts are then litter too.
    while (s.checkpointSeq < 2 * every) await call();
    const after = litter();
    expect(after.parts).toBeGreaterThan(2);
    expect(after.entries).toBeGreaterThan(50);
    let before = after;
    let reopenedMidway = false;
    while (before.parts + before.entries > 0) {
      await call();
      const now = litter();
      // A few rows a call: at most 2 parts and 50 entries.
      expect(before.parts - now.parts).toBeLessThanOrEqual(2);
      expect(before.entries - now.entries).toBeLessThanOrEqual(50);
      expect(now.parts + now.entries).toBeLessThan(before.parts + before.entries);
      before = now;
      if (!reopenedMidway && now.parts + now.entries > 0) {
        // Read while litter remains (as a process opening after a crash would): the latest
        // checkpoint and the journal after it, nothing older, replaying to the same answers.
        const store = sqliteStore(file);
        const opened = await store.open({ lab: 'default', readOnly: true });
        expect(opened.snapshot.seq).toBe(s.checkpointSeq);
        expect(opened.tail.map((e) => e.seq)).toEqual(
          Array.from({ length: i - s.checkpointSeq }, (_, k) => s.checkpointSeq + 1 + k),
        );
        expect(await verifyReplay(store, { opened })).toMatchObject({
          ok: true,
          reopenProblems: [],
        });
        await store.close();
        reopenedMidway = true;
      }
    }
    expect(reopenedMidway).toBe(true);
    look.close();
    await s.close();
    const again = await openScheduler({ store: file });
    open.push(again);
    expect(again.snapshot()).toEqual(plain.snapshot());
  });
});
