/**
 * The validation fast path against zod: on any input, valid or broken, `fastOrder` either
 * declines (undefined) or answers exactly what `orderSchema` answers, field for field and in the
 * same order. On well-formed orders with epoch-ms times it must answer, or it is no fast path.
 */
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { fastOrder } from '../../src/domain/fast-order.js';
import { MAX_QUANTITY } from '../../src/domain/limits.js';
import { orderSchema } from '../../src/domain/schemas.js';
import { arbitraries } from '../../src/testing/index.js';
import { fcParams } from '../support/fc.js';

const MIN = Date.UTC(2000, 0, 1);
const MAX = Date.UTC(2200, 0, 1);
const DELETE = Symbol('delete');
const time = [
  MIN,
  MAX,
  MIN - 1,
  MAX + 1,
  1.5,
  Number.NaN,
  '2026-11-24T09:00:00+08:00',
  '2026-11-24',
  undefined,
  null,
  DELETE,
];
const name = ['', 'x', 1, undefined, null, DELETE];
/** Near misses per field: the values on both sides of each rule. */
const nearMisses: Record<string, unknown[]> = {
  id: name,
  clientId: name,
  product: name,
  line: name,
  tier: ['key', 'special', 'regular', 'vip', 'Key', undefined, DELETE],
  quantity: [
    1,
    0,
    -1,
    1.5,
    MAX_QUANTITY,
    MAX_QUANTITY + 1,
    2 ** 53 - 1,
    2 ** 53,
    '3',
    Number.POSITIVE_INFINITY,
    undefined,
    DELETE,
  ],
  uploadedAt: time,
  shipBy: time,
  pickupAt: time,
  rush: [
    {},
    null,
    [],
    { cause: 'client' },
    { cause: 'rework' },
    { cause: 'rework', urgency: 'immediate', reason: 'r', responsible: 'p' },
    { urgency: 'immediate' },
    { urgency: 'soon' },
    { urgency: 'next-day', cause: 'client', extra: 1 },
    { cause: 'damaged', reason: 5 },
    { cause: 'missing', responsible: undefined },
    { urgency: undefined, cause: 'damaged' },
    DELETE,
  ],
  extra: [1, undefined],
};

const mutated = fc
  .tuple(
    arbitraries.orders(),
    fc.array(
      fc
        .constantFrom(...Object.keys(nearMisses))
        .chain((key) =>
          fc.constantFrom(...(nearMisses[key] as unknown[])).map((value) => [key, value] as const),
        ),
      { minLength: 1, maxLength: 2 },
    ),
    // A symbol-keyed property, which zod ignores and leaves out of its answer.
    fc.constantFrom('none', 'order', 'rush'),
  )
  .map(([order, edits, symbolOn]) => {
    const o: Record<string | symbol, unknown> = structuredClone(order) as never;
    for (const [key, value] of edits) {
      if (value === DELETE) delete o[key];
      else o[key] = structuredClone(value);
    }
    if (symbolOn === 'order') o[Symbol('extra')] = 1;
    if (symbolOn === 'rush' && typeof o.rush === 'object' && o.rush !== null)
      (o.rush as Record<symbol, unknown>)[Symbol('extra')] = 1;
    return o;
  });

test('fastOrder answers exactly what zod answers, or leaves it to zod', () => {
  fc.assert(
    fc.property(fc.oneof(arbitraries.orders(), mutated), (input) => {
      const fast = fastOrder(input);
      const slow = orderSchema.safeParse(input);
      if (fast !== undefined) {
        expect(slow.success).toBe(true);
        expect(JSON.stringify(fast)).toBe(JSON.stringify(slow.data));
        expect(fast).toEqual(slow.data);
      }
    }),
    fcParams(3000),
  );
});

test('well-formed orders with epoch-ms times take the fast path', () => {
  fc.assert(
    fc.property(arbitraries.orders(), (order) => {
      if (typeof order.uploadedAt !== 'number') return;
      expect(fastOrder(order)).toBeDefined();
    }),
    fcParams(300),
  );
});
