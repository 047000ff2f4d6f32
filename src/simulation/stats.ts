/**
 * The little statistics the simulator needs: percentiles of a sample, the mean of independent
 * replications with a Student-t 95% confidence interval, and for a share, an interval that
 * stays a share (Wilson's).
 */

/** The standard normal's 97.5% quantile. */
const Z975 = 1.959964;

/** Two-sided 97.5% quantiles of Student's t for 1 to 30 degrees of freedom (any statistics table). */
const T975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145,
  2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048,
  2.045, 2.042,
];

/**
 * The 97.5% quantile of Student's t with `df` degrees of freedom: the table up to 30, then the
 * Cornish–Fisher expansion around the normal quantile (Abramowitz & Stegun 26.7.5), which is
 * within 0.001 of the exact value from 30 degrees of freedom on.
 */
export function tQuantile975(df: number): number {
  if (df < 1) return Number.NaN;
  if (df <= 30) return T975[Math.floor(df) - 1] as number;
  const z = Z975;
  const z3 = z ** 3;
  const z5 = z ** 5;
  const z7 = z ** 7;
  return (
    z +
    (z3 + z) / (4 * df) +
    (5 * z5 + 16 * z3 + 3 * z) / (96 * df ** 2) +
    (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * df ** 3)
  );
}

/** Mean and 95% interval of the values that are numbers. */
export function meanCi(values: readonly (number | null)[]): {
  mean: number | null;
  ci95: [number, number] | null;
} {
  const xs = values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (xs.length === 0) return { mean: null, ci95: null };
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  if (xs.length < 2) return { mean, ci95: null };
  const variance = xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (xs.length - 1);
  const half = tQuantile975(xs.length - 1) * Math.sqrt(variance / xs.length);
  return { mean, ci95: [mean - half, mean + half] };
}

/**
 * Mean and 95% interval of daily shares (each a proportion of that day's `trials`, or a share
 * of time when `trials` is null). The t interval of `meanCi` runs past 100% near the bounds
 * ("99.4% [98.8% – 100.1%]"); this one is Wilson's score interval, which stays inside [0, 1],
 * fed with an effective number of trials (Korn & Graubard, 1998): as many as would make a
 * proportion as uncertain as the days' own spread says, p(1 − p)/se², but never more than
 * the trials the days counted (orders of one day are not independent draws, so the days'
 * spread is the honest measure; when every day is at 0 or at 1 it says nothing, and the count
 * does). That number is scaled by (z/t)² for the few degrees of freedom of a few days. Away
 * from the bounds, with many trials, the interval is the t interval.
 */
export function shareCi(
  values: readonly (number | null)[],
  trials: readonly (number | null)[],
): { mean: number | null; ci95: [number, number] | null } {
  const days = values.flatMap((v, i) =>
    v !== null && Number.isFinite(v) ? [{ p: v, n: trials[i] ?? Number.POSITIVE_INFINITY }] : [],
  );
  const { mean, ci95 } = meanCi(days.map((d) => d.p));
  if (mean === null || ci95 === null) return { mean, ci95 };
  const p = Math.min(1, Math.max(0, mean));
  // The standard error of the mean, from the half-width of its t interval.
  const se = (ci95[1] - mean) / tQuantile975(days.length - 1);
  const fromSpread = se > 0 ? (p * (1 - p)) / (se * se) : Number.POSITIVE_INFINITY;
  const counted = days.reduce((a, d) => a + d.n, 0);
  const n = Math.min(fromSpread, counted) * (Z975 / tQuantile975(days.length - 1)) ** 2;
  if (!Number.isFinite(n)) return { mean, ci95: [p, p] };
  const z2n = (Z975 * Z975) / n;
  const centre = (p + z2n / 2) / (1 + z2n);
  const half = (Z975 / (1 + z2n)) * Math.sqrt((p * (1 - p)) / n + z2n / (4 * n));
  // At p = 0 (or 1) the interval starts (or ends) there exactly; rounding would leave 1 − 2⁻⁵³.
  return {
    mean,
    ci95: [p === 0 ? 0 : Math.max(0, centre - half), p === 1 ? 1 : Math.min(1, centre + half)],
  };
}

/** The p-quantile (0 ≤ p ≤ 1) of a sorted sample, by linear interpolation; null when empty. */
export function quantile(sorted: ArrayLike<number>, p: number): number | null {
  if (sorted.length === 0) return null;
  const pos = (sorted.length - 1) * p;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (b - a) * (pos - lo);
}
