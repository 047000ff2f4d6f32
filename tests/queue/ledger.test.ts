/**
 * The promise ledger against the simplest possible reference: a sorted array, with every
 * query answered by a walk (tinyqueue/flatqueue style: compare with a sorted array).
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { Ledger, type LedgerKey } from '../../src/queue/ledger.js';
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
    return { count, workBefore: count === 0 ? 0 : this.prefix(count - 1), minSlackAfter: minAfter };
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
  collect(th: number) {
    return this.items.filter((it, j) => it.onTime && this.slack(j) < th).map((i) => i.h);
  }
}

function check(ledger: Ledger, ref: Reference, probes: LedgerKey[], thresholds: number[]) {
  expect(ledger.length).toBe(ref.items.length);
  expect(ledger.inOrder()).toEqual(ref.items.map((i) => i.h));
  expect(ledger.totalWork).toBe(ref.items.reduce((s, i) => s + i.w, 0));
  expect(ledger.minSlack).toBe(ref.minSlack());
  expect(ledger.first()).toBe(ref.items[0]?.h ?? 0);
  expect(ledger.last()).toBe(ref.items.at(-1)?.h ?? 0);
  for (const p of probes) expect(ledger.probe(p)).toEqual(ref.probe(p));
  for (const th of thresholds) {
    expect(ledger.lastSlackBelow(th)).toBe(ref.lastSlackBelow(th));
    expect(ledger.collectSlackBelow(th)).toEqual(ref.collect(th));
    for (const from of [0, 1, Math.floor(ref.items.length / 2), ref.items.length]) {
      const k = ref.firstRoomAtLeast(from, th);
      expect(ledger.firstRoomAtLeast(from, th)).toBe(k);
      // The search leaves the work before the index it found.
      expect(ledger.roomPrefix).toBe(k === 0 ? 0 : ref.prefix(k - 1));
    }
  }
  for (let k = 0; k <= ref.items.length; k++)
    expect(ledger.prefixWork(k)).toBe(k === 0 ? 0 : ref.prefix(k - 1));
  ref.items.forEach((it, j) => {
    expect(ledger.at(j)).toBe(it.h);
    expect(ledger.positionOf(it.h)).toBe(j);
  });
}

describe('ledger', () => {
  test('three orders by hand, one at risk', () => {
    const l = new Ledger();
    const key = (id: string, promise: number): LedgerKey => ({
      cls: 1,
      seq: 0,
      promise,
      tier: 1,
      uploadedAt: 0,
      id,
    });
    const a = l.insert(key('a', 10), 5, 10);
    const b = l.insert(key('b', 12), 5, 12);
    const c = l.insert({ ...key('c', 0), cls: 0 }, 3, 6);
    expect(l.inOrder()).toEqual([c, a, b]);
    // Slacks: c 6-3=3, a 10-8=2, b 12-13=-1.
    expect(l.minSlack).toBe(-1);
    l.setOnTime(b, false);
    expect(l.minSlack).toBe(2);
    expect(l.probe(key('x', 11))).toEqual({
      count: 2,
      workBefore: 8,
      minSlackAfter: Number.POSITIVE_INFINITY,
    });
    expect(l.lastSlackBelow(3)).toBe(2);
    expect(l.firstRoomAtLeast(0, 7)).toBe(1); // rooms: c 6, a 10-3=7, b 12-8=4
    l.remove(a);
    expect(l.inOrder()).toEqual([c, b]);
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
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('remove' as const), pick: fc.nat() }) },
    {
      weight: 2,
      arbitrary: fc.record({ kind: fc.constant('removeFirst' as const), byHandle: fc.boolean() }),
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
        kind: fc.constant('risk' as const),
        pick: fc.nat(),
        onTime: fc.boolean(),
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
          const ledger = new Ledger(4);
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
              const h = ledger.insert(key, o.w, o.due, o.onTime);
              ref.insert({ key, w: o.w, due: o.due, onTime: o.onTime, h });
            } else if (o.kind === 'insert') {
              const key = { ...o.key, seq: ++seq };
              const h = ledger.insert(key, o.w, o.due, o.onTime);
              ref.insert({ key, w: o.w, due: o.due, onTime: o.onTime, h });
            } else if (ref.items.length > 0 && o.kind === 'remove') {
              const it = ref.items[o.pick % ref.items.length] as Item;
              ledger.remove(it.h);
              ref.remove(it.h);
            } else if (o.kind === 'removeFirst') {
              // Dispatch: the first in production order comes off, or nothing when empty; or the
              // first order removed by its handle, which takes the same shortcut.
              const first = ref.items[0];
              if (o.byHandle) {
                if (first) ledger.remove(first.h);
              } else expect(ledger.removeFirst()).toBe(first?.h ?? 0);
              if (first) ref.remove(first.h);
            } else if (ref.items.length > 0 && o.kind === 'risk') {
              const it = ref.items[o.pick % ref.items.length] as Item;
              ledger.setOnTime(it.h, o.onTime);
              it.onTime = o.onTime;
            } else if (o.kind === 'take') {
              // Marking at risk in one pass: the orders found, all marked, as if one by one.
              const found = ref.collect(o.threshold);
              expect(ledger.takeSlackBelow(o.threshold)).toEqual(found);
              for (const it of ref.items) if (found.includes(it.h)) it.onTime = false;
            } else if (o.kind === 'rebuild') {
              for (const it of ref.items) it.w = it.w * o.factor + 1;
              ledger.rebuildWork((h) => (ref.items.find((i) => i.h === h) as Item).w);
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

  test('five thousand orders in, half out: growth, slot reuse, deep trees', () => {
    const ledger = new Ledger(4);
    const ref = new Reference();
    let x = 12345;
    const rnd = (n: number) => {
      x = (x * 1103515245 + 12345) % 2 ** 31;
      return x % n;
    };
    for (let i = 0; i < 5000; i++) {
      const key = {
        cls: rnd(10) === 0 ? 0 : 1,
        seq: i,
        promise: rnd(100_000),
        tier: rnd(3),
        uploadedAt: rnd(50),
        id: `o${i}`,
      };
      const w = 1 + rnd(100);
      const due = rnd(300_000);
      ref.items.push({ key, w, due, onTime: true, h: ledger.insert(key, w, due) });
      if (i % 2 === 1) {
        const victim = ref.items.splice(rnd(ref.items.length), 1)[0] as Item;
        ledger.remove(victim.h);
      }
    }
    ref.items.sort((a, b) => cmp(a.key, b.key));
    expect(ledger.inOrder()).toEqual(ref.items.map((i) => i.h));
    expect(ledger.minSlack).toBe(ref.minSlack());
    const probe = { cls: 1, seq: -1, promise: 50_000, tier: 1, uploadedAt: 25, id: 'p' };
    expect(ledger.probe(probe)).toEqual(ref.probe(probe));
    expect(ledger.firstRoomAtLeast(100, 1000)).toBe(ref.firstRoomAtLeast(100, 1000));
  });

  test('compare is a strict total order', () => {
    const ledger = new Ledger();
    const hs = ['b', 'a', 'c'].map((id, i) =>
      ledger.insert({ cls: 1, seq: i, promise: 5, tier: 1, uploadedAt: 0, id }, 1, 10),
    );
    for (const a of hs)
      for (const b of hs)
        if (a !== b) expect(Math.sign(ledger.compare(a, b))).toBe(-Math.sign(ledger.compare(b, a)));
    for (const a of hs) for (const b of hs) if (a !== b) expect(ledger.compare(a, b)).not.toBe(0);
  });
});
