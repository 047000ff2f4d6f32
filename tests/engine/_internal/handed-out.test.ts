import fc from 'fast-check';
import { expect, test } from 'vitest';
import type { Decision, DeliveryRecord } from '../../../src/domain/types.js';
import { deliveryHandedOut, handedOut } from '../../../src/engine/_internal/handed-out.js';
import { fcParams } from '../../support/fc.js';

const decision: fc.Arbitrary<Decision> = fc
  .record(
    {
      orderId: fc.string({ minLength: 1 }),
      line: fc.string({ minLength: 1 }),
      outcome: fc.constantFrom('queued', 'rush-accepted', 'rush-declined'),
      promisedBy: fc.integer(),
      reasons: fc.array(
        fc.record({ rule: fc.string(), message: fc.string() }, { noNullPrototype: true }),
        { minLength: 1 },
      ),
      atRisk: fc.array(fc.string()),
      earliestPossible: fc.integer(),
      decidedAt: fc.integer(),
      requestedBy: fc.integer(),
    },
    {
      noNullPrototype: true,
      requiredKeys: [
        'orderId',
        'line',
        'outcome',
        'promisedBy',
        'reasons',
        'atRisk',
        'decidedAt',
        'requestedBy',
      ],
    },
  )
  .map((d) => d as Decision);

/** `out` equals `original`, with its keys in the same order, and is another object. */
function expectEqualCopy(out: object, original: object): void {
  expect(out).toStrictEqual(original);
  expect(Object.keys(out)).toEqual(Object.keys(original));
  expect(out).not.toBe(original);
}

test('property: a decision handed out is equal to the one rendered, keys in their order, and shares no object with it', () => {
  fc.assert(
    fc.property(decision, (d) => {
      const out = handedOut(d);
      expectEqualCopy(out, d);
      expect(out.reasons).not.toBe(d.reasons);
      expect(out.atRisk).not.toBe(d.atRisk);
      out.reasons.forEach((r, i) => {
        expect(r).not.toBe(d.reasons[i]);
      });
    }),
    fcParams(200),
  );
});

const delivery: fc.Arbitrary<DeliveryRecord> = fc
  .record(
    {
      orderId: fc.string({ minLength: 1 }),
      clientId: fc.string({ minLength: 1 }),
      via: fc.constantFrom('ship', 'pickup'),
      reference: fc.string(),
      shortItems: fc.nat(),
      deliveredAt: fc.integer(),
      dueBy: fc.integer(),
      onTime: fc.boolean(),
      reissuedBy: fc.array(fc.string({ minLength: 1 })),
    },
    {
      noNullPrototype: true,
      requiredKeys: ['orderId', 'clientId', 'via', 'shortItems', 'deliveredAt', 'dueBy', 'onTime'],
    },
  )
  .map((d) => d as DeliveryRecord);

test('property: a hand-over handed out is equal to the register entry, keys in their order, and shares no object with it', () => {
  fc.assert(
    fc.property(delivery, (d) => {
      const out = deliveryHandedOut(d);
      expectEqualCopy(out, d);
      if (d.reissuedBy !== undefined) expect(out.reissuedBy).not.toBe(d.reissuedBy);
    }),
    fcParams(200),
  );
});
