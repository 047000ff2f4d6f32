/**
 * The promise ledger, through its interface, against the simplest possible reference: a sorted
 * array, with every query answered by a walk (tinyqueue/flatqueue style: compare with a sorted
 * array).
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { type LedgerKey, NO_ORDER, type PromiseLedger } from '../../src/queue/promise-ledger.js';
import { newPromiseLedger } from '../../src/queue/queues.js';
import { fcParams } from '../support/fc.js';

interface Item {
  key: LedgerKey;
  w: number;
  due: number;
  onTime: boolean;
  h: number;
}

function cmp(a: LedgerKey, b: LedgerKey): number {
  if (a.cls !== b.cls) return a.cls - b.cls;
  if (a.cls === 1) {
    if (a.promise !== b.promise) return a.promise - b.promise;
    if (a.tier !== b.tier) return a.tier - b.tier;
    if (a.uploadedAt !== b.uploadedAt) return a.uploadedAt - b.uploadedAt;
    if (a.id !== b.id) return a.id < b.id ? -1 : 1;
  }
  return a.seq - b.seq;
}

/** The reference: a sorted array and walks. */
class Reference {
  items: Item[] = [];
  insert(item: Item) {
    this.items.push(item);
    this.items.sort((a, b) => cmp(a.key, b.key));
  }
  remove(h: number) {
    this.items = this.items.filter((i) => i.h !== h);
  }
  prefix(j: number) {
    return this.items.slice(0, j + 1).reduce((s, i) => s + i.w, 0);
  }
  slack(j: number) {
    return (this.items[j] as Item).due - this.prefix(j);
  }
  room(j: number) {
    return (this.items[j] as Item).due - (j === 0 ? 0 : this.prefix(j - 1));
  }
  minSlack() {
    let m = Number.POSITIVE_INFINITY;
    this.items.forEach((it, j) => {
      if (it.onTime) m = Math.min(m, this.slack(j));
    });
    return m;
  }
  probe(key: LedgerKey) {
    const count = this.items.filter((i) => cmp(i.key, key) < 0).length;
    let minAfter = Number.POSITIVE_INFINITY;
    for (let j = count; j < this.items.length; j++)
      if ((this.items[j] as Item).onTime) minAfter = Math.min(minAfter, this.slack(j));
    return {
      ahead: count,
      workAhead: count === 0 ? 0 : this.prefix(count - 1),
      leastSlackBehind: minAfter,
    };
  }
  lastSlackBelow(th: number) {
    for (let j = this.items.length - 1; j >= 0; j--)
      if ((this.items[j] as Item).onTime && this.slack(j) < th) return j + 1;
    return 0;
  }
  firstRoomAtLeast(from: number, th: number) {
    for (let j = from; j < this.items.length; j++) if (this.room(j) >= th) return j;
    return this.items.length;
  }
  companyWork() {
    return this.items.filter((i) => i.key.cls === 0).reduce((s, i) => s + i.w, 0);
  }
  workPromisedBy(t: number) {
    return this.items
      .filter((i) => i.key.cls === 0 || i.key.promise <= t)
      .reduce((s, i) => s + i.w, 0);
  }
  collect(th: number) {
    return this.items.filter((it, j) => it.onTime && this.slack(j) < th).map((i) => i.h);
  }
}

