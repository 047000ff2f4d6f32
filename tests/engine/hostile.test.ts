/**
 * Issue 16: inputs the validator lets through must never corrupt. A scheduler is driven with
 * valid, malformed and extreme-but-valid calls (ids such as `__proto__` and `constructor`,
 * quantities, rates and times at and beyond each limit, capacities of 5e-324 and 1e300); after
 * every call it either answered or threw `ValidationError` with its state unchanged (§7.9), a
 * snapshot restored answers the same and decides the next call the same (§7.8), and
 * `Object.prototype` is untouched. bench/hostile.ts runs the same streams at 10^4 calls and more.
 */
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { fcParams } from '../support/fc.js';
import { CALL_KINDS, hostilePrograms, newTally, runHostile } from '../support/hostile-stream.js';

test('the hostile streams reach every call, both ways, with hostile ids on orders that are decided', () => {
  const tally = newTally();
  for (const p of fc.sample(hostilePrograms(), { numRuns: 24, seed: 16 })) runHostile(p, tally);
  expect(tally.calls).toBeGreaterThan(600);
  for (const kind of CALL_KINDS) {
    const c = tally.byCall[kind];
    expect(c?.completed, `${kind} completed`).toBeGreaterThan(0);
    if (kind !== 'registers') expect(c?.validation, `${kind} refused`).toBeGreaterThan(0);
  }
  for (const id of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf']) {
    expect(tally.hostileSubmitted, `orders with id ${id}`).toContain(`order ${id}`);
    expect(tally.hostileSubmitted, `orders of client ${id}`).toContain(`client ${id}`);
  }
  // Hostile clients have rush histories, which every later snapshot must carry.
  for (const id of ['__proto__', 'constructor', 'toString'])
    expect(tally.hostileSubmitted, `accepted rushes of ${id}`).toContain(`rush of ${id}`);
  // The rush gates decide: quotas fill, lines are too busy for a promise.
  expect([...tally.rules]).toEqual(
    expect.arrayContaining([
      'accepted',
      'company-fault',
      'daily-rush-quota',
      'would-break-promises',
      'available-to-promise',
    ]),
  );
  expect(tally.labsRefused).toBeGreaterThan(0);
  expect(tally.labsRefused).toBeLessThan(tally.programs / 3);
});

test('§7.8, §7.9: every call is whole or a ValidationError that changed nothing; a restored snapshot answers the same; Object.prototype untouched', () => {
  fc.assert(
    fc.property(hostilePrograms(), (p) => {
      const violations = runHostile(p, newTally(), { stopAtFirst: true });
      if (violations.length > 0) throw new Error(violations.join('\n'));
    }),
    fcParams(25),
  );
});
