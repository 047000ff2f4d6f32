/**
 * What every `Store` promises (src/store/types.ts), as `describe` blocks any store can be run
 * through: a new store's header and first snapshot, the journal read back in order, snapshots
 * bounding the tail while the first one stays, register rows, refusing a store that is not
 * this lab's, read-only and closed instances, and a rejected write changing nothing.
 */
import { afterEach, describe, expect, test } from 'vitest';
import {
  createScheduler,
  type DeliveryRecord,
  type JournalEntry,
  type OpenedStore,
  type RegisterQuery,
  type ReworkRecord,
  type RushRecord,
  type Snapshot,
  STORE_SCHEMA_VERSION,
  type Store,
  StoreError,
  type StoreOpenOptions,
} from '../../src/index.js';
import { busyLab } from './labs.js';
import { order, T } from './orders.js';

/** A place a store lives in (a file, a database, an object), and the stores on it. */
export interface StorePlace {
  /** A store on the place, new and empty. */
  store: Store;
  /**
   * A store on the same place, to open after the first one is closed: reopening. (For an
   * in-memory store, the same object.)
   */
  again(): Store;
  /** A second store on the same place that can be open at the same time as the first, if the kind has one. */
  another?: () => Store;
}

/** How to make stores of one kind for the contract. */
export interface StoreKind {
  name: string;
  /** Skip the contract (a server that is not there). */
  skip?: boolean;
  /** A fresh, empty place. */
  fresh(): Promise<StorePlace>;
  /** A store on a place that holds something other than a rushline store, if the kind can have one. */
  foreign?: () => Promise<Store>;
  /** Whether its places give `another`: a second store open on the same data at once. */
  shared?: boolean;
}

const CONFIG = JSON.stringify({ lab: 'contract', note: 'any text; the store keeps it as given' });

/** Snapshots of the busy lab: at creation, and after each of a few calls. */
function snapshots(): Snapshot[] {
  const s = createScheduler(busyLab);
  const out = [s.snapshot()];
  for (let i = 0; i < 3; i++) {
    s.submit(order({ id: `s${i}` }), T('09:00') + i * 60_000);
    out.push(s.snapshot());
  }
  return out;
}

const entries: JournalEntry[] = [
  {
    seq: 1,
    call: { kind: 'submit', at: T('09:00'), order: order({ id: 'j1' }) },
    result: { orderId: 'j1', outcome: 'queued' },
  },
  {
    seq: 2,
    call: { kind: 'submitBatch', at: T('09:01'), orders: [order({ id: 'j2' })] },
    result: [{ orderId: 'j2' }],
  },
  { seq: 3, call: { kind: 'next', at: T('09:02'), lineId: 'gifts' }, result: null },
  { seq: 4, call: { kind: 'complete', at: T('09:03'), orderId: 'j1' }, result: { late: false } },
  {
    seq: 5,
    call: { kind: 'setCapacity', at: T('09:04'), lineId: 'print', unitsPerHour: 20 },
    result: ['j2'],
  },
];

function rush(orderId: string, at: number, over: Partial<RushRecord> = {}): RushRecord {
  return {
    orderId,
    clientId: `client-${orderId}`,
    tier: 'key',
    line: 'print',
    product: 'print',
    quantity: 40,
    units: 40,
    urgency: 'half-day',
    cause: 'client',
    requestedAt: at,
    day: '2026-11-24',
    outcome: 'rush-accepted',
    deadline: at + 4 * 3_600_000,
    promisedBy: at + 3 * 3_600_000,
    reasons: [{ rule: 'accepted', message: 'within quota' }],
    atRisk: ['x1', 'x2'],
    earliestPossible: at + 3_600_000,
    tight: true,
    quota: { used: 12.5, limit: 90 },
    recentRushes: 2,
    ...over,
  };
}

function rework(orderId: string, at: number, over: Partial<ReworkRecord> = {}): ReworkRecord {
  return {
    orderId,
    line: 'gifts',
    product: 'album',
    clientId: `client-${orderId}`,
    registeredAt: at,
    date: '2026-11-24',
    cause: 'scratched',
    responsible: 'QA',
    deadline: at + 24 * 3_600_000,
    ...over,
  };
}

