/**
 * Bytes per queued order: the heap retained by a scheduler holding N submitted orders, after
 * forced garbage collections. Run with `npm run bench:memory` (it starts Node with
 * --expose-gc).
 */
import { createScheduler } from '../dist/index.js';
import { backlog, config, START } from './orders.js';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc (npm run bench:memory does)');
const sizes = (process.argv[2] ?? '100000,1000000').split(',').map(Number);
// Keeps every scheduler reachable, so the collector cannot free one before it is measured.
const keep: unknown[] = [];
for (const n of sizes) {
  const orders = backlog(n);
  gc();
  gc();
  const before = process.memoryUsage().heapUsed;
  const s = createScheduler(config(n));
  keep.push(s);
  for (const o of orders) s.submit(o, START);
  gc();
  gc();
  const after = process.memoryUsage().heapUsed;
  console.log(
    `N = ${n}: ${((after - before) / n).toFixed(0)} bytes per queued order (${((after - before) / 2 ** 20).toFixed(0)} MiB retained)`,
  );
}
