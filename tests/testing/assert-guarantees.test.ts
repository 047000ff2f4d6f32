/**
 * `assertGuarantees` on the default lab, on a lab with a fair custom gate, and on a planted
 * bug: a gate that declines small rushes but lets large ones through. The kit must report the
 * monotonicity violation with a counterexample shrunk to a day of a few orders.
 */
import { describe, expect, test } from 'vitest';
import type { CustomGate } from '../../src/index.js';
import { assertGuarantees } from '../../src/testing/index.js';
import { CI_SEED } from '../support/fc.js';
import { busyLab } from '../support/labs.js';

describe('assertGuarantees', () => {
  test('the default lab keeps every guarantee', () => {
    expect(() => assertGuarantees({}, { numRuns: 40, seed: CI_SEED })).not.toThrow();
  });

  test('a fair custom gate keeps them too', () => {
    const fair: CustomGate = {
      id: 'no-big-regular-rush-when-tight',
      decline: (r, c) =>
        c.tight && r.order.tier === 'regular' && r.order.quantity > 20
          ? 'a big rush for a regular client waits while the line is tight'
          : undefined,
    };
    expect(() =>
      assertGuarantees({ ...busyLab, gates: [fair] }, { numRuns: 60, seed: CI_SEED }),
    ).not.toThrow();
  });

  test('a planted bug (small rushes declined, large ones accepted) is caught and shrunk to a few orders', () => {
    const planted: CustomGate = {
      id: 'no-small-rushes',
      decline: (r) =>
        r.order.quantity < 20 ? 'small rushes are not worth a changeover' : undefined,
    };
    let report = '';
    try {
      assertGuarantees({ gates: [planted] }, { seed: CI_SEED });
    } catch (error) {
      report = String(error);
    }
    expect(report).toContain('[monotone-fairness: quantity]');
    expect(report).toContain('no-small-rushes: small rushes are not worth a changeover');
    const counterexample = /Counterexample: \[(.*)\]\n/.exec(report)?.[1];
    expect(counterexample).toBeDefined();
    const c = JSON.parse(counterexample as string);
    expect(c.day.length).toBeLessThanOrEqual(3);
    // The pair the report names: the kit looks below the drawn probe for a declined smaller
    // quantity, so the pair, not the shrunk probe, is what must straddle the planted threshold.
    const pair = /rush for (\d+) .* is accepted, but an? [a-z-]+ rush for (\d+) /.exec(report);
    expect(pair).not.toBeNull();
    const [accepted, declined] = [Number(pair?.[1]), Number(pair?.[2])];
    expect(declined).toBeLessThan(20);
    expect(accepted).toBeGreaterThanOrEqual(20);
  });
});