const none = { rush: [], rushOrdinals: [], rework: [], delivery: [] };

/** The error a promise rejects with (fails the test if it resolves). */
async function rejection(p: Promise<unknown>): Promise<StoreError> {
  const e = await p.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(e, 'expected a rejection').toBeInstanceOf(StoreError);
  return e as StoreError;
}

/** Registers the contract for one kind of store. */
export function storeContract(kind: StoreKind): void {
  describe.skipIf(kind.skip)(`${kind.name}: the Store contract`, () => {
    const opened: Store[] = [];
    afterEach(async () => {
      for (const s of opened.splice(0)) await s.close();
    });

    /** Opens a store; a writable one is made the lab's writer where the store has writers. */
    async function open(store: Store, options: StoreOpenOptions): Promise<OpenedStore> {
      opened.push(store);
      const o = await store.open(options);
      if (!options.readOnly && store.becomeWriter)
        await store.becomeWriter(o.tail.at(-1)?.seq ?? o.snapshot.seq, () => undefined);
      return o;
    }

    async function created(lab = 'lab-a') {
      const place = await kind.fresh();
      const [first] = snapshots();
      const o = await open(place.store, {
        lab,
        create: { config: CONFIG, snapshot: first as Snapshot },
      });
      return { place, o, first: first as Snapshot };
    }

    test('a new store: its header as given, the first snapshot at seq 0, an empty journal', async () => {
      const { o, first } = await created();
      expect(o.header).toEqual({
        schemaVersion: STORE_SCHEMA_VERSION,
        lab: 'lab-a',
        createdAt: expect.any(String),
        config: CONFIG,
      });
      expect(new Date(o.header.createdAt).toISOString()).toBe(o.header.createdAt);
      expect(o.snapshot).toEqual({ seq: 0, snapshot: first });
      expect(o.tail).toEqual([]);

      const { store } = await kind.fresh();
      const unnamed = await open(store, { create: { config: CONFIG, snapshot: first } });
      expect(unnamed.header.lab).toBe('default');
    });

    test('without create, a store that does not exist is not-found, and is not created', async () => {
      const place = await kind.fresh();
      const [first] = snapshots() as [Snapshot];
      for (const options of [
        { lab: 'lab-a' },
        { readOnly: true },
        { readOnly: true, lab: 'lab-a', create: { config: CONFIG, snapshot: first } },
      ]) {
        const store = place.again();
        opened.push(store);
        expect((await rejection(store.open(options))).code).toBe('not-found');
        await store.close();
      }
      // Still nothing there: a new store is created as on an empty place.
      const o = await open(place.again(), {
        lab: 'lab-b',
        create: { config: CONFIG, snapshot: first },
      });
      expect(o.header.lab).toBe('lab-b');
    });

    test('the journal comes back in order with its answers; reopening keeps the header it was created with', async () => {
      const { place, o, first } = await created();
      for (const e of entries) await place.store.append(e, none);
      await place.store.close();

      const again = place.again();
      const other = snapshots()[3] as Snapshot;
      const re = await open(again, {
        lab: 'lab-a',
        create: { config: '{"another":"configuration"}', snapshot: other },
      });
      expect(re.header).toEqual(o.header);
      expect(re.snapshot).toEqual({ seq: 0, snapshot: first });
      expect(re.tail).toEqual(entries);
      expect(await again.readHistory()).toEqual({ seq: 0, snapshot: first, journal: entries });
    });

    test('the latest snapshot bounds the tail; the first one stays for the replay check', async () => {
      const { place, first } = await created();
      const [, s1, s2] = snapshots() as [Snapshot, Snapshot, Snapshot];
      for (const e of entries.slice(0, 3)) await place.store.append(e, none);
      await place.store.saveSnapshot(2, s1);
      await place.store.saveSnapshot(3, s2);
      for (const e of entries.slice(3)) await place.store.append(e, none);
      await place.store.close();

      const again = place.again();
      const re = await open(again, { lab: 'lab-a' });
      expect(re.snapshot).toEqual({ seq: 3, snapshot: s2 });
      expect(re.tail).toEqual(entries.slice(3));
      expect(await again.readHistory()).toEqual({ seq: 0, snapshot: first, journal: entries });
    });

    test('a checkpoint in parts: uncommitted parts change nothing; its commit compacts the journal behind it', async () => {
      const { place } = await created();
      const store = place.store as Required<Store>;
      const [, , s2, s3] = snapshots() as [Snapshot, Snapshot, Snapshot, Snapshot];
      // Text with a surrogate pair, cut anywhere a part may end.
      const text = JSON.stringify({ ...s2, note: 'labo \u{1F4F7} photo' });
      for (const e of entries.slice(0, 3)) await store.append(e, none);
      const third = Math.ceil(text.length / 3);
      await store.saveCheckpointPart(2, 0, text.slice(0, third));
      await store.saveCheckpointPart(2, 1, text.slice(third, 2 * third));
      // Not all parts: refused, and nothing changes.
      await expect(store.commitCheckpoint(2, 3)).rejects.toMatchObject({ code: 'write-failed' });
      expect((await store.readHistory()).journal).toEqual(entries.slice(0, 3));
      await store.saveCheckpointPart(2, 2, text.slice(2 * third));
      // A stray part of a checkpoint that will never be committed.
      await store.saveCheckpointPart(9, 0, '{');
      for (const e of entries.slice(3)) await store.append(e, none);
      await store.commitCheckpoint(2, 3);
      const history = await store.readHistory();
      expect(history).toEqual({ seq: 2, snapshot: JSON.parse(text), journal: entries.slice(2) });
      await store.close();

      const again = place.again();
      const re = await open(again, { lab: 'lab-a' });
      expect(re.snapshot).toEqual({ seq: 2, snapshot: JSON.parse(text) });
      expect(re.tail).toEqual(entries.slice(2));
      // A later checkpoint replaces it, and compacts further.
      const later = again as Required<Store>;
      await later.saveCheckpointPart(4, 0, JSON.stringify(s3));
      await later.commitCheckpoint(4, 1);
      expect(await later.readHistory()).toEqual({
        seq: 4,
        snapshot: s3,
        journal: entries.slice(4),
      });
    });

    test('register rows are written with their entry; a later row of the same order replaces it; since filters', async () => {
      const { place } = await created();
      const store = place.store;
      const r1 = rush('r1', T('09:00'));
      const w1 = rework('w1', T('09:00'));
      const r2 = rush('r2', T('09:30'), {
        outcome: 'rush-declined',
        reasons: [
          { rule: 'quota', message: 'over quota' },
          { rule: 'tight', message: 'line tight' },
        ],
        atRisk: [],
        tight: false,
        urgency: undefined,
        deadline: undefined,
        earliestPossible: undefined,
      });
      const w2 = rework('w2', T('09:40'), { cause: undefined, responsible: undefined });
      const e = entries as [JournalEntry, JournalEntry, JournalEntry, JournalEntry];
      await store.append(e[0], { rush: [r1], rework: [w1] });
      expect(await store.readRegisters()).toEqual({
        rush: [r1],
        rushOrdinals: [0],
        rework: [w1],
        delivery: [],
      });
      await store.append(e[1], { rush: [r2], rework: [w2] });
      const closed = { ...w1, closedAt: T('10:00') };
      await store.append(e[2], { rush: [], rework: [closed] });

      const all = await store.readRegisters();
      expect(all).toEqual({
        rush: [r1, r2],
        rushOrdinals: [0, 0],
        rework: [closed, w2],
        delivery: [],
      });
      // Plain data: the text form of each record is the record's own.
      expect(JSON.parse(JSON.stringify(all.rush[1]))).toEqual(JSON.parse(JSON.stringify(r2)));
      const only = (rush: RushRecord[], rework: ReworkRecord[]) => ({
        rush,
        rushOrdinals: rush.map(() => 0),
        rework,
        delivery: [],
      });
      expect(await store.readRegisters(T('09:15'))).toEqual(only([r2], [w2]));
      expect(await store.readRegisters(T('09:30'))).toEqual(only([r2], [w2]));
      expect(await store.readRegisters(T('09:31'))).toEqual(only([], [w2]));
      expect(await store.readRegisters(T('11:00'))).toEqual(none);

      // Reopened, the registers are the same.
      await store.close();
      const again = place.again();
      await open(again, { lab: 'lab-a', readOnly: true });
      expect(await again.readRegisters()).toEqual(all);
    });

    test('an order id used again, once its order left memory, is an entry of its own: the earlier one stays', async () => {
      const { place } = await created();
      const store = place.store as Required<Store>;
      const first = rush('x', T('09:00'));
      const w1 = rework('y', T('09:00'));
      const again = rush('x', T('11:00'), { outcome: 'rush-declined', clientId: 'other' });
      const w2 = rework('y', T('11:00'));
      const e = entries as [JournalEntry, JournalEntry, JournalEntry, JournalEntry];
      await store.append(e[0], { rush: [first], rework: [w1] });
      const closed = { ...w1, closedAt: T('10:00') };
      await store.append(e[1], { rush: [], rework: [closed] });
      await store.append(e[2], { rush: [again], rework: [w2] });
      // A later row of the newer entry (a hold marks it) replaces that entry only.
      const marked = { ...again, promisedBy: T('15:00') };
      await store.append(e[3], { rush: [marked], rework: [] });

      const all = {
        rush: [first, marked],
        rushOrdinals: [0, 0],
        rework: [closed, w2],
        delivery: [],
      };
      expect(await store.readRegisters()).toEqual(all);
      expect((await store.queryRegister('rush', { limit: 10 })).entries).toEqual(all.rush);
      expect((await store.queryRegister('rework', { limit: 10 })).entries).toEqual(all.rework);
      expect((await store.queryRegister('rush', { limit: 10, clientId: 'other' })).entries).toEqual(
        [marked],
      );
      // Pages of one: each entry once, the two of one id told apart by their time.
      const first1 = await store.queryRegister('rush', { limit: 1 });
      expect(first1).toMatchObject({ entries: [first], more: true });
      const second = await store.queryRegister('rush', {
        limit: 1,
        after: { at: first.requestedAt, orderId: 'x', ordinal: 0 },
      });
      expect(second.entries).toEqual([marked]);
      await store.close();
      const reopened = place.again() as Required<Store>;
      await open(reopened, { lab: 'lab-a', readOnly: true });
      expect(await reopened.readRegisters()).toEqual(all);
    });

    test('two rush entries of one order at one time are two rows, told apart by their ordinal: a mark replaces its own, pages hold each once', async () => {
      const { place } = await created();
      const store = place.store as Required<Store>;
      // A rush submitted and held in one millisecond, then released in it: a second entry.
      const held = rush('x', T('09:00'), { heldAt: T('09:00') });
      const released = rush('x', T('09:00'), { outcome: 'rush-declined' });
      const other = rush('y', T('09:00'));
      const e = entries as [JournalEntry, JournalEntry, JournalEntry, JournalEntry];
      await store.append(e[0], {
        rush: [rush('x', T('09:00')), other],
        rushOrdinals: [0, 0],
        rework: [],
      });
      await store.append(e[1], { rush: [held], rushOrdinals: [0], rework: [] });
      await store.append(e[2], { rush: [released], rushOrdinals: [1], rework: [] });
      // A later row of the second entry (a cancellation marks it) replaces it alone.
      const cancelled = { ...released, cancelledAt: T('09:05') };
      await store.append(e[3], { rush: [cancelled], rushOrdinals: [1], rework: [] });
      const all = await store.readRegisters();
      expect({ rush: all.rush, rushOrdinals: all.rushOrdinals }).toEqual({
        rush: [held, other, cancelled],
        rushOrdinals: [0, 0, 1],
      });
      expect(await store.queryRegister('rush', { limit: 10 })).toEqual({
        entries: [held, cancelled, other],
        ordinals: [0, 1, 0],
        more: false,
      });
      // Pages of one: the page after the first entry of 'x' holds its second, then 'y'.
      const after = { at: T('09:00'), orderId: 'x' };
      expect(
        await store.queryRegister('rush', { limit: 1, after: { ...after, ordinal: 0 } }),
      ).toEqual({ entries: [cancelled], ordinals: [1], more: true });
      expect(
        await store.queryRegister('rush', { limit: 1, after: { ...after, ordinal: 1 } }),
      ).toEqual({ entries: [other], ordinals: [0], more: false });
      await store.close();
      const reopened = place.again() as Required<Store>;
      await open(reopened, { lab: 'lab-a', readOnly: true });
      expect(await reopened.readRegisters()).toEqual(all);
    });

    test('the delivery register: hand-overs written with their entry, a reissue marks one, queries by time, client and outcome', async () => {
      const { place } = await created();
      const store = place.store as Required<Store>;
      const handover = (orderId: string, at: number, over: Partial<DeliveryRecord> = {}) => ({
        orderId,
        clientId: `client-${orderId}`,
        via: 'pickup' as const,
        shortItems: 0,
        deliveredAt: at,
        dueBy: T('12:00'),
        onTime: at <= T('12:00'),
        ...over,
      });
      const d1 = handover('d1', T('10:00'), { shortItems: 2, via: 'ship', reference: 'SF-1' });
      const d2 = handover('d2', T('13:00'));
      const d3 = handover('d3', T('11:00'), { clientId: 'client-d1' });
      const e = entries as [JournalEntry, JournalEntry, JournalEntry];
      await store.append(e[0], { rush: [], rework: [], delivery: [d1, d2] });
      // A missing rush for d1's two short items marks its entry.
      const marked = { ...d1, reissuedBy: ['r9'] };
      await store.append(e[1], { rush: [], rework: [], delivery: [marked, d3] });
      await store.append(e[2], { rush: [], rework: [] });
      const all = [marked, d3, d2];
      expect(await store.readRegisters()).toEqual({
        rush: [],
        rushOrdinals: [],
        rework: [],
        delivery: all,
      });
      expect((await store.readRegisters(T('10:30'))).delivery).toEqual([d3, d2]);
      const q = async (query: Partial<RegisterQuery>) =>
        (await store.queryRegister('delivery', { limit: 10, ...query })).entries;
      expect(await q({})).toEqual(all);
      expect(await q({ since: T('10:30'), until: T('13:00') })).toEqual([d3]);
      expect(await q({ clientId: 'client-d1' })).toEqual([marked, d3]);
      expect(await q({ outcome: 'late' })).toEqual([d2]);
      expect(await q({ outcome: 'on-time' })).toEqual([marked, d3]);
      const page = await store.queryRegister('delivery', { limit: 2 });
      expect(page).toEqual({ entries: [marked, d3], ordinals: [0, 0], more: true });
      expect(await q({ after: { at: d3.deliveredAt, orderId: 'd3', ordinal: 0 } })).toEqual([d2]);
      await store.close();
      const again = place.again() as Required<Store>;
      await open(again, { lab: 'lab-a', readOnly: true });
      expect((await again.readRegisters()).delivery).toEqual(all);
    });

    test('register queries: filters on time, client, line and outcome, pages in time then id order; explanations of settled orders', async () => {
      const { place } = await created();
      const store = place.store as Required<Store>;
      // Ties in time, and ids whose UTF-16 and UTF-8 orders differ ('\uFF5E' and an emoji).
      const rushes = [
        rush('b', T('09:00'), { clientId: 'ann', line: 'print' }),
        rush('a', T('09:00'), { clientId: 'bob', line: 'gifts', outcome: 'rush-declined' }),
        rush('\u{1F4F7}', T('09:30'), { clientId: 'ann', line: 'print' }),
        rush('\uFF5E', T('09:30'), { clientId: 'ann', line: 'print', outcome: 'rush-declined' }),
        rush('c', T('10:00'), { clientId: 'bob', line: 'print' }),
      ];
      const works = [
        rework('w1', T('09:00'), { clientId: 'ann' }),
        rework('w2', T('09:10'), { clientId: 'ann', closedAt: T('12:00') }),
        rework('w3', T('09:20'), { clientId: 'bob', line: 'print' }),
      ];
      const settled = createScheduler(busyLab);
      settled.submit(order({ id: 'done' }), T('08:00'));
      settled.next('print', T('08:10'));
      settled.complete('done', T('08:20'));
      const explanation = settled.explain('done');
      for (const [i, e] of entries.slice(0, 3).entries())
        await store.append(e, {
          rush: rushes.filter((_, k) => k % 3 === i),
          rework: works.filter((_, k) => k === i),
          ...(i === 2 ? { settled: [explanation] } : {}),
        });
      const ids = async (kind: 'rush' | 'rework', q: Partial<RegisterQuery>) =>
        (await store.queryRegister(kind, { limit: 100, ...q })).entries.map((r) => r.orderId);
      expect(await ids('rush', {})).toEqual(['a', 'b', '\uFF5E', '\u{1F4F7}', 'c']);
      expect(await ids('rush', { since: T('09:00'), until: T('10:00') })).toEqual([
        'a',
        'b',
        '\uFF5E',
        '\u{1F4F7}',
      ]);
      expect(await ids('rush', { since: T('09:01') })).toEqual(['\uFF5E', '\u{1F4F7}', 'c']);
      expect(await ids('rush', { clientId: 'ann', outcome: 'rush-accepted' })).toEqual([
        'b',
        '\u{1F4F7}',
      ]);
      expect(await ids('rush', { line: 'gifts' })).toEqual(['a']);
      expect(await ids('rework', { outcome: 'open' })).toEqual(['w1', 'w3']);
      expect(await ids('rework', { outcome: 'closed', clientId: 'ann' })).toEqual(['w2']);
      expect((await store.queryRegister('rework', { limit: 5, line: 'print' })).entries).toEqual([
        works[2],
      ]);
      // Pages of two, each after the last entry of the one before, in the same order.
      const paged: string[] = [];
      let after: RegisterQuery['after'];
      for (;;) {
        const page = await store.queryRegister('rush', { limit: 2, ...(after ? { after } : {}) });
        paged.push(...page.entries.map((r) => r.orderId));
        const last = page.entries.at(-1) as RushRecord;
        if (!page.more) break;
        after = { at: last.requestedAt, orderId: last.orderId, ordinal: 0 };
      }
      expect(paged).toEqual(await ids('rush', {}));

      expect(await store.readExplanation('done')).toEqual(explanation);
      expect(await store.readExplanation('nobody')).toBeUndefined();
      await store.close();
      const again = place.again() as Required<Store>;
      await open(again, { lab: 'lab-a', readOnly: true });
      expect(await again.readExplanation('done')).toEqual(explanation);
      expect((await again.queryRegister('rush', { limit: 100 })).entries).toHaveLength(5);
    });

    test('a rejected write leaves the store as it was', async () => {
      const { place, first } = await created();
      const store = place.store;
      const e1 = entries[0] as JournalEntry;
      await store.append(e1, { rush: [rush('r1', T('09:00'))], rework: [] });
      // The same sequence number again: refused, and its rows are not written either.
      const twice = { ...(entries[1] as JournalEntry), seq: 1 };
      const error = await store
        .append(twice, { rush: [rush('r9', T('09:05'))], rework: [rework('w9', T('09:05'))] })
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(error, 'a second entry 1 must be refused').toBeInstanceOf(StoreError);
      expect(error).toMatchObject({ code: 'write-failed' });
      expect(await store.readHistory()).toEqual({ seq: 0, snapshot: first, journal: [e1] });
      expect((await store.readRegisters()).rush.map((r) => r.orderId)).toEqual(['r1']);
      expect((await store.readRegisters()).rework).toEqual([]);
      // And the store goes on.
      await store.append(entries[1] as JournalEntry, none);
      expect((await store.readHistory()).journal).toEqual(entries.slice(0, 2));
    });

    test("another lab's store is refused, and left as it was; a read-only open without a lab reads any lab's", async () => {
      const { place, o, first } = await created('lab-a');
      await place.store.append(entries[0] as JournalEntry, {
        rush: [rush('r1', T('09:00'))],
        rework: [],
      });
      await place.store.close();

      for (const options of [
        { lab: 'lab-b' },
        { lab: 'lab-b', create: { config: CONFIG, snapshot: first } },
        { lab: 'lab-b', readOnly: true },
      ]) {
        const store = place.again();
        opened.push(store);
        const e = await rejection(store.open(options));
        expect(e.code).toBe('other-lab');
        expect(e.message).toContain(store.description);
        expect(e.message).toContain("'lab-a'");
        await store.close();
      }

      const reader = place.again();
      const re = await open(reader, { readOnly: true });
      expect(re.header).toEqual(o.header);
      expect(re.tail).toEqual(entries.slice(0, 1));
      expect((await reader.readRegisters()).rush.map((r) => r.orderId)).toEqual(['r1']);
    });

    // The tests a kind cannot have are not registered at all, rather than always skipped: a
    // store with no place of its own (memory) has no foreign database and no second opening.
    const ifForeign = kind.foreign ? test : () => undefined;
    const ifShared = kind.shared ? test : () => undefined;

    ifForeign('a database that is not a rushline store is refused', async () => {
      const store = await (kind.foreign as () => Promise<Store>)();
      opened.push(store);
      const [first] = snapshots() as [Snapshot];
      const e = await rejection(
        store.open({ lab: 'lab-a', create: { config: CONFIG, snapshot: first } }),
      );
      expect(e.code).toBe('foreign-database');
      expect(e.message).toContain(store.description);
    });

    test('opened read-only, it reads and refuses every write, changing nothing', async () => {
      const { place, first } = await created();
      await place.store.append(entries[0] as JournalEntry, none);
      await place.store.close();

      const reader = place.again();
      const re = await open(reader, { lab: 'lab-a', readOnly: true });
      expect(re.tail).toEqual(entries.slice(0, 1));
      await rejection(reader.append(entries[1] as JournalEntry, none));
      await rejection(reader.saveSnapshot(1, snapshots()[1] as Snapshot));
      expect(await reader.readHistory()).toEqual({
        seq: 0,
        snapshot: first,
        journal: entries.slice(0, 1),
      });
      await reader.close();

      const again = place.again();
      const back = await open(again, { lab: 'lab-a' });
      expect(back.snapshot).toEqual({ seq: 0, snapshot: first });
      expect(back.tail).toEqual(entries.slice(0, 1));
    });

    test('closed, every call is refused as closed; closing twice, or before opening, is fine', async () => {
      const never = (await kind.fresh()).store;
      await never.close();

      const { place } = await created();
      const store = place.store;
      await store.close();
      await store.close();
      for (const call of [
        () => store.append(entries[0] as JournalEntry, none),
        () => store.saveSnapshot(1, snapshots()[1] as Snapshot),
        () => store.readHistory(),
        () => store.readRegisters(),
      ]) {
        expect((await rejection(call())).code).toBe('closed');
      }
      // Closing did not lose anything, and the place opens again.
      const again = place.again();
      const re = await open(again, { lab: 'lab-a' });
      expect(re.tail).toEqual([]);
    });

    ifShared(
      'a write is committed when its promise resolves: another opening sees it',
      async () => {
        const { place } = await created();
        if (!place.another)
          throw new Error(`${kind.name}: shared, but its place gives no another()`);
        await place.store.append(entries[0] as JournalEntry, {
          rush: [rush('r1', T('09:00'))],
          rework: [],
        });
        const reader = place.another();
        const re = await open(reader, { lab: 'lab-a', readOnly: true });
        expect(re.tail).toEqual(entries.slice(0, 1));
        expect((await reader.readRegisters()).rush).toEqual([rush('r1', T('09:00'))]);
      },
    );
  });
}