/** Every query of the interface that changes nothing, against the reference. */
function check(ledger: PromiseLedger, ref: Reference, probes: LedgerKey[], thresholds: number[]) {
  expect(ledger.length).toBe(ref.items.length);
  expect(ledger.inProductionOrder()).toEqual(ref.items.map((i) => i.h));
  expect(ledger.totalWork).toBe(ref.items.reduce((s, i) => s + i.w, 0));
  // Every on-time order keeps its promise from a start at its least slack, and not later.
  const minSlack = ref.minSlack();
  if (Number.isFinite(minSlack)) {
    expect(ledger.onTimeFrom(minSlack)).toBe(true);
    expect(ledger.onTimeFrom(minSlack + 1)).toBe(false);
  } else expect(ledger.onTimeFrom(Number.MAX_VALUE)).toBe(true);
  expect(ledger.lastPromise()).toBe(ref.items.at(-1)?.key.promise ?? Number.NEGATIVE_INFINITY);
  expect(ledger.companyWork()).toBe(ref.companyWork());
  for (const p of probes) {
    expect(ledger.placeOf(p)).toEqual(ref.probe(p));
    expect(ledger.workPromisedBy(p.promise)).toBe(ref.workPromisedBy(p.promise));
  }
  for (const th of thresholds) {
    expect(ledger.lastDelayedBy(th)).toBe(ref.lastSlackBelow(th));
    for (const from of [0, 1, Math.floor(ref.items.length / 2), ref.items.length]) {
      const k = ref.firstRoomAtLeast(from, th);
      // The search gives the work before the position it found.
      expect(ledger.firstFitFrom(from, th)).toEqual({
        position: k,
        workAhead: k === 0 ? 0 : ref.prefix(k - 1),
      });
    }
  }
  // The work before every position: a key placed just before each order.
  ref.items.forEach((it, j) => {
    const before = { ...it.key, seq: it.key.seq - 0.5 };
    expect(ledger.placeOf(before).workAhead).toBe(j === 0 ? 0 : ref.prefix(j - 1));
    expect(ledger.positionOf(it.h)).toBe(j);
  });
}

