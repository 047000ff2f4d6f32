/**
 * How long a 100,000-order simulated day takes: the peak-day scenario with its arrival rates
 * and line capacities scaled by the same factor (the lab is as loaded as on the peak day, just
 * bigger), and 3,000 clients. Run with `npm run bench:simulate [orders]`. Prints the wall time
 * and the heap after the run for one seed, three times.
 */
import { peakDay, type Scenario, simulate } from '../src/index.js';

const target = Number(process.argv[2] ?? 100_000);
const base = 800; // orders per day of the peak-day scenario
const k = target / base;
const scenario: Scenario = {
  ...peakDay,
  name: `Peak day ×${k.toFixed(0)}`,
  lines: (peakDay.lines ?? []).map((l) => ({ ...l, unitsPerHour: l.unitsPerHour * k })),
  arrivals: { perHour: (peakDay.arrivals.perHour as number[]).map((r) => r * k) },
  mix: { ...peakDay.mix, clients: { ...peakDay.mix.clients, count: 3000 } },
};

for (let i = 0; i < 3; i++) {
  const t0 = performance.now();
  const r = simulate(scenario, { seed: 1 + i });
  const ms = performance.now() - t0;
  const heap = process.memoryUsage().heapUsed / 2 ** 20;
  const kpi = (id: string) => r.summary.kpis.find((x) => x.id === id)?.mean;
  console.log(
    `${r.orders.length} orders in ${(ms / 1000).toFixed(2)} s (${((ms * 1000) / r.orders.length).toFixed(1)} µs/order), heap ${heap.toFixed(0)} MiB; utilization minilab ${((kpi('utilization.minilab') ?? 0) * 100).toFixed(0)}%, rush acceptance ${((kpi('rushAcceptance') ?? 0) * 100).toFixed(0)}%`,
  );
}
