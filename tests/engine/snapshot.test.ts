/**
 * Snapshots hold every string a caller gave as a key: a client or a line called `__proto__`,
 * `constructor` or `toString` comes back from `restoreScheduler` with its history, so the
 * restored engine decides as the original (rules.md §7.8). The snapshot written in pieces is
 * the same text as the snapshot written whole.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, test } from 'vitest';
import { JOURNALED } from '../../src/durable/calls.js';
import { createScheduler, restoreScheduler, type Scheduler } from '../../src/index.js';
import { arbitraries, runTrace } from '../../src/testing/index.js';
import { fcParams } from '../support/fc.js';
import { expectPrototypeUntouched, HOSTILE_KEYS } from '../support/hostile.js';
import { busyLab } from '../support/labs.js';
import { order, T } from '../support/orders.js';

afterAll(expectPrototypeUntouched);

/** The state-changing calls of a scheduler. */
const CALLS = new Set(Object.keys(JOURNALED));

/** A lab's day: orders in every status, lines down and back, capacity changes, registers past retention. */
const aDay = arbitraries.orderStreams(busyLab, {
  companyShare: 0.1,
  lifecycle: true,
  lifeChanges: true,
  capacityChanges: true,
  linesDown: true,
  clients: 6,
});

/**
 * Schedulers restored from `s`'s snapshot: through JSON text, as a store keeps it (its orders
 * copied, and adopted as a durable scheduler's are), and as the object.
 */
const restored = (s: Scheduler) => [
  restoreScheduler(JSON.parse(JSON.stringify(s.snapshot()))),
  restoreScheduler(JSON.parse(JSON.stringify(s.snapshot())), undefined, { adopt: true }),
  restoreScheduler(s.snapshot()),
];

describe('caller strings as keys survive a snapshot', () => {
  test.each(HOSTILE_KEYS)(
    'client %s: its rushes count after a restore, so the frequent-rusher gate decides alike',
    (clientId) => {
      // Every line is tight, so a fifth accepted rush in the window is declined (gate 4).
      const a = createScheduler({ policy: { rush: { tightLoad: 0 } } });
      for (let i = 0; i < 6; i++) {
        const next = order({ id: `${clientId}-${i}`, clientId, rush: { urgency: 'next-day' } });
        const at = T('09:00') + i * 60_000;
        const copies = restored(a);
        const d = a.submit(next, at);
        expect(d.reasons[0]?.rule).toBe(i < 4 ? 'accepted' : 'frequent-rusher');
        for (const b of copies) {
          expect(b.submit(next, at)).toEqual(d);
          expect(b.snapshot()).toEqual(a.snapshot());
        }
      }
    },
  );

  test.each(HOSTILE_KEYS)(
    "line %s: the day's accepted rush units count after a restore, so the quota decides alike",
    (line) => {
      // 10 units an hour, nine hours: a quota of 22.5 rush units a day (quotaShare 0.25).
      const a = createScheduler({ lines: [{ id: line, products: ['print'], unitsPerHour: 10 }] });
      const rush = (id: string, quantity: number) =>
        order({ id, quantity, rush: { urgency: 'next-day' } });
      expect(a.submit(rush('r1', 20), T('09:00')).outcome).toBe('rush-accepted');
      const copies = restored(a);
      const r2 = rush('r2', 5);
      const d = a.submit(r2, T('09:01'));
      expect(d.reasons[0]?.rule).toBe('daily-rush-quota');
      for (const b of copies) {
        expect(b.submit(r2, T('09:01'))).toEqual(d);
        expect(b.rushRegister()).toEqual(a.rushRegister());
      }
    },
  );
});

describe('the snapshot as text, in pieces (a checkpoint is written so)', () => {
  test('the pieces joined are exactly the snapshot as JSON, with orders in every status and the registers past retention', () => {
    fc.assert(
      fc.property(
        aDay,
        fc.boolean(),
        fc.integer({ min: 0, max: 2 }),
        (stream, drain, retention) => {
          const s = createScheduler({ ...busyLab, retention });
          runTrace(busyLab, stream, { drain, scheduler: s });
          const pieces = [...s.snapshotText()];
          expect(pieces.join('')).toBe(JSON.stringify(s.snapshot()));
          // One piece an order at most: the text is never built whole.
          expect(pieces.length).toBeGreaterThan(s.snapshot().orders.length);
        },
      ),
      fcParams(80),
    );
  });

  test('an empty engine, and one holding only a line down, are written alike', () => {
    const s = createScheduler();
    expect([...s.snapshotText()].join('')).toBe(JSON.stringify(s.snapshot()));
    s.setCapacity(s.lineIds()[0] as string, 0, T('09:00'));
    expect([...s.snapshotText()].join('')).toBe(JSON.stringify(s.snapshot()));
  });
});

