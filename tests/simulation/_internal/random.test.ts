/**
 * The sampling of order sizes and arrivals. Each distribution's sample mean must be within
 * five standard errors of its exact mean (the standard error from the sample itself), every
 * size is a whole number of at least 1, and a stream depends on its seed and replication only.
 */
import { describe, expect, test } from 'vitest';
import { Rng } from '../../../src/simulation/_internal/random.js';
import type { QuantityDistribution } from '../../../src/simulation/scenario.js';

const N = 40_000;

function sample(d: QuantityDistribution, seed = 1): number[] {
  const rng = Rng.stream(seed, 0);
  return Array.from({ length: N }, () => rng.quantity(d));
}

function meanAndSe(xs: number[]) {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  const v = xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1);
  return { m, se: Math.sqrt(v / xs.length) };
}

describe('order sizes', () => {
  const cases: [QuantityDistribution, number][] = [
    [{ dist: 'fixed', value: 7 }, 7],
    // ceil of an exponential with mean θ: 1/(1 − e^(−1/θ)).
    [{ dist: 'exponential', mean: 20 }, 1 / (1 - Math.exp(-1 / 20))],
    [{ dist: 'geometric', mean: 1.5 }, 1.5],
    [{ dist: 'geometric', mean: 30 }, 30],
  ];
  for (const [d, exact] of cases) {
    test(`${JSON.stringify(d)} has mean ${exact.toFixed(3)}`, () => {
      const xs = sample(d);
      for (const x of xs) expect(Number.isInteger(x) && x >= 1).toBe(true);
      const { m, se } = meanAndSe(xs);
      expect(Math.abs(m - exact)).toBeLessThanOrEqual(Math.max(5 * se, 1e-12));
    });
  }

  test('lognormal keeps the mean and spread of the items, not of their logarithm', () => {
    const xs = sample({ dist: 'lognormal', mean: 36, sd: 45 });
    const { m, se } = meanAndSe(xs);
    // Rounding to whole items moves the mean by far less than the sampling error.
    expect(Math.abs(m - 36)).toBeLessThanOrEqual(5 * se + 0.05);
    const sd = Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1));
    expect(sd).toBeGreaterThan(35);
    expect(sd).toBeLessThan(55);
  });
});

test('exponential gaps have the requested mean', () => {
  const rng = Rng.stream(3, 0);
  const xs = Array.from({ length: N }, () => rng.exponential(250));
  const { m, se } = meanAndSe(xs);
  expect(Math.abs(m - 250)).toBeLessThanOrEqual(5 * se);
});

test('streams: the same seed and replication repeat, others differ', () => {
  const draw = (seed: number, rep: number) => {
    const r = Rng.stream(seed, rep);
    return [r.uniform(), r.uniform(), r.uniform()];
  };
  expect(draw(5, 2)).toEqual(draw(5, 2));
  expect(draw(5, 2)).not.toEqual(draw(5, 3));
  expect(draw(5, 2)).not.toEqual(draw(6, 2));
});

test('pick follows the weights', () => {
  const rng = Rng.stream(9, 0);
  const counts = { a: 0, b: 0, c: 0 };
  for (let i = 0; i < N; i++)
    counts[
      rng.pick([
        ['a', 0.2],
        ['b', 0.5],
        ['c', 0.3],
      ] as const)
    ]++;
  // Binomial standard error at N = 40,000 is at most 0.0025.
  expect(Math.abs(counts.a / N - 0.2)).toBeLessThan(0.0125);
  expect(Math.abs(counts.b / N - 0.5)).toBeLessThan(0.0125);
});
