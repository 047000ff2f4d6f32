/**
 * The registers of a durable scheduler as tables (issue 19): `queryRegister` pages through what
 * the store holds, with filters, and agrees with the engine's own registers; a completion
 * stores the order's explanation, which `explainFromStore` answers from.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { registerQuery } from '../../src/durable/registers.js';
import {
  createScheduler,
  type DurableScheduler,
  memoryStore,
  openScheduler,
  postgresStore,
  type RegisterQueryOptions,
  type RushRecord,
  type Scheduler,
  type Store,
  sqliteStore,
  ValidationError,
  verifyReplay,
} from '../../src/index.js';
import { closedAfterEach } from '../support/closing.js';
import { fcParams } from '../support/fc.js';
import { busyLab } from '../support/labs.js';
import { order, T } from '../support/orders.js';
import { PG_URL, pgDatabases } from '../support/pg.js';

const open = closedAfterEach();

const byteOrder = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

/** A morning of rushes from four clients on two lines, some finished, some rework. */
async function morning(s: DurableScheduler) {
  for (let i = 0; i < 40; i++) {
    const product = i % 3 === 0 ? 'album' : 'print';
    await s.submit(
      order({
        id: `m${i}`,
        clientId: `c${i % 4}`,
        product,
        ...(i % 2 === 0
          ? { rush: { urgency: 'same-day' as const } }
          : i % 7 === 0
            ? { rush: { cause: 'rework' as const, reason: 'scratched', responsible: 'QA' } }
            : {}),
      }),
      T('09:00') + Math.floor(i / 3) * 60_000,
    );
  }
  for (let i = 0; i < 6; i++) {
    const started = await s.next('print', T('10:00') + i * 600_000);
    if (started) await s.complete(started.orderId, T('10:05') + i * 600_000);
  }
}

/** Every page of a query, following `next`. */
async function allPages(s: DurableScheduler, q: RegisterQueryOptions) {
  const out: RushRecord[] = [];
  let after: string | undefined;
  let pages = 0;
  do {
    const page = await s.queryRegister('rush', { ...q, ...(after ? { after } : {}) });
    out.push(...page.entries);
    after = page.next;
    pages++;
  } while (after !== undefined);
  return { entries: out, pages };
}

