/** The statistics helpers against references: a sorted array, and the t table. */
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { meanCi, quantile, tQuantile975 } from '../../src/simulation/stats.js';
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
