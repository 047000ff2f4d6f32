import asciichart from 'asciichart';

/** Prints an asciichart of each figure against the day, one row per day. */
export function chartsAgainstDay<R>(
  rows: readonly R[],
  figures: [title: string, of: (r: R) => number][],
): void {
  for (const [title, of] of figures) {
    console.log(`\n${title} against the day`);
    console.log(
      asciichart.plot(rows.map(of), { height: 8, format: (v: number) => v.toFixed(1).padStart(8) }),
    );
  }
}

/**
 * How a figure grew from days 10–20 to the last eleven days, by the mean of each window, as
 * text (`×0.90 (days 10–20 against 50–60)`). A day's slowest call is one draw from a long
 * tail (a collection, a write-ahead-log copy): the ratio of two single days says more about
 * those two days than about growth. Printed beside the single-day ratio, not instead of it.
 */
export function windowGrowth<R>(rows: readonly R[], of: (r: R) => number): string {
  const span = 11;
  if (rows.length < 10 + span) return 'too few days for two windows';
  const mean = (xs: readonly R[]) => xs.reduce((a, r) => a + of(r), 0) / xs.length;
  const first = rows.slice(9, 9 + span);
  const last = rows.slice(-span);
  return `×${(mean(last) / mean(first)).toFixed(2)} (days 10–20 against ${rows.length - span + 1}–${rows.length})`;
}
