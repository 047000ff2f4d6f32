/**
 * Checkpoints that do not stop the lab (issue 19): a checkpoint is written in parts, one after
 * each call answered, the calls going on between its parts; its commit compacts the journal,
 * and reopening from it is the engine that made the calls. Counts and order of writes, never
 * timings.
 */
import { describe, expect, test } from 'vitest';
import {
  type CustomGate,
  createScheduler,
  memoryStore,
  openScheduler,
  type SchedulerConfig,
  type Store,
} from '../../src/index.js';
import { closedAfterEach } from '../support/closing.js';
import { busyLab } from '../support/labs.js';
import { order, T } from '../support/orders.js';
import { committingLater } from '../support/stores.js';
import { wholeSnapshotsOnly } from '../support/whole-snapshots.js';

const open = closedAfterEach();

/**
 * A store that logs its writes in order (`append 3`, `part 5:0`, `commit 5`), and keeps the
 * text of each checkpoint part in `texts`.
 */
function logged(inner: Store, log: string[], texts: string[] = []): Store {
  return {
    description: inner.description,
    open: (o) => inner.open(o),
    append: (e, r) => {
      log.push(`append ${e.seq}`);
      return inner.append(e, r);
    },
    saveSnapshot: (seq, snap) => {
      log.push(`snapshot ${seq}`);
      return inner.saveSnapshot(seq, snap);
    },
    saveCheckpointPart: (seq, part, text) => {
      log.push(`part ${seq}:${part}`);
      texts.push(text);
      return inner.saveCheckpointPart?.(seq, part, text) as Promise<void>;
    },
    commitCheckpoint: (seq, parts) => {
      log.push(`commit ${seq}`);
      return inner.commitCheckpoint?.(seq, parts) as Promise<void>;
    },
    readHistory: () => inner.readHistory(),
    readRegisters: (since) => inner.readRegisters(since),
    close: () => inner.close(),
  };
}

/**
 * The n-th call of a day of submits, a few of them rushes; some clients' names are Chinese, one
 * with a camera (a surrogate pair), as a lab's are.
 */
const nth = (i: number) =>
  order({
    id: `c${i}`,
    clientId: i % 3 === 0 ? `影楼-${i % 7}-📷` : `k${i % 7}`,
    ...(i % 5 === 0 ? { rush: { urgency: 'next-day' as const } } : {}),
  });

/**
 * Runs calls until the checkpoint begun after call `every` is committed, waiting before each
 * call for its next part to be in hand, so that every call is followed by one part's write.
 */
async function untilCommitted(config: SchedulerConfig, every: number) {
  const inner = memoryStore();
  const log: string[] = [];
  const texts: string[] = [];
  const s = await openScheduler({
    store: logged(inner, log, texts),
    config,
    snapshotEvery: every,
    checkpointPartSize: 400,
  });
  open.push(s);
  const plain = createScheduler(config);
  let i = 0;
  const call = async () => {
    const o = nth(i);
    const at = T('09:00') + i * 60_000;
    i++;
    expect(await s.submit(o, at)).toEqual(plain.submit(o, at));
  };
  while (i < every) await call();
  for (let guard = 0; !log.includes(`commit ${every}`); guard++) {
    expect(guard, 'the checkpoint is committed within 500 calls').toBeLessThan(500);
    await call();
  }
  return { s, inner, log, texts, plain, calls: i };
}