describe('a snapshot cut while the engine goes on (a checkpoint written over the calls after its entry)', () => {
  /**
   * `s`, with a cut taken after its `at`-th state-changing call: from then on, each call is
   * followed by taking `take` pieces of it. `done()` takes the rest and answers the text with
   * the snapshot's text at the cut.
   */
  function cutting(s: Scheduler, at: number, take: number) {
    let calls = 0;
    let cut: { expected: string; pieces: Iterator<string>; text: string } | undefined;
    const proxied = new Proxy(s, {
      get(target, key, receiver) {
        const value = Reflect.get(target, key, receiver);
        if (typeof key !== 'string' || !CALLS.has(key) || typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          try {
            return value.apply(target, args);
          } finally {
            calls++;
            if (cut === undefined && calls === at) {
              cut = {
                expected: JSON.stringify(target.snapshot()),
                pieces: target.snapshotText(),
                text: '',
              };
            } else if (cut !== undefined)
              for (let k = 0; k < take; k++) {
                const p = cut.pieces.next();
                if (p.done) break;
                cut.text += p.value;
              }
          }
        };
      },
    });
    const done = () => {
      if (cut === undefined) return undefined;
      for (let p = cut.pieces.next(); !p.done; p = cut.pieces.next()) cut.text += p.value;
      return { text: cut.text, expected: cut.expected };
    };
    return { proxied, done };
  }

  test('the pieces joined are the snapshot at the cut, whatever the calls made before the last piece changed', () => {
    let cuts = 0;
    fc.assert(
      fc.property(
        aDay,
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 0, max: 1 }),
        (stream, at, take, retention) => {
          const s = createScheduler({ ...busyLab, retention });
          const { proxied, done } = cutting(s, at, take);
          runTrace(busyLab, stream, { drain: true, scheduler: proxied });
          const seen = done();
          if (seen === undefined) return;
          cuts++;
          expect(seen.text).toBe(seen.expected);
          // The cut is over: the engine's own snapshot is its state now.
          expect([...s.snapshotText()].join('')).toBe(JSON.stringify(s.snapshot()));
        },
      ),
      fcParams(120),
    );
    expect(cuts).toBeGreaterThan(60);
  });

  test('a later cut ends the earlier one, whose next piece throws; one given up leaves the next whole', () => {
    const s = createScheduler(busyLab);
    s.submit(order({ id: 'a1' }), T('09:00'));
    const first = s.snapshotText();
    first.next();
    const second = s.snapshotText();
    expect(() => first.next()).toThrow(/a later snapshot cut ended this one/);
    second.return(undefined);
    const expected = JSON.stringify(s.snapshot());
    const third = s.snapshotText();
    s.submit(order({ id: 'a2' }), T('09:01'));
    s.cancel('a1', T('09:02'));
    expect([...third].join('')).toBe(expected);
  });
});

test('orders that leave memory while a cut is read are read as they were (their times included)', () => {
  // Two pages of times and more (4,096 orders a page): a page is dropped once every order of
  // it has left. The orders are made before the cut and leave after it, unchanged between.
  const lab = {
    calendar: { zone: 'UTC', open: '00:00', close: '24:00', days: [1, 2, 3, 4, 5, 6, 7] },
    lines: [{ id: 'print', products: ['print'], unitsPerHour: 60_000 }],
    retention: 1,
  };
  const s = createScheduler(lab);
  const n = 9000;
  s.submitBatch(
    Array.from({ length: n }, (_, i) => order({ id: `o${i}`, uploadedAt: T('08:00') })),
    T('09:00'),
  );
  const at = T('09:00') + 2 * n;
  for (let i = 0; i < n; i++) {
    const started = s.next('print', T('09:00') + 2 * i + 1) as { orderId: string };
    s.complete(started.orderId, T('09:00') + 2 * i + 2);
  }
  const expected = JSON.stringify(s.snapshot());
  const pieces = s.snapshotText();
  const text = [pieces.next().value];
  s.advance(at + 2 * 86_400_000);
  expect(s.memorySizes().orders).toBe(0);
  for (let p = pieces.next(); !p.done; p = pieces.next()) text.push(p.value);
  expect(text.join('')).toBe(expected);
});
