/**
 * The limits of `limits.ts` as the schemas enforce them: each value at its limit passes, the
 * next one out is refused with a message that names the range and what came, and the fast path
 * of order validation draws the same line as zod.
 */
import { expect, test } from 'vitest';
import { fastOrder } from '../../src/domain/fast-order.js';
import {
  MAX_QUANTITY,
  MAX_UNITS_PER_HOUR,
  MAX_UNITS_PER_ITEM,
  MIN_UNITS_PER_HOUR,
  MIN_UNITS_PER_ITEM,
} from '../../src/domain/limits.js';
import { check, lineSchema, orderSchema, productSchema } from '../../src/domain/schemas.js';

const messages = (r: ReturnType<typeof check>) => (r.ok ? [] : r.issues);

test('a quantity of at most a million items passes, one more is refused naming the limit, on both paths', () => {
  const order = (quantity: number) => ({
    id: 'o1',
    clientId: 'c1',
    tier: 'regular',
    product: 'print',
    quantity,
    uploadedAt: Date.UTC(2026, 10, 24),
  });
  expect(check(orderSchema, order(MAX_QUANTITY)).ok).toBe(true);
  expect(fastOrder(order(MAX_QUANTITY))?.quantity).toBe(MAX_QUANTITY);
  expect(messages(check(orderSchema, order(MAX_QUANTITY + 1)))).toEqual([
    { path: 'quantity', message: 'must be at most 1000000 items, received 1000001' },
  ]);
  expect(fastOrder(order(MAX_QUANTITY + 1))).toBeUndefined();
});

test('a line makes from 0.01 to ten million units an hour', () => {
  const line = (unitsPerHour: unknown) => ({ id: 'print', products: ['print'], unitsPerHour });
  for (const ok of [MIN_UNITS_PER_HOUR, 1200, MAX_UNITS_PER_HOUR])
    expect(check(lineSchema, line(ok)).ok).toBe(true);
  const refused = (v: unknown, shown: string) =>
    expect(messages(check(lineSchema, line(v)))).toEqual([
      {
        path: 'unitsPerHour',
        message: `must be from 0.01 to 10000000 units per working hour, received ${shown}`,
      },
    ]);
  refused(5e-324, '5e-324');
  refused(0.0099, '0.0099');
  refused(MAX_UNITS_PER_HOUR + 1, '10000001');
  refused(0, '0');
  refused(Number.POSITIVE_INFINITY, 'Infinity');
  refused(Number.NaN, 'NaN');
  refused('1200', '"1200"');
  refused(undefined, 'nothing');
});

test('a product takes from a thousandth to a thousand units of work per item', () => {
  for (const ok of [MIN_UNITS_PER_ITEM, 1, MAX_UNITS_PER_ITEM])
    expect(check(productSchema, { unitsPerItem: ok }).ok).toBe(true);
  for (const [v, shown] of [
    [0.0009, '0.0009'],
    [1000.5, '1000.5'],
    [-1, '-1'],
    [Number.POSITIVE_INFINITY, 'Infinity'],
  ] as const)
    expect(messages(check(productSchema, { unitsPerItem: v }))).toEqual([
      {
        path: 'unitsPerItem',
        message: `must be from 0.001 to 1000 units of work per item, received ${shown}`,
      },
    ]);
});
