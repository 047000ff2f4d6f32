/**
 * Events a second of the simulator with 5 lines and with 50: the same orders over three days
 * of a lab open 08:00–22:00, the same load per line (each of the fifty lines has a tenth of
 * the capacity of each of the five), so the two runs have the same events and differ only in
 * the number of lines. An event is an arrival, a finish or a capacity change. Run with
 * `npm run bench:events [orders] [runs]`; prints each run's events a second and the best.
 */
import { type Scenario, simulate } from '../dist/index.js';

const orders = Number(process.argv[2] ?? 20_000);
const runs = Number(process.argv[3] ?? 3);
const days = 3;

function lab(lines: number): Scenario {
  // 6,000 prints an hour over the lab, loaded to about 85% while open (14 of 24 hours).
  const perLine = 6000 / lines;
  return {
    name: `${lines} lines`,
    start: '2026-10-12T00:00:00+08:00',
    days,
    calendar: { zone: 'Asia/Shanghai', open: '08:00', close: '22:00', days: [1, 2, 3, 4, 5, 6, 7] },
    lines: Array.from({ length: lines }, (_, i) => ({
      id: `L${i + 1}`,
      products: ['print'],
      unitsPerHour: perLine,
    })),
    arrivals: { perHour: orders / (days * 24) },
    mix: {
      products: { print: 1 },
      tiers: { key: 0.1, special: 0.25, regular: 0.65 },
      quantity: {
        print: { dist: 'fixed', value: Math.round((6000 * 14 * 0.85) / (orders / days)) },
      },
      rush: {
        share: 0.1,
        urgency: { 'same-day': 0.5, 'next-day': 0.5 },
        companyShare: 0.1,
        causes: { missing: 1 },
      },
      clients: { count: 3000, habitualShare: 0.05 },
    },
    // One breakdown a day on the first line, so capacity changes are among the events.
    capacityEvents: Array.from({ length: days }, (_, d) => [
      { at: Date.parse(`2026-10-${12 + d}T04:00:00Z`), line: 'L1', unitsPerHour: perLine / 2 },
      { at: Date.parse(`2026-10-${12 + d}T08:00:00Z`), line: 'L1', unitsPerHour: perLine },
    ]).flat(),
  };
}

for (const n of [5, 50]) {
  const scenario = lab(n);
  let best = 0;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = simulate(scenario, { seed: 1 + i });
    const s = (performance.now() - t0) / 1000;
    const events = 2 * r.orders.length + (scenario.capacityEvents?.length ?? 0);
    const rate = events / s;
    best = Math.max(best, rate);
    console.log(
      `${n} lines, seed ${1 + i}: ${events} events in ${s.toFixed(2)} s, ${Math.round(rate)} events/s`,
    );
  }
  console.log(`${n} lines: best ${Math.round(best)} events/s`);
}