describe.each([
  ['memory', () => memoryStore()],
  ['SQLite', () => join(mkdtempSync(join(tmpdir(), 'rushline-registers-')), 'lab.db')],
])('registers as tables (%s)', (_, where) => {
  test('any filter and page size gives, page after page, the engine register filtered and ordered by time then id', async () => {
    const s = await openScheduler({ store: where(), config: busyLab });
    open.push(s);
    await morning(s);
    const register = s.rushRegister();
    expect(register.length).toBeGreaterThan(10);
    await fc.assert(
      fc.asyncProperty(
        fc.record(
          {
            since: fc.integer({ min: T('08:55'), max: T('09:20') }),
            until: fc.integer({ min: T('09:00'), max: T('09:20') }),
            clientId: fc.constantFrom('c0', 'c1', 'c2', 'c3'),
            line: fc.constantFrom('print', 'gifts'),
            outcome: fc.constantFrom('rush-accepted', 'rush-declined'),
          },
          { requiredKeys: [] },
        ),
        fc.integer({ min: 1, max: 12 }),
        async (filters, limit) => {
          const expected = register
            .filter(
              (r) =>
                (filters.since === undefined || r.requestedAt >= filters.since) &&
                (filters.until === undefined || r.requestedAt < filters.until) &&
                (filters.clientId === undefined || r.clientId === filters.clientId) &&
                (filters.line === undefined || r.line === filters.line) &&
                (filters.outcome === undefined || r.outcome === filters.outcome),
            )
            .sort((a, b) => a.requestedAt - b.requestedAt || byteOrder(a.orderId, b.orderId));
          const { entries, pages } = await allPages(s, { ...filters, limit });
          expect(entries).toEqual(expected);
          expect(pages).toBe(Math.max(1, Math.ceil(expected.length / limit)));
        },
      ),
      fcParams(40),
    );
    const rework = await s.queryRegister('rework', { outcome: 'open' });
    expect(rework.entries).toEqual(s.reworkRegister().filter((r) => r.closedAt === undefined));
  });

  test('a finished order is explained by the store as explain answered when it finished', async () => {
    const s = await openScheduler({ store: where(), config: busyLab });
    open.push(s);
    await morning(s);
    const done = Array.from({ length: 40 }, (_, i) => `m${i}`).filter(
      (id) => s.explain(id).status === 'finished',
    );
    expect(done.length).toBeGreaterThan(0);
    for (const id of done) expect(await s.explainFromStore(id)).toEqual(s.explain(id));
    // An order nobody knows is refused as explain refuses it.
    await expect(s.explainFromStore('nobody')).rejects.toBeInstanceOf(ValidationError);
  });

  test('an order id used again once its order left memory: both rush and rework entries stay in the tables', async () => {
    const s = await openScheduler({ store: where(), config: { ...busyLab, retention: 0 } });
    open.push(s);
    const rush = order({ id: 'again', rush: { urgency: 'same-day' } });
    const rework = order({ id: 'redo', rush: { cause: 'rework', reason: 'scratched' } });
    await s.submitBatch([rush, rework], T('09:00'));
    // The rework goes first (rules.md §2).
    for (const [i, id] of ['redo', 'again'].entries()) {
      expect((await s.next('print', T('09:10') + i * 60_000))?.orderId).toBe(id);
      await s.complete(id, T('09:10') + i * 60_000 + 30_000);
    }
    // With no retention, both leave memory at the next call that moves time; their ids come again.
    expect(await s.next('print', T('10:00'))).toBeUndefined();
    expect(s.memorySizes().orders).toBe(0);
    await s.submitBatch(
      [
        { ...rush, rush: { urgency: 'next-day' } },
        { ...rework, rush: { cause: 'rework', reason: 'torn' } },
      ],
      T('10:00'),
    );
    // The engine holds only the newer entries; the tables hold both of each id.
    expect(s.rushRegister().map((r) => [r.orderId, r.requestedAt])).toEqual([
      ['redo', T('10:00')],
      ['again', T('10:00')],
    ]);
    const rushes = (await s.queryRegister('rush', { clientId: rush.clientId })).entries;
    expect(rushes.map((r) => [r.requestedAt, r.urgency])).toEqual([
      [T('09:00'), 'same-day'],
      [T('10:00'), 'next-day'],
    ]);
    const reworks = (await s.queryRegister('rework', {})).entries;
    expect(reworks.map((r) => [r.registeredAt, r.cause, r.closedAt])).toEqual([
      [T('09:00'), 'scratched', T('09:10') + 30_000],
      [T('10:00'), 'torn', undefined],
    ]);
  });

  test('reopened after older entries left memory, a hold and a completion still mark their rows', async () => {
    const place = where();
    const config = { ...busyLab, retention: 1 };
    const s = await openScheduler({ store: place, config });
    // Day 1: a rush and a rework, finished, so that both registers drop them a day on.
    await s.submit(order({ id: 'old', rush: { urgency: 'same-day' } }), T('09:00'));
    await s.submit(order({ id: 'fix', rush: { cause: 'rework', reason: 'torn' } }), T('09:01'));
    for (const [i, id] of ['fix', 'old'].entries()) {
      expect((await s.next('print', T('09:30') + i * 600_000))?.orderId).toBe(id);
      await s.complete(id, T('09:35') + i * 600_000);
    }
    // Day 3: the first entries have left memory; new ones are numbered after them.
    const day3 = T('09:00') + 2 * 86_400_000;
    await s.submit(order({ id: 'kept', rush: { urgency: 'next-day' } }), day3);
    await s.submit(order({ id: 'redo', rush: { cause: 'rework', reason: 'smudged' } }), day3);
    expect(s.rushRegister().map((r) => r.orderId)).toEqual(['kept', 'redo']);
    expect(s.registerSizes()).toMatchObject({ rush: 4, rework: 2 });
    await s.close();
    // A restarted service marks what it finds in the engine.
    const again = await openScheduler({ store: place, config });
    open.push(again);
    await again.hold('kept', day3 + 60_000);
    expect((await again.next('print', day3 + 120_000))?.orderId).toBe('redo');
    await again.complete('redo', day3 + 180_000);
    const rushes = (await again.queryRegister('rush', { since: day3 })).entries;
    expect(rushes.map((r) => [r.orderId, r.heldAt])).toEqual([
      ['kept', day3 + 60_000],
      ['redo', undefined],
    ]);
    const reworks = (await again.queryRegister('rework', { since: day3 })).entries;
    expect(reworks.map((r) => [r.orderId, r.closedAt])).toEqual([['redo', day3 + 180_000]]);
  });

  test('the delivery register as a table: hand-overs, a reissue marking one, and what outlives memory', async () => {
    const place = where();
    const s = await openScheduler({ store: place, config: { ...busyLab, retention: 2 } });
    open.push(s);
    await morning(s);
    const finished = Array.from({ length: 40 }, (_, i) => `m${i}`).filter(
      (id) => s.explain(id).status === 'finished',
    );
    expect(finished.length).toBeGreaterThan(3);
    for (const [i, id] of finished.entries())
      await s.deliver(
        id,
        { via: i % 2 === 0 ? 'ship' : 'pickup', shortItems: i === 0 ? 1 : 0 },
        // Six hours apart: the later ones after their due time.
        T('11:00') + i * 6 * 3_600_000,
      );
    // A missing rush for the first hand-over's short item marks that entry.
    const short = finished[0] as string;
    await s.submit(
      order({
        id: 'again-1',
        clientId: s.explain(short).order.clientId,
        rush: { cause: 'missing', forOrder: short },
      }),
      T('11:00') + finished.length * 6 * 3_600_000,
    );
    const register = s.deliveryRegister();
    expect(register[0]?.reissuedBy).toEqual(['again-1']);
    // Some in time, some after their due time, for the outcome filter to tell apart.
    expect(new Set(register.map((d) => d.onTime))).toEqual(new Set([true, false]));
    const query = async (q: RegisterQueryOptions) =>
      (await s.queryRegister('delivery', { limit: 100, ...q })).entries;
    expect(await query({})).toEqual(register);
    expect(await query({ outcome: 'on-time' })).toEqual(register.filter((d) => d.onTime));
    expect(await query({ outcome: 'late' })).toEqual(register.filter((d) => !d.onTime));
    const client = register[1]?.clientId as string;
    expect(await query({ clientId: client, since: T('11:00') + 1 })).toEqual(
      register.filter((d) => d.clientId === client && d.deliveredAt >= T('11:00') + 1),
    );
    // Pages of one, each after the last.
    const paged: string[] = [];
    let after: string | undefined;
    do {
      const page = await s.queryRegister('delivery', { limit: 1, ...(after ? { after } : {}) });
      paged.push(...page.entries.map((d) => d.orderId));
      after = page.next;
    } while (after !== undefined);
    expect(paged).toEqual(register.map((d) => d.orderId));
    await expect(s.queryRegister('delivery', { line: 'print' })).rejects.toMatchObject({
      issues: [{ path: 'line', message: expect.stringMatching(/no line/) }],
    });
    // Days on, past the retention, the engine has let the hand-overs go; the table has them all.
    await s.advance(T('11:00') + 10 * 86_400_000);
    expect(s.deliveryRegister()).toEqual([]);
    expect(await query({})).toEqual(register);
    // The replay check compares the delivery table with the hand-overs the journal replays to.
    await s.close();
    const reader = typeof place === 'string' ? sqliteStore(place) : place;
    await reader.open({ readOnly: true });
    expect(await verifyReplay(reader)).toMatchObject({ ok: true, registerProblems: [] });
    await reader.close();
    if (typeof place !== 'string') return;
    const db = new Database(place);
    db.prepare('DELETE FROM delivery_register WHERE order_id = ?').run(short);
    db.close();
    await reader.open({ readOnly: true });
    expect((await verifyReplay(reader)).registerProblems).toEqual([
      expect.stringMatching(new RegExp(`^delivery register: ${short} at .* is missing`)),
    ]);
    await reader.close();
  });

  test('a hand-over that is the first call after the order passed its horizon: journaled, in the table, and the store reopens to it', async () => {
    const place = where();
    const config = { ...busyLab, retention: 1 };
    const s = await openScheduler({ store: place, config });
    open.push(s);
    const plain = createScheduler(config);
    const both = async <T>(f: (x: DurableScheduler | Scheduler) => T | Promise<T>) => {
      const answer = await f(s);
      expect(answer).toEqual(f(plain));
      return answer;
    };
    const o = order({ id: 'late-pickup' });
    await both((x) => x.submit(o, T('09:00')));
    await both((x) => x.next('print', T('09:10')));
    await both((x) => x.complete('late-pickup', T('09:30')));
    // No call for three days: the hand-over's own call moves time past the order's horizon, and
    // the order leaves memory in it.
    const at = T('10:00') + 3 * 86_400_000;
    const d = await both((x) => x.deliver('late-pickup', { via: 'pickup' }, at));
    expect(s.memorySizes().orders).toBe(0);
    expect(s.deliveryRegister()).toEqual([d]);
    expect((await s.queryRegister('delivery')).entries).toEqual([d]);
    await s.close();
    const again = await openScheduler({ store: place, config });
    open.push(again);
    expect(again.journalSeq).toBe(4);
    expect(again.deliveryRegister()).toEqual([d]);
  });

  test('bad queries are refused naming the option', async () => {
    const s = await openScheduler({ store: where(), config: busyLab });
    open.push(s);
    for (const [q, path] of [
      [{ limit: 0 }, 'limit'],
      [{ limit: 10_001 }, 'limit'],
      [{ since: Number.NaN }, 'since'],
      [{ outcome: 'open' }, 'outcome'],
      [{ after: 'nowhere' }, 'after'],
      [{ after: `${T('09:00')}/x:a` }, 'after'],
      [{ after: `${T('09:00')}/-1:a` }, 'after'],
      [{ after: `${T('09:00')}/1/2:a` }, 'after'],
      [{ after: '/1:a' }, 'after'],
      [{ clientId: 7 }, 'clientId'],
    ] as const) {
      const e = await s.queryRegister('rush', q as RegisterQueryOptions).then(
        () => undefined,
        (x: unknown) => x,
      );
      expect(e, JSON.stringify(q)).toBeInstanceOf(ValidationError);
      expect((e as ValidationError).issues.map((i) => i.path)).toEqual([path]);
    }
    await expect(s.queryRegister('rework', { outcome: 'rush-accepted' })).rejects.toBeInstanceOf(
      ValidationError,
    );
  });
});

