/**
 * A season in memory (issue 19): 60 working days of 10,000 orders a day through one in-memory
 * scheduler at its default settings, the queue kept short (the lines make the day's work as it
 * comes), as a lab's order-intake service would run it for months. After each day it prints the
 * memory the engine retains (JS heap plus typed arrays, after forced garbage collections), the
 * bytes of `JSON.stringify(snapshot())`, the orders held, and the p50, p99 and slowest call of
 * the day (submit, next and complete, each timed alone); then an asciichart of each against
 * the day, and how much each grew from day 10 to the last.
 *
 * Run with `npm run bench:season [days] [ordersPerDay]` (it starts Node with --expose-gc).
 * Timings on a shared machine are noisy; the memory and snapshot figures are not.
 */

import { createScheduler, type Order } from '../dist/index.js';
import { chartsAgainstDay, windowGrowth } from './day-charts.js';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc (npm run bench:season does)');

const DAYS = Number(process.argv[2] ?? 60);
const PER_DAY = Number(process.argv[3] ?? 10_000);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Monday 2 March 2026, 09:00 in Shanghai: the default calendar opens 09:00–18:00, Monday to Saturday. */
const MONDAY = Date.UTC(2026, 2, 2, 1);
const k = PER_DAY / 10_000;

const s = createScheduler({
  lines: [
    { id: 'print', products: ['print'], unitsPerHour: 24_000 * k },
    { id: 'gifts', products: ['album', 'crystal', 'frame'], unitsPerHour: 800 * k },
  ],
});

/** A seeded generator: the same season every run. */
let x = 20_261_205;
const rnd = () => {
  x = (Math.imul(x, 1_664_525) + 1_013_904_223) >>> 0;
  return x / 2 ** 32;
};

const busy = new Map<string, { id: string; finish: number }>();
const lines = s.lineIds();
let lat: number[] = [];
const timed = <T>(f: () => T): T => {
  const t0 = performance.now();
  const r = f();
  lat.push(performance.now() - t0);
  return r;
};
const startIdle = (t: number) => {
  for (const line of lines) {
    if (busy.has(line)) continue;
    const started = timed(() => s.next(line, t));
    if (started) busy.set(line, { id: started.orderId, finish: started.expectedFinish });
  }
};
/** Finishes and restarts the lines in time order up to `t`. */
const until = (t: number) => {
  for (;;) {
    let line: string | undefined;
    let when = Number.POSITIVE_INFINITY;
    for (const [id, b] of busy)
      if (b.finish < when) {
        when = b.finish;
        line = id;
      }
    if (line === undefined || when > t) return;
    const b = busy.get(line) as { id: string; finish: number };
    timed(() => s.complete(b.id, when));
    busy.delete(line);
    startIdle(when);
  }
};

interface Row {
  day: number;
  held: number;
  heapMiB: number;
  snapshotMiB: number;
  snapshotMs: number;
  p50: number;
  p99: number;
  max: number;
}
const rows: Row[] = [];
const pct = (xs: number[], p: number) =>
  xs[Math.min(xs.length - 1, Math.floor(p * xs.length))] ?? 0;
/**
 * The bytes of the snapshot's text and the time to make them. In a function of its own: the
 * loop's frame would keep the 40 MiB text (and the snapshot) alive in a temporary until the
 * next day, and the heap measured after the day would count them.
 */
function snapshotSize(): { snapshotBytes: number; snapshotMs: number } {
  const ts = performance.now();
  const snapshotBytes = Buffer.byteLength(JSON.stringify(s.snapshot()));
  return { snapshotBytes, snapshotMs: performance.now() - ts };
}

let n = 0;
let day = 0;
const t0 = performance.now();
console.log(
  'day  orders held  heap+buffers MiB  snapshot MiB  snapshot ms  p50 µs  p99 µs  max ms',
);
for (let d = 0; day < DAYS; d++) {
  const open = MONDAY + d * DAY;
  if (new Date(open + 8 * HOUR).getUTCDay() === 0) continue; // Sundays are closed
  lat = [];
  for (let i = 0; i < PER_DAY; i++) {
    const at = open + Math.floor(((i + rnd()) / PER_DAY) * 8 * HOUR);
    const r = rnd();
    const order: Order = {
      id: `o${n++}`,
      clientId: `c${Math.floor(rnd() * 3000)}`,
      tier: r < 0.1 ? 'key' : r < 0.3 ? 'special' : 'regular',
      product: r < 0.85 ? 'print' : r < 0.93 ? 'album' : r < 0.97 ? 'crystal' : 'frame',
      quantity: r < 0.85 ? 1 + Math.floor(rnd() * 30) : 1 + Math.floor(rnd() * 2),
      uploadedAt: at,
      ...(rnd() < 0.01
        ? { rush: { cause: 'rework' as const, reason: 'reprint', responsible: 'QA' } }
        : rnd() < 0.05
          ? { rush: { cause: 'client' as const, urgency: rnd() < 0.5 ? 'same-day' : 'next-day' } }
          : {}),
    } as Order;
    until(at);
    timed(() => s.submit(order, at));
    startIdle(at);
  }
  until(open + 9 * HOUR);
  day++;
  lat.sort((a, b) => a - b);
  const { snapshotBytes, snapshotMs } = snapshotSize();
  gc();
  gc();
  const m = process.memoryUsage();
  const row: Row = {
    day,
    held: s.memorySizes().orders,
    heapMiB: (m.heapUsed + m.arrayBuffers) / 2 ** 20,
    snapshotMiB: snapshotBytes / 2 ** 20,
    snapshotMs,
    p50: pct(lat, 0.5) * 1000,
    p99: pct(lat, 0.99) * 1000,
    max: lat.at(-1) ?? 0,
  };
  rows.push(row);
  console.log(
    `${String(day).padStart(3)}  ${String(row.held).padStart(11)}  ${row.heapMiB.toFixed(1).padStart(16)}  ${row.snapshotMiB.toFixed(2).padStart(12)}  ${row.snapshotMs.toFixed(0).padStart(11)}  ${row.p50.toFixed(1).padStart(6)}  ${row.p99.toFixed(1).padStart(6)}  ${row.max.toFixed(2).padStart(6)}`,
  );
}
const wall = (performance.now() - t0) / 1000;

chartsAgainstDay(rows, [
  ['Heap + buffers after gc (MiB)', (r) => r.heapMiB],
  ['Snapshot (MiB)', (r) => r.snapshotMiB],
  ['Orders held', (r) => r.held],
  ['p99 call (µs)', (r) => r.p99],
  ['Slowest call of the day (ms)', (r) => r.max],
]);

const from = rows[Math.min(9, rows.length - 1)] as Row;
const to = rows.at(-1) as Row;
const grew = (a: number, b: number) => (b / a).toFixed(2);
console.log(
  `\n${n} orders in ${wall.toFixed(0)} s. From day ${from.day} to day ${to.day}: heap ×${grew(from.heapMiB, to.heapMiB)}, snapshot ×${grew(from.snapshotMiB, to.snapshotMiB)}, slowest call ×${grew(from.max, to.max)} (p99 ×${grew(from.p99, to.p99)}); orders held ${from.held} → ${to.held}.` +
    `\nBy the mean of each window: slowest call ${windowGrowth(rows, (r) => r.max)}, p99 ${windowGrowth(rows, (r) => r.p99)}.`,
);
