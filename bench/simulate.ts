/**
 * How long a 100,000-order simulated day takes: the peak-day scenario with its arrival rates
 * and line capacities scaled by the same factor (the lab is as loaded as on the peak day, just
 * bigger), and 3,000 clients. Run with `npm run bench:simulate [orders] [runs]`. Prints the wall
 * time of each run (seeds 1, 2, …), the heap in use after it, and the process's peak resident
 * memory so far: run one day per process (`runs` = 1) to read the peak of a single day. Then
 * it reads `result.orders`, which makes the million records from the run's order sheet, and
 * prints what that took and the peak after it: the cost of the records, paid by a caller who
 * reads them.
 *
 * `npm run bench:simulate` caps V8's old space at 800 MiB. Uncapped, V8 collects lazily and
 * lets a 10⁶-order day's heap grow past 1.3 GiB although far less is live; the cap makes the
 * run show what the day needs, and a day that needed more would fail with an out-of-memory
 * error rather than pass.
 */
import { simulate } from '../dist/index.js';
import { scaledPeakDay } from './peak-day.js';

const target = Number(process.argv[2] ?? 100_000);
const scenario = scaledPeakDay(target, 3000);

const runs = Number(process.argv[3] ?? 3);
const peakMiB = () => process.resourceUsage().maxRSS / 2 ** 10;
for (let i = 0; i < runs; i++) {
  const t0 = performance.now();
  const r = simulate(scenario, { seed: 1 + i });
  const ms = performance.now() - t0;
  // Read before the orders are: `orders` is made from the run's order sheet when first read.
  const heap = process.memoryUsage().heapUsed / 2 ** 20;
  const peak = peakMiB();
  const kpi = (id: string) => r.summary.kpis.find((x) => x.id === id)?.mean;
  const t1 = performance.now();
  const n = r.orders.length;
  const readMs = performance.now() - t1;
  console.log(
    `${n} orders in ${(ms / 1000).toFixed(2)} s (${((ms * 1000) / n).toFixed(1)} µs/order), heap ${heap.toFixed(0)} MiB, peak RSS ${peak.toFixed(0)} MiB (${((peak * 2 ** 20) / n).toFixed(0)} bytes/order); utilization minilab ${((kpi('utilization.minilab') ?? 0) * 100).toFixed(0)}%, rush acceptance ${((kpi('rushAcceptance') ?? 0) * 100).toFixed(0)}%; then reading result.orders: ${(readMs / 1000).toFixed(2)} s, peak RSS ${peakMiB().toFixed(0)} MiB`,
  );
}
