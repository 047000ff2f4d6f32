/** The statistics helpers against references: a sorted array, the t table, Wilson's interval. */
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { meanCi, quantile, shareCi, tQuantile975 } from '../../src/simulation/stats.js';
import { fcParams } from '../support/fc.js';

test('quantile interpolates between order statistics (Hyndman–Fan type 7)', () => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: 1, maxLength: 50 }),
      fc.double({ min: 0, max: 1, noNaN: true }),
      (xs, p) => {
        const sorted = [...xs].sort((a, b) => a - b);
        const q = quantile(sorted, p) as number;
        const h = (sorted.length - 1) * p;
        const lo = sorted[Math.floor(h)] as number;
        const hi = sorted[Math.ceil(h)] as number;
        expect(q).toBeGreaterThanOrEqual(Math.min(lo, hi) - 1e-9);
        expect(q).toBeLessThanOrEqual(Math.max(lo, hi) + 1e-9);
        expect(quantile(sorted, 0)).toBe(sorted[0]);
        expect(quantile(sorted, 1)).toBe(sorted.at(-1));
      },
    ),
    fcParams(200),
  );
  expect(quantile([], 0.5)).toBeNull();
  expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
});

test("Student's t quantile: the table, then an expansion that joins it", () => {
  expect(tQuantile975(1)).toBe(12.706);
  expect(tQuantile975(9)).toBe(2.262);
  // Exact values from a table: 2.0395 at 31, 2.0211 at 40, 2.0003 at 60, 1.9799 at 120.
  expect(tQuantile975(31)).toBeCloseTo(2.0395, 3);
  expect(tQuantile975(40)).toBeCloseTo(2.0211, 3);
  expect(tQuantile975(60)).toBeCloseTo(2.0003, 3);
  expect(tQuantile975(120)).toBeCloseTo(1.9799, 3);
  expect(tQuantile975(100_000)).toBeCloseTo(1.96, 3);
});

test('meanCi: the mean and a symmetric interval that shrinks with more values', () => {
  expect(meanCi([])).toEqual({ mean: null, ci95: null });
  expect(meanCi([3, null])).toEqual({ mean: 3, ci95: null });
  const r = meanCi([1, 2, 3, 4, 5]);
  expect(r.mean).toBe(3);
  // s = √2.5, t(4) = 2.776: half-width 2.776·√(2.5/5).
  expect(((r.ci95 as [number, number])[1] - 3) / Math.sqrt(0.5)).toBeCloseTo(2.776, 6);
});

test("shareCi: the t interval of 99.4% ran past 100%; Wilson's score interval stays inside [0, 1]", () => {
  const days = [1, 1, 1, 0.97, 1, 1, 0.99, 1, 1, 0.98];
  const t = meanCi(days).ci95 as [number, number];
  expect(t[1]).toBeGreaterThan(1);
  const w = shareCi(
    days,
    days.map(() => 100),
  );
  expect(w.mean).toBeCloseTo(0.994, 12);
  const [lo, hi] = w.ci95 as [number, number];
  expect(hi).toBeLessThanOrEqual(1);
  expect(lo).toBeLessThan(0.994);
  expect(hi).toBeGreaterThan(0.994);
});

test('shareCi: every day at 100% still leaves doubt, as many trials as the days counted allow', () => {
  // Wilson's interval for 200 successes in 200 trials: [1 − z²/(n + z²), 1].
  const w = shareCi([1, 1], [120, 80]).ci95 as [number, number];
  const z2 = 1.959964 ** 2;
  // With two days, t(1) widens it: the trials count as n·(z/t)².
  const n = 200 * (1.959964 / 12.706) ** 2;
  expect(w[0]).toBeCloseTo(n / (n + z2), 9);
  expect(w[1]).toBe(1);
  // A share of time has no trials to count: the days say all there is.
  expect(shareCi([1, 1], [null, null]).ci95).toEqual([1, 1]);
});

test('shareCi: away from 0 and 1, with many trials, it is the t interval', () => {
  const days = [0.42, 0.51, 0.47, 0.55, 0.44, 0.49, 0.5, 0.46, 0.53, 0.48];
  const t = meanCi(days).ci95 as [number, number];
  const w = shareCi(
    days,
    days.map(() => 10_000),
  ).ci95 as [number, number];
  expect(Math.abs(w[0] - t[0])).toBeLessThan(0.003);
  expect(Math.abs(w[1] - t[1])).toBeLessThan(0.003);
});

test('shareCi: inside [0, 1] and around the mean, whatever the days', () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.record({
          value: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: null }),
          trials: fc.option(fc.integer({ min: 1, max: 100_000 }), { nil: null }),
        }),
        { minLength: 2, maxLength: 40 },
      ),
      (days) => {
        const { mean, ci95 } = shareCi(
          days.map((d) => d.value),
          days.map((d) => d.trials),
        );
        if (ci95 === null) return;
        expect(ci95[0]).toBeGreaterThanOrEqual(0);
        expect(ci95[1]).toBeLessThanOrEqual(1);
        expect(ci95[0]).toBeLessThanOrEqual((mean as number) + 1e-12);
        expect(ci95[1]).toBeGreaterThanOrEqual((mean as number) - 1e-12);
      },
    ),
    fcParams(500),
  );
});
