/**
 * `rushline registers`, `rushline replay` and `rushline checkpoint` on a SQLite store, called
 * in-process.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, test } from 'vitest';
import { openScheduler, sqliteStore } from '../../src/index.js';
import { run } from '../support/cli.js';
import { order, T } from '../support/orders.js';
import { wholeSnapshotsOnly } from '../support/whole-snapshots.js';

const file = join(mkdtempSync(join(tmpdir(), 'rushline-cli-store-')), 'lab.db');

beforeAll(async () => {
  // Two days of a small lab: rushes on both, a rework on the second, closed the same day.
  const s = await openScheduler({ store: file, lab: 'hangzhou' });
  await s.submit(
    order({ id: 'a1', clientId: 'zhang, wei', rush: { urgency: 'same-day' } }),
    T('09:00'),
  );
  await s.submit(order({ id: 'a2' }), T('09:10'));
  const day2 = T('09:00') + 86_400_000;
  await s.submit(
    order({ id: 'b1', uploadedAt: day2 - 3_600_000, rush: { urgency: 'next-day' } }),
    day2,
  );
  await s.submit(
    order({
      id: 'b2',
      uploadedAt: day2 - 3_600_000,
      rush: { cause: 'rework', reason: 'wrong "matte" paper', responsible: 'QA' },
    }),
    day2 + 60_000,
  );
  let started = await s.next('print', day2 + 120_000);
  while (started && started.orderId !== 'b2') {
    await s.complete(started.orderId, day2 + 180_000);
    started = await s.next('print', day2 + 180_000);
  }
  await s.complete('b2', day2 + 3_600_000);
  await s.deliver('b2', { via: 'ship', reference: 'SF-1, "box"', shortItems: 1 }, day2 + 7_200_000);
  await s.close();
});

describe('rushline registers', () => {
  test('prints both registers as tables', async () => {
    const r = await run(['registers', '--store', file]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Rush register: 3 entries\n/);
    expect(r.out).toMatch(/Rework register: 1 entry\n/);
    expect(r.out).toMatch(/2026-11-24 09:00 +a1 .* same-day +client +rush-accepted +accepted/);
    expect(r.out).toMatch(
      /b2 +print +print +wrong "matte" paper +QA +2026-11-25 18:00 +2026-11-25 10:00/,
    );
  });

  test('--rush --csv is RFC 4180 with a header row, quoting what needs it', async () => {
    const r = await run(['registers', '--store', file, '--rush', '--csv']);
    expect(r.code).toBe(0);
    const lines = r.out.trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'requested_at,order_id,client_id,tier,line,product,quantity,units,urgency,cause,reason,responsible,outcome,deciding_rule,deadline,promised_by,earliest_possible,day,tight,quota_used,quota_limit,recent_rushes,reasons',
    );
    expect(lines).toHaveLength(4);
    expect(lines[1]).toMatch(/^2026-11-24 09:00,a1,"zhang, wei",regular,print/);
  });

  test('--rework --csv and --since pick the rows', async () => {
    const rework = await run(['registers', '--store', file, '--rework', '--csv']);
    expect(rework.out.split('\r\n')[1]).toMatch(
      /^2026-11-25 09:01,b2,.*,"wrong ""matte"" paper",QA,2026-11-25,2026-11-25 18:00,2026-11-25 10:00$/,
    );
    const since = await run([
      'registers',
      '--store',
      file,
      '--rush',
      '--csv',
      '--since',
      '2026-11-25',
    ]);
    expect(
      since.out
        .split('\r\n')
        .slice(1, -1)
        .map((l) => l.split(',')[1]),
    ).toEqual(['b1', 'b2']);
    const iso = await run([
      'registers',
      '--store',
      file,
      '--rush',
      '--since',
      '2026-11-25T09:00:30+08:00',
    ]);
    expect(iso.out).toMatch(/^Rush register: 1 entry\n/);
  });

  test('bad arguments and missing stores exit 2 and say why', async () => {
    expect((await run(['registers'])).err).toMatch(/--store: registers needs the store/);
    const both = await run(['registers', '--store', file, '--rush', '--rework']);
    expect(both.code).toBe(2);
    const csv = await run(['registers', '--store', file, '--csv']);
    expect([csv.code, csv.err]).toEqual([
      2,
      expect.stringMatching(/choose --rush, --rework or --delivery/),
    ]);
    const two = await run(['registers', '--store', file, '--rework', '--delivery']);
    expect([two.code, two.err]).toEqual([
      2,
      expect.stringMatching(/--rework, --delivery: give one/),
    ]);
    const since = await run(['registers', '--store', file, '--since', 'yesterday']);
    expect([since.code, since.err]).toEqual([
      2,
      expect.stringMatching(/--since: expected yyyy-MM-dd/),
    ]);
    const none = await run(['registers', '--store', join(tmpdir(), 'no-such-rushline.db')]);
    expect([none.code, none.err]).toEqual([2, expect.stringMatching(/no rushline store here/)]);
    const lab = await run(['replay', '--store', file, '--lab', 'ningbo']);
    expect([lab.code, lab.err]).toEqual([
      2,
      expect.stringMatching(/lab 'hangzhou', not of 'ningbo'/),
    ]);
  });

  test('--delivery: the hand-overs, as a table or RFC 4180', async () => {
    const r = await run(['registers', '--store', file, '--delivery']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Delivery register: 1 entry\n/);
    expect(r.out).toMatch(/2026-11-25 11:00 +b2 .* ship +SF-1, "box" +1 /);
    const c = await run(['registers', '--store', file, '--delivery', '--csv']);
    expect(c.out.split('\r\n').slice(0, 2)).toEqual([
      'delivered_at,order_id,client_id,via,reference,short_items,due_by,on_time,reissued_by',
      expect.stringMatching(/^2026-11-25 11:00,b2,c\d+,ship,"SF-1, ""box""",1,/),
    ]);
    // Every register, when none is chosen.
    expect((await run(['registers', '--store', file])).out).toMatch(/Delivery register: 1 entry\n/);
  });
});

describe('rushline replay', () => {
  test('a sound journal replays: exit 0 and one line saying so', async () => {
    const r = await run(['replay', '--store', file]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(
      /^replayed \d+ journaled calls \(entries 1–\d+\) from the first snapshot: every answer matches/,
    );
  });

  test('a tampered entry: exit 1, naming the entry', async () => {
    const copy = join(mkdtempSync(join(tmpdir(), 'rushline-cli-store-')), 'lab.db');
    const db = new Database(file, { readonly: true });
    await db.backup(copy);
    db.close();
    const w = new Database(copy);
    const row = w.prepare('SELECT result FROM journal WHERE seq = 3').get() as { result: string };
    w.prepare('UPDATE journal SET result = ? WHERE seq = 3').run(
      row.result.replace('"rush-accepted"', '"rush-declined"'),
    );
    w.close();
    const r = await run(['replay', '--store', copy]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(
      /1 answer differs from the recorded one\njournal entry 3:\n {2}recorded .*rush-declined/,
    );
  });

  test('a store that would not reopen: exit 1, naming the entry and what the snapshot lost', async () => {
    // Every line tight: the fifth rush of a client is declined as a frequent rusher. The
    // snapshot after entry 4 loses the client's rushes, so entry 5 no longer replays on it,
    // though it does on the engine replayed from the first snapshot.
    const lab = join(mkdtempSync(join(tmpdir(), 'rushline-cli-store-')), 'lab.db');
    // Whole snapshots and the whole journal, as before checkpoints compacted it.
    const s = await openScheduler({
      store: wholeSnapshotsOnly(sqliteStore(lab)),
      config: { policy: { rush: { tightLoad: 0 } } },
      snapshotEvery: 4,
    });
    for (let i = 0; i < 5; i++)
      await s.submit(order({ clientId: 'li', rush: { urgency: 'next-day' } }), T('09:00') + i);
    const w = new Database(lab);
    const row = w.prepare('SELECT snapshot FROM snapshots WHERE seq = 4').get() as {
      snapshot: string;
    };
    const snap = JSON.parse(row.snapshot);
    snap.clientRushes = {};
    w.prepare('UPDATE snapshots SET snapshot = ? WHERE seq = 4').run(JSON.stringify(snap));
    w.close();
    await expect(openScheduler({ store: lab })).rejects.toThrow(/journal entry 5 does not replay/);
    const r = await run(['replay', '--store', lab]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(
      /^replayed 5 journaled calls from the first snapshot: every answer matches/,
    );
    expect(r.out).toMatch(/journal entry 4\) restores to another state .*\(clientRushes differ\)/);
    expect(r.out).toMatch(/journal entry 5 does not replay to the answer it recorded/);
    await s.close();
  });
});

describe('rushline checkpoint', () => {
  /** A copy of the two days' store, to write to. */
  async function copyOfStore(): Promise<string> {
    const copy = join(mkdtempSync(join(tmpdir(), 'rushline-cli-store-')), 'lab.db');
    const db = new Database(file, { readonly: true });
    await db.backup(copy);
    db.close();
    return copy;
  }
  const journalRows = (at: string) => {
    const db = new Database(at, { readonly: true });
    const { n } = db.prepare('SELECT count(*) AS n FROM journal').get() as { n: number };
    db.close();
    return n;
  };

  test('writes a checkpoint and compacts the journal: the store then opens with no call to replay', async () => {
    const copy = await copyOfStore();
    const calls = journalRows(copy);
    expect(calls).toBeGreaterThan(4);
    const r = await run(['checkpoint', '--store', copy, '--lab', 'hangzhou']);
    expect([r.code, r.out]).toEqual([
      0,
      `checkpoint written at journal entry ${calls}: opening the store replays no call\n`,
    ]);
    // The entries it includes are unreadable from now on (SQLite deletes them a few at a time
    // with later calls): opening reads the checkpoint and nothing after it.
    const reader = sqliteStore(copy);
    expect((await reader.open({ readOnly: true })).tail).toEqual([]);
    await reader.close();
    // Reopened, it is the store it was: the registers are all there.
    const registers = await run(['registers', '--store', copy]);
    expect(registers.out).toMatch(/^Rush register: 3 entries\n/);
  });

  test('a journal that does not replay (as after an upgrade whose rules differ) is refused with the way out', async () => {
    const copy = await copyOfStore();
    const w = new Database(copy);
    const row = w.prepare('SELECT result FROM journal WHERE seq = 3').get() as { result: string };
    w.prepare('UPDATE journal SET result = ? WHERE seq = 3').run(
      row.result.replace('"rush-accepted"', '"rush-declined"'),
    );
    w.close();
    await expect(openScheduler({ store: copy, lab: 'hangzhou' })).rejects.toThrow(
      /journal entry 3 does not replay .* call checkpoint\(\) \(or run rushline checkpoint\)/,
    );
    const r = await run(['checkpoint', '--store', copy, '--lab', 'hangzhou']);
    expect([r.code, r.err]).toEqual([2, expect.stringMatching(/journal entry 3 does not replay/)]);
  });

  test('a store that is not there is not made: exit 2', async () => {
    const missing = join(mkdtempSync(join(tmpdir(), 'rushline-cli-store-')), 'none.db');
    const r = await run(['checkpoint', '--store', missing]);
    expect([r.code, r.err]).toEqual([2, expect.stringMatching(/no rushline store here/)]);
    expect(existsSync(missing)).toBe(false);
    expect((await run(['checkpoint'])).err).toMatch(/--store: checkpoint needs the store/);
  });
});
