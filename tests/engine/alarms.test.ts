/**
 * The pending alarms' heap: due alarms come off in time order, stale ones (disarmed, or armed
 * again at another time) never go off, and the heap stays bounded by the live alarms however
 * many were disarmed (a day of completions disarms as many as it armed).
 */
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { Alarms } from '../../src/engine/alarms.js';
import { createScheduler } from '../../src/index.js';
import { fcParams } from '../support/fc.js';
import { order, T } from '../support/orders.js';

test('due alarms come off in time order (then late before rework, then submission order); stale ones never', () => {
  const a = new Alarms();
  a.arm('rework', 'r', 3, 100);
  a.arm('late', 'x', 2, 100);
  a.arm('late', 'w', 1, 100);
  a.arm('late', 'moved', 4, 50);
  a.arm('late', 'moved', 4, 300); // its promise moved: the alarm at 50 is stale
  a.arm('late', 'gone', 5, 60);
  a.disarm('late', 'gone');
  expect(a.due(100).map((x) => x.orderId)).toEqual([]);
  expect(a.due(101).map((x) => `${x.kind}:${x.orderId}`)).toEqual(['late:w', 'late:x', 'rework:r']);
  expect(a.due(1000).map((x) => x.orderId)).toEqual(['moved']);
  expect(a.due(2000)).toEqual([]);
  expect(a.sizes).toEqual({ live: 0, heap: 0 });
});

test('a day of completions: 5000 armed, 4900 disarmed, and the heap holds 100 live alarms plus at most the slack', () => {
  const a = new Alarms();
  for (let i = 0; i < 5000; i++) a.arm('late', `o${i}`, i, 1000 + i);
  for (let i = 0; i < 4900; i++) a.disarm('late', `o${i}`);
  expect(a.sizes.live).toBe(100);
  expect(a.sizes.heap).toBeLessThanOrEqual(2 * 100 + 1024);
  expect(a.due(Number.POSITIVE_INFINITY).map((x) => x.orderId)).toEqual(
    Array.from({ length: 100 }, (_, i) => `o${4900 + i}`),
  );
});

test('property: the heap holds at most twice the live alarms plus the slack, and fires exactly the live ones', () => {
  const op = fc.oneof(
    fc.record({ arm: fc.integer({ min: 0, max: 3000 }), at: fc.integer({ min: 0, max: 1000 }) }),
    fc.record({ disarm: fc.integer({ min: 0, max: 3000 }) }),
  );
  fc.assert(
    fc.property(fc.array(op, { minLength: 2000, maxLength: 6000, size: 'max' }), (ops) => {
      const a = new Alarms();
      const live = new Map<string, number>();
      for (const o of ops) {
        if ('arm' in o) {
          a.arm('late', `o${o.arm}`, o.arm, o.at);
          live.set(`o${o.arm}`, o.at);
        } else {
          a.disarm('late', `o${o.disarm}`);
          live.delete(`o${o.disarm}`);
        }
        const { heap } = a.sizes;
        expect(heap).toBeLessThanOrEqual(2 * live.size + 1024);
      }
      const fired = a.due(Number.POSITIVE_INFINITY).map((x) => [x.orderId, x.at]);
      const expected = [...live]
        .sort((p, q) => p[1] - q[1] || Number(p[0].slice(1)) - Number(q[0].slice(1)))
        .map(([id, at]) => [id, at]);
      expect(fired).toEqual(expected);
    }),
    fcParams(40),
  );
});

test('a scheduler keeps alarms only while someone listens: the first listener arms the pending ones, the last one leaving drops them', () => {
  const s = createScheduler();
  // Two orders to pick up at 11:00; no one listens yet, so nothing is armed.
  for (const id of ['a', 'b'])
    s.submit(order({ id, quantity: 10, pickupAt: T('11:00') }), T('09:00'));
  expect(s.memorySizes().alarms).toBe(0);
  // A listener arrives after the decisions: the promises still pending are armed, and told.
  const late: string[] = [];
  const off = s.on('late', (e) => late.push(e.orderId));
  expect(s.memorySizes().alarms).toBe(2);
  s.advance(T('11:05'));
  expect(late.sort()).toEqual(['a', 'b']);
  // The last listener leaves: a new order arms nothing.
  off();
  s.submit(order({ id: 'c', quantity: 10, pickupAt: T('13:00') }), T('11:10'));
  expect(s.memorySizes().alarms).toBe(0);
});
