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