test('a SQLite store reopened read-only answers register queries', async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'rushline-registers-')), 'lab.db');
  const s = await openScheduler({ store: file, config: busyLab });
  await morning(s);
  const all = s.rushRegister();
  await s.close();
  const reader = sqliteStore(file);
  await reader.open({ readOnly: true });
  const page = await reader.queryRegister?.('rush', { limit: 1000 });
  expect(page?.entries.map((r) => r.orderId).sort()).toEqual(all.map((r) => r.orderId).sort());
  await reader.close();
});

test("a page's next is '<at>/<ordinal>:<orderId>', an id may hold ':', and the next of a rushline before schema 3 is the place after ordinal 0", () => {
  const after = (text: string) => registerQuery('rush', { after: text }, 'test').query.after;
  expect(after(`${T('09:00')}/2:a:b/c`)).toEqual({ at: T('09:00'), ordinal: 2, orderId: 'a:b/c' });
  expect(after(`${T('09:00')}:a:b/c`)).toEqual({ at: T('09:00'), ordinal: 0, orderId: 'a:b/c' });
  expect(after(`${T('09:00')}/0:`)).toEqual({ at: T('09:00'), ordinal: 0, orderId: '' });
});

const pgDatabase = pgDatabases('rushline_registers').fresh;

/** A store to open, and the same store again (for a reopening, or a reader). */
type Place = { store: string | Store; again(): string | Store };