describe('a checkpoint written while calls keep being answered', () => {
  const kinds: [string, SchedulerConfig][] = [
    ['a lab without custom gates', busyLab],
    [
      'a lab with custom gates',
      {
        ...busyLab,
        gates: [{ id: 'no-frames', decline: () => undefined } satisfies CustomGate],
      },
    ],
  ];
  for (const [kind, config] of kinds) {
    test(`${kind}: one part after each call, calls between its parts, then the commit compacts`, async () => {
      const every = 20;
      const { s, inner, log, texts, plain, calls } = await untilCommitted(config, every);
      // Every part is ASCII (what lies beyond is escaped), so that opening joins them into a
      // string of one byte a character; the clients' names come back whole all the same.
      expect(texts.length).toBeGreaterThan(0);
      expect(texts.some((t) => /[\u0080-\uffff]/.test(t))).toBe(false);
      expect(texts.join('')).toContain('\\u5f71\\u697c');
      const first = log.indexOf(`part ${every}:0`);
      const commit = log.indexOf(`commit ${every}`);
      const during = log.slice(first, commit);
      const parts = during.filter((w) => w.startsWith('part'));
      const appends = during.filter((w) => w.startsWith('append'));
      // Several parts, in order, each written after a call was answered and before the next.
      expect(parts.length).toBeGreaterThanOrEqual(3);
      expect(parts).toEqual(parts.map((_, k) => `part ${every}:${k}`));
      expect(during).toEqual(parts.flatMap((p, k) => (k === 0 ? [p] : [appends[k - 1], p])));
      expect(appends.length).toBe(parts.length - 1);
      // No whole snapshot, and the checkpoint holds the state at its entry, not later.
      expect(log.some((w) => w.startsWith('snapshot'))).toBe(false);
      expect(s.checkpointSeq).toBe(every);
      const history = await inner.readHistory();
      expect(history.seq).toBe(every);
      expect(history.journal.map((e) => e.seq)).toEqual(
        Array.from({ length: calls - every }, (_, k) => every + 1 + k),
      );
      const replayed = createScheduler(config);
      for (let k = 0; k < every; k++) replayed.submit(nth(k), T('09:00') + k * 60_000);
      expect(history.snapshot).toEqual(replayed.snapshot());

      // Closing gives up nothing that was answered, and writes no snapshot; reopening replays
      // the tail after the checkpoint to the same engine.
      await s.close();
      expect(log.some((w) => w.startsWith('snapshot'))).toBe(false);
      const again = await openScheduler({ store: inner, config });
      open.push(again);
      expect(again.journalSeq).toBe(calls);
      expect(again.snapshot()).toEqual(plain.snapshot());
      const o = nth(calls);
      expect(await again.submit(o, T('12:00'))).toEqual(plain.submit(o, T('12:00')));
    });
  }

  test('a checkpoint is not begun while one is in progress; closing gives one up, or finishes it when checkpoints keep being cut off', async () => {
    for (const every of [3, 2]) {
      const inner = memoryStore();
      const log: string[] = [];
      const s = await openScheduler({
        store: logged(inner, log),
        config: busyLab,
        snapshotEvery: every,
        checkpointPartSize: 200,
      });
      open.push(s);
      for (let i = 0; i < every; i++) await s.submit(nth(i), T('09:00') + i * 60_000);
      for (let i = every; i < 5; i++) await s.submit(nth(i), T('09:00') + i * 60_000);
      // Due again after call 2 × every, but the first checkpoint has parts still to write.
      const parts = log.filter((w) => w.startsWith('part'));
      expect(parts.length).toBeGreaterThan(0);
      expect(parts.every((w) => w.startsWith(`part ${every}:`))).toBe(true);
      expect(s.checkpointSeq).toBe(0);
      await s.close();
      await inner.open({ readOnly: true });
      const history = await inner.readHistory();
      if (every === 3) {
        // 5 calls since the last checkpoint, under 2 × 3: given up, the journal whole.
        expect(log.some((w) => w.startsWith('commit') || w.startsWith('snapshot'))).toBe(false);
        expect(history.seq).toBe(0);
        expect(history.journal).toHaveLength(5);
      } else {
        // 5 calls, over 2 × 2: closing finished it.
        expect(log.at(-1)).toBe('commit 2');
        expect(history.seq).toBe(2);
        expect(history.journal.map((e) => e.seq)).toEqual([3, 4, 5]);
      }
      await inner.close();
    }
  });

  test('a part holds at most checkpointPartSize characters, whole pieces, and the parts join to the snapshot', async () => {
    const inner = memoryStore();
    const log: string[] = [];
    const texts: string[] = [];
    const partSize = 5000;
    const s = await openScheduler({
      store: logged(inner, log, texts),
      config: busyLab,
      snapshotEvery: 1000,
      checkpointPartSize: partSize,
    });
    open.push(s);
    for (let i = 0; i < 40; i++) await s.submit(nth(i), T('09:00') + i * 60_000);
    const state = JSON.stringify(s.snapshot());
    expect(await s.checkpoint()).toBe(40);
    expect(texts.length).toBeGreaterThan(3);
    for (const text of texts) expect(text.length).toBeLessThanOrEqual(partSize);
    // Each part but the last is full up to a piece: an order's text is under 1,000 characters.
    for (const text of texts.slice(0, -1)) expect(text.length).toBeGreaterThan(partSize - 1000);
    expect(JSON.parse(texts.join(''))).toEqual(JSON.parse(state));
  });

  test('reopened on a long tail, the next checkpoint is due from the latest one the store holds', async () => {
    const inner = memoryStore();
    const s = await openScheduler({ store: inner, config: busyLab, snapshotEvery: 1000 });
    for (let i = 0; i < 10; i++) await s.submit(nth(i), T('09:00') + i * 60_000);
    await s.close();
    // Ten entries after the first snapshot: more than `snapshotEvery`, so a checkpoint is due.
    const log: string[] = [];
    const again = await openScheduler({ store: logged(inner, log), snapshotEvery: 4 });
    open.push(again);
    expect(again.checkpointSeq).toBe(0);
    await again.submit(nth(10), T('12:00'));
    // The part (the only one) is written after call 11 is answered, before call 12.
    await again.submit(nth(11), T('12:01'));
    expect(log).toEqual(['append 11', 'part 11:0', 'commit 11', 'append 12']);
    expect(again.checkpointSeq).toBe(11);
  });
});