describe('ledger', () => {
  test('three orders by hand, one at risk', () => {
    const l = newPromiseLedger();
    const key = (id: string, promise: number, seq: number): LedgerKey => ({
      cls: 1,
      seq,
      promise,
      tier: 1,
      uploadedAt: 0,
      id,
    });
    const a = l.admit(key('a', 10, 1), 5, 10, true);
    const b = l.admit(key('b', 12, 2), 5, 12, true);
    const c = l.admit({ ...key('c', 0, 3), cls: 0 }, 3, 6, true);
    expect(l.inProductionOrder()).toEqual([c, a, b]);
    // Slacks: c 6-3=3, a 10-8=2, b 12-13=-1.
    expect(l.onTimeFrom(-1)).toBe(true);
    expect(l.onTimeFrom(0)).toBe(false);
    // From 0, b is late: it is taken at risk, and no longer counts.
    expect(l.takeAtRisk(0)).toEqual([b]);
    expect(l.onTimeFrom(2)).toBe(true);
    expect(l.onTimeFrom(3)).toBe(false);
    expect(l.placeOf(key('x', 11, 4))).toEqual({
      ahead: 2,
      workAhead: 8,
      leastSlackBehind: Number.POSITIVE_INFINITY,
    });
    expect(l.lastDelayedBy(3)).toBe(2);
    // Rooms: c 6, a 10-3=7, b 12-8=4.
    expect(l.firstFitFrom(0, 7)).toEqual({ position: 1, workAhead: 3 });
    expect(l.companyWork()).toBe(3);
    expect(l.workPromisedBy(10)).toBe(8);
    expect(l.dispatchNext()).toBe(c);
    expect(l.inProductionOrder()).toEqual([a, b]);
  });

  const keyArb = fc.record({
    cls: fc.constantFrom(0, 1, 1, 1),
    promise: fc.integer({ min: 0, max: 20 }),
    tier: fc.integer({ min: 0, max: 2 }),
    uploadedAt: fc.integer({ min: 0, max: 3 }),
    id: fc.constantFrom('a', 'b', 'c', 'd'),
  });
  const op = fc.oneof(
    {
      weight: 5,
      arbitrary: fc.record({
        kind: fc.constant('insert' as const),
        key: keyArb,
        w: fc.integer({ min: 1, max: 50 }),
        due: fc.integer({ min: 0, max: 500 }),
        onTime: fc.boolean(),
      }),
    },
    {
      // After every order so far (promises of `keyArb` stop at 20): the append path.
      weight: 3,
      arbitrary: fc.record({
        kind: fc.constant('append' as const),
        cls: fc.constantFrom(0, 1, 1),
        w: fc.integer({ min: 1, max: 50 }),
        due: fc.integer({ min: 0, max: 500 }),
        onTime: fc.boolean(),
      }),
    },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('dispatch' as const) }) },
    {
      // Any queued order, by its place in production order (modulo the queue's length).
      weight: 3,
      arbitrary: fc.record({
        kind: fc.constant('withdraw' as const),
        at: fc.nat({ max: 1000 }),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('take' as const),
        threshold: fc.integer({ min: -100, max: 500 }),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('rebuild' as const),
        factor: fc.integer({ min: 1, max: 3 }),
      }),
    },
  );

  test('property: every query matches the sorted-array reference after every operation', () => {
    fc.assert(
      fc.property(
        fc.array(op, { maxLength: 60, size: 'max' }),
        fc.array(keyArb, { minLength: 1, maxLength: 3 }),
        fc.array(fc.integer({ min: -100, max: 500 }), { minLength: 1, maxLength: 3 }),
        (ops, probeKeys, thresholds) => {
          const ledger = newPromiseLedger();
          const ref = new Reference();
          let seq = 0;
          const probes = probeKeys.map((k) => ({ ...k, seq: -1, id: `${k.id}~` }));
          // Keys after every order, and ties with the last order but its sequence number:
          // the probe's shortcut past the end must agree with the descent.
          let late = 20;
          const lateProbes = () => {
            const last = ref.items.at(-1)?.key;
            const after = { cls: 1, seq: -1, promise: late + 1, tier: 0, uploadedAt: 0, id: 'z' };
            return last
              ? [after, { ...last, seq: last.seq + 1 }, { ...last, seq: last.seq - 1 }]
              : [after];
          };
          for (const o of ops) {
            if (o.kind === 'append') {
              late += 1;
              const key = {
                cls: o.cls,
                seq: ++seq,
                promise: late,
                tier: 1,
                uploadedAt: 0,
                id: 'e',
              };
              const h = ledger.admit(key, o.w, o.due, o.onTime);
              ref.insert({ key, w: o.w, due: o.due, onTime: o.onTime, h });
            } else if (o.kind === 'insert') {
              const key = { ...o.key, seq: ++seq };
              const h = ledger.admit(key, o.w, o.due, o.onTime);
              ref.insert({ key, w: o.w, due: o.due, onTime: o.onTime, h });
            } else if (o.kind === 'dispatch') {
              // The first in production order comes off, or nothing when empty.
              const first = ref.items[0];
              expect(ledger.dispatchNext()).toBe(first?.h ?? NO_ORDER);
              if (first) ref.remove(first.h);
            } else if (o.kind === 'withdraw') {
              // A cancelled, held or amended order leaves from wherever it stands.
              const it = ref.items[o.at % Math.max(1, ref.items.length)];
              if (it) {
                ledger.withdraw(it.h);
                ref.remove(it.h);
              }
            } else if (o.kind === 'take') {
              // Marking at risk in one pass: the orders found, all marked, as if one by one.
              const found = ref.collect(o.threshold);
              expect(ledger.takeAtRisk(o.threshold)).toEqual(found);
              for (const it of ref.items) if (found.includes(it.h)) it.onTime = false;
            } else if (o.kind === 'rebuild') {
              for (const it of ref.items) it.w = it.w * o.factor + 1;
              ledger.changeWork((h) => (ref.items.find((i) => i.h === h) as Item).w);
            }
            // Thresholds at the actual values catch off-by-one errors at the boundaries.
            const exact = ref.items
              .map((_, j) => ref.slack(j))
              .concat(ref.items.map((_, j) => ref.room(j)));
            check(ledger, ref, [...probes, ...lateProbes()], [...thresholds, ...exact.slice(0, 4)]);
          }
        },
      ),
      fcParams(300),
    );
  });

  test('five thousand orders in, a third out: growth, slot reuse, deep trees', () => {
    const ledger = newPromiseLedger();
    const ref = new Reference();
    const rnd = seeded(12345);
    for (let i = 0; i < 5000; i++) {
      const { key, w, due } = randomOrder(rnd, i);
      ref.insert({ key, w, due, onTime: true, h: ledger.admit(key, w, due, true) });
      if (i % 3 === 2) {
        const first = ref.items[0] as Item;
        expect(ledger.dispatchNext()).toBe(first.h);
        ref.remove(first.h);
      }
    }
    expect(ledger.inProductionOrder()).toEqual(ref.items.map((i) => i.h));
    expect(ledger.onTimeFrom(ref.minSlack())).toBe(true);
    expect(ledger.onTimeFrom(ref.minSlack() + 1)).toBe(false);
    const probe = { cls: 1, seq: -1, promise: 50_000, tier: 1, uploadedAt: 25, id: 'p' };
    expect(ledger.placeOf(probe)).toEqual(ref.probe(probe));
    const k = ref.firstRoomAtLeast(100, 1000);
    expect(ledger.firstFitFrom(100, 1000).position).toBe(k);
  });

  test('four thousand orders in, withdrawn from anywhere: the last order, handles reused, values kept', () => {
    const ledger = newPromiseLedger();
    const ref = new Reference();
    const rnd = seeded(777);
    for (let i = 0; i < 4000; i++) {
      const { key, w, due } = randomOrder(rnd, i);
      ref.insert({ key, w, due, onTime: true, h: ledger.admit(key, w, due, true) });
      if (i % 2 === 1) {
        // Every other step one leaves; every tenth time it is the last in production order.
        const j = i % 20 === 1 ? ref.items.length - 1 : rnd(ref.items.length);
        const it = ref.items[j] as Item;
        ledger.withdraw(it.h);
        ref.remove(it.h);
      }
    }
    expect(ledger.length).toBe(ref.items.length);
    expect(ledger.inProductionOrder()).toEqual(ref.items.map((i) => i.h));
    expect(ledger.totalWork).toBe(ref.items.reduce((s, i) => s + i.w, 0));
    expect(ledger.lastPromise()).toBe((ref.items.at(-1) as Item).key.promise);
    expect(ledger.onTimeFrom(ref.minSlack())).toBe(true);
    expect(ledger.onTimeFrom(ref.minSlack() + 1)).toBe(false);
    const probe = { cls: 1, seq: -1, promise: 50_000, tier: 1, uploadedAt: 25, id: 'p' };
    expect(ledger.placeOf(probe)).toEqual(ref.probe(probe));
    expect(ledger.firstFitFrom(100, 1000).position).toBe(ref.firstRoomAtLeast(100, 1000));
  });

  test('production order is a strict total order: equal keys but the id go by id, then by sequence', () => {
    const ledger = newPromiseLedger();
    const keys = ['b', 'a', 'c', 'a'].map((id, i) => ({
      cls: 1,
      seq: i,
      promise: 5,
      tier: 1,
      uploadedAt: 0,
      id,
    }));
    const hs = keys.map((k) => ledger.admit(k, 1, 10, true));
    expect(ledger.inProductionOrder()).toEqual([hs[1], hs[3], hs[0], hs[2]]);
    hs.forEach((h, i) => {
      expect(ledger.positionOf(h)).toBe([2, 0, 3, 1][i]);
    });
  });
});

/** A seeded linear congruential stream: `rnd(n)` is a whole number below `n`. */
function seeded(seed: number): (n: number) => number {
  let x = seed;
  return (n) => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return x % n;
  };
}

/** The `i`-th order of a seeded stream: a tenth of them company-caused. */
function randomOrder(rnd: (n: number) => number, i: number) {
  const key = {
    cls: rnd(10) === 0 ? 0 : 1,
    seq: i,
    promise: rnd(100_000),
    tier: rnd(3),
    uploadedAt: rnd(50),
    id: `o${i}`,
  };
  return { key, w: 1 + rnd(100), due: rnd(300_000) };
}
