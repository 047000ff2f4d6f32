/**
 * The hand-over fast path against zod: on any input, valid or broken, `fastHandover` either
 * declines (undefined) or answers exactly what `handoverSchema` answers, field for field and in
 * the same order. On well-formed hand-overs it must answer, or it is no fast path.
 */
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { fastHandover } from '../../src/domain/fast-handover.js';
import { handoverSchema } from '../../src/domain/schemas.js';
import { fcParams } from '../support/fc.js';

const DELETE = Symbol('delete');
/** Near misses per field: the values on both sides of each rule. */
const nearMisses: Record<string, unknown[]> = {
  via: ['ship', 'pickup', 'Ship', '', undefined, null, 1, DELETE],
  reference: ['SF1234', '', 0, null, undefined, DELETE],
  shortItems: [0, 1, 7, -1, 1.5, -0, Number.NaN, Number.POSITIVE_INFINITY, '1', undefined, DELETE],
  extra: [DELETE, DELETE, DELETE, 'x', undefined],
};

/** A hand-over built from near misses: each field given, spoilt or left out. */
const nearHandovers = fc
  .record(
    Object.fromEntries(Object.entries(nearMisses).map(([k, vs]) => [k, fc.constantFrom(...vs)])),
  )
  .map((fields) => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(fields)) if (v !== DELETE) out[k] = v;
    return out;
  });

/** Whatever a caller might pass: near misses, other objects and values, an inherited field. */
const anything = fc.oneof(
  nearHandovers,
  nearHandovers.map((h) => Object.assign(Object.create({ via: 'ship' }), h)),
  nearHandovers.map((h) => Object.assign(Object.create(null), h)),
  fc.anything(),
);

test('declines, or answers exactly what zod answers', () => {
  fc.assert(
    fc.property(anything, (input) => {
      const fast = fastHandover(input);
      if (fast === undefined) return;
      const r = handoverSchema.safeParse(input);
      expect(r.success).toBe(true);
      expect(fast).toStrictEqual(r.data);
      expect(Object.keys(fast)).toEqual(Object.keys(r.data as object));
    }),
    fcParams(2000),
  );
});

test('answers every well-formed hand-over', () => {
  fc.assert(
    fc.property(
      fc.record(
        {
          via: fc.constantFrom('ship' as const, 'pickup' as const),
          reference: fc.string(),
          shortItems: fc.nat(),
        },
        { requiredKeys: ['via'], noNullPrototype: true },
      ),
      (h) => {
        expect(fastHandover(h)).toStrictEqual(handoverSchema.parse(h));
      },
    ),
    fcParams(500),
  );
});