describe('checkpoint(): the whole journal behind a checkpoint, as before an upgrade', () => {
  const gated: SchedulerConfig = {
    ...busyLab,
    gates: [{ id: 'no-frames', decline: () => undefined } satisfies CustomGate],
  };
  test.each([
    ['one engine', (inner: Store) => inner, busyLab, 'commit'],
    ['two engines (a commit that waits)', committingLater, busyLab, 'commit'],
    ['a lab with custom gates', (inner: Store) => inner, gated, 'commit'],
    ['a store without checkpoints: a whole snapshot', wholeSnapshotsOnly, busyLab, 'snapshot'],
  ] as const)('%s', async (_, wrap, config, write) => {
    const inner = memoryStore();
    const log: string[] = [];
    const s = await openScheduler({
      store: wrap(logged(inner, log)),
      config,
      snapshotEvery: 4,
      checkpointPartSize: 300,
    });
    open.push(s);
    const plain = createScheduler(config);
    const call = async (i: number) => {
      const at = T('09:00') + i * 60_000;
      expect(await s.submit(nth(i), at)).toEqual(plain.submit(nth(i), at));
    };
    for (let i = 0; i < 6; i++) await call(i);
    // The one begun at entry 4 is finished first; a call made meanwhile waits its turn.
    const taken = s.checkpoint();
    const meanwhile = call(6);
    expect(await taken).toBe(6);
    await meanwhile;
    const appends = (from: number, to: number) =>
      Array.from({ length: to - from + 1 }, (_, k) => `append ${from + k}`);
    expect(log.filter((w) => !w.startsWith('part'))).toEqual(
      write === 'commit'
        ? [...appends(1, 6), 'commit 4', 'commit 6', 'append 7']
        : [...appends(1, 4), 'snapshot 4', 'append 5', 'append 6', 'snapshot 6', 'append 7'],
    );
    // Nothing new since: another is not written.
    await s.close();
    await inner.open({ readOnly: true });
    const history = await inner.readHistory();
    expect([history.seq, history.journal.map((e) => e.seq)]).toEqual(
      write === 'commit' ? [6, [7]] : [0, [1, 2, 3, 4, 5, 6, 7]],
    );
    await inner.close();
    const again = await openScheduler({ store: wrap(inner), config });
    open.push(again);
    expect(again.plan()).toEqual(plain.plan());
    expect(await again.checkpoint()).toBe(7);
    expect(await again.checkpoint()).toBe(7);
  });
});
