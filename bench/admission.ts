/**
 * How admission cost grows with the queue: fills one line with N promised orders, then times
 * rush admissions (feasibility test plus, when declined, the earliest-promise search) against
 * it. Run with `npm run bench:admission`. A quick look, not the benchmark suite: that is
 * issue 4's (tinybench, baselines, 10^6).
 */
import { createScheduler, type Order } from '../dist/index.js';

const calendar = { zone: 'UTC', open: '00:00', close: '24:00', days: [1, 2, 3, 4, 5, 6, 7] };
const start = Date.UTC(2026, 10, 23);
let seed = 7;
const rand = () => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed / 2 ** 31;
};
const tiers = ['key', 'special', 'regular'] as const;

function run(n: number) {
  // Capacity sized so the queue spans about a week: deep enough that promises interleave.
  // The whole day may go to rushes, so every request reaches the feasibility gate.
  const s = createScheduler({
    calendar,
    lines: [{ id: 'print', products: ['print'], unitsPerHour: Math.max(60, n / 100) }],
    policy: { rush: { quotaShare: 1, keyReserveShare: 0 } },
  });
  const orders: Order[] = [];
  for (let i = 0; i < n; i++) {
    const o: Order = {
      id: `o${i}`,
      clientId: `c${i % 5000}`,
      tier: tiers[i % 3] as Order['tier'],
      product: 'print',
      quantity: 1 + Math.floor(rand() * 60),
      uploadedAt: start,
    };
    if (rand() < 0.3) o.shipBy = start + Math.floor(rand() * 7 * 86_400_000);
    orders.push(o);
  }
  let t0 = performance.now();
  for (const o of orders) s.submit(o, start);
  const intake = ((performance.now() - t0) * 1000) / n;
  const m = 2000;
  t0 = performance.now();
  const rules = new Map<string, number>();
  for (let i = 0; i < m; i++) {
    const d = s.submit(
      {
        id: `r${i}`,
        clientId: `r${i}`,
        tier: 'key',
        product: 'print',
        quantity: 1 + (i % 20),
        uploadedAt: start,
        rush: { urgency: i % 2 ? 'next-day' : 'half-day' },
      },
      start,
    );
    rules.set(d.reasons[0]?.rule as string, (rules.get(d.reasons[0]?.rule as string) ?? 0) + 1);
  }
  const rush = ((performance.now() - t0) * 1000) / m;
  return { n, intake, rush, rules: JSON.stringify(Object.fromEntries(rules)) };
}

for (const n of [1_000, 10_000, 100_000]) {
  const r = run(n);
  console.log(
    `N=${String(r.n).padStart(7)}  submit (plain) ${r.intake.toFixed(2).padStart(6)} µs/order   rush admission ${r.rush.toFixed(2).padStart(6)} µs/request ${r.rules}`,
  );
}