describe.each([
  [
    'memory',
    async (): Promise<Place> => {
      const store = memoryStore();
      return { store, again: () => store };
    },
  ],
  [
    'SQLite',
    async (): Promise<Place> => {
      const file = join(mkdtempSync(join(tmpdir(), 'rushline-registers-')), 'lab.db');
      return { store: file, again: () => file };
    },
  ],
  [
    'PostgreSQL',
    async (): Promise<Place> => {
      const url = await pgDatabase();
      return { store: postgresStore(url), again: () => postgresStore(url) };
    },
  ],
])('a rush submitted, held and released in one millisecond (%s)', (name, place) => {
  test.skipIf(name === 'PostgreSQL' && !PG_URL)(
    "every entry of the order in that millisecond is in the table as in the engine's register; marks reach their own, after a reopen too; pages hold each once",
    async () => {
      const p = await place();
      const t = T('09:00');
      // An id with ':' in it, as a page's next carries it.
      const id = 'lab:x';
      const s = await openScheduler({ store: p.store, config: busyLab });
      await s.submit(order({ id, rush: { urgency: 'same-day' } }), t);
      await s.submit(order({ id: 'y', rush: { urgency: 'next-day' } }), t);
      // Held and released twice: three entries of the order at t, the first two held.
      for (let i = 0; i < 2; i++) {
        await s.hold(id, t);
        await s.release(id, t);
      }
      const table = async (d: DurableScheduler) =>
        (await d.queryRegister('rush', { limit: 100 })).entries;
      // The tables' order: by time, then id, then ordinal (the engine's order, for one id).
      const inOrder = (d: DurableScheduler) =>
        [...d.rushRegister()].sort(
          (a, b) => a.requestedAt - b.requestedAt || byteOrder(a.orderId, b.orderId),
        );
      expect(s.rushRegister().filter((r) => r.orderId === id)).toHaveLength(3);
      expect(await table(s)).toEqual(inOrder(s));
      await s.close();

      // Reopened, a hold marks the third entry, and the release makes a fourth.
      const again = await openScheduler({ store: p.again() });
      open.push(again);
      expect(await table(again)).toEqual(inOrder(again));
      await again.hold(id, t);
      await again.release(id, t);
      const held = again.rushRegister().filter((r) => r.orderId === id);
      expect(held.map((r) => r.heldAt)).toEqual([t, t, t, undefined]);
      expect(await table(again)).toEqual(inOrder(again));

      // Pages of every size: each entry once, in order, whichever entries a page ends between.
      for (const limit of [1, 2, 3]) {
        const paged: RushRecord[] = [];
        let after: string | undefined;
        do {
          const page = await again.queryRegister('rush', { limit, ...(after ? { after } : {}) });
          paged.push(...page.entries);
          after = page.next;
        } while (after !== undefined);
        expect(paged, `pages of ${limit}`).toEqual(inOrder(again));
      }
      // The replay check finds the table as the journal replays.
      await again.close();
      const reader = p.again();
      const store = typeof reader === 'string' ? sqliteStore(reader) : reader;
      await store.open({ readOnly: true });
      expect(await verifyReplay(store)).toMatchObject({ ok: true, registerProblems: [] });
      await store.close();
      // And tells which entry of that millisecond a table lacks.
      if (typeof reader !== 'string') return;
      const db = new Database(reader);
      db.prepare('DELETE FROM rush_register WHERE order_id = ? AND ordinal = 1').run(id);
      db.close();
      await store.open({ readOnly: true });
      expect((await verifyReplay(store)).registerProblems).toEqual([
        `rush register: ${id} at ${new Date(t).toISOString()} #1 is missing from the table`,
      ]);
      await store.close();
    },
  );

  test.skipIf(name === 'PostgreSQL' && !PG_URL)(
    'without retention, reopened in that millisecond, the table gets the entries a run without the reopening writes',
    async () => {
      // At retention 0 an entry leaves memory at the next call, even of the same millisecond:
      // reopened after the hold, the engine holds none of the order's entries of that time.
      const config = { ...busyLab, retention: 0 };
      const t = T('09:00');
      const id = 'x';
      const rush = order({ id, rush: { urgency: 'same-day' } });
      const calls = [
        (d: DurableScheduler) => d.submit(rush, t),
        (d: DurableScheduler) => d.hold(id, t),
        (d: DurableScheduler) => d.release(id, t),
        (d: DurableScheduler) => d.hold(id, t),
        (d: DurableScheduler) => d.release(id, t),
      ];
      const tables: RushRecord[][] = [];
      for (const reopenAfter of [undefined, 2, 4]) {
        const p = await place();
        let s = await openScheduler({ store: p.store, config });
        for (const [i, call] of calls.entries()) {
          if (i === reopenAfter) {
            await s.close();
            s = await openScheduler({ store: p.again() });
          }
          await call(s);
        }
        open.push(s);
        tables.push((await s.queryRegister('rush', { limit: 100 })).entries);
      }
      expect(tables[0]?.map((r) => [r.orderId, r.requestedAt])).toEqual([
        [id, t],
        [id, t],
        [id, t],
      ]);
      expect(tables[1]).toEqual(tables[0]);
      expect(tables[2]).toEqual(tables[0]);
    },
  );
});
