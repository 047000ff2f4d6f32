/**
 * Bytes per queued order: the memory retained by a scheduler holding N submitted orders, after
 * forced garbage collections: the JS heap, and the typed arrays outside it (the ledger, the
 * FCFS index, the time columns, the at-risk log), whose capacity counts whether or not it is
 * used yet. Run with `npm run bench:memory` (it starts Node with --expose-gc).
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
  const before = process.memoryUsage();
  const s = createScheduler(config(n));
  keep.push(s);
  for (const o of orders) s.submit(o, START);
  gc();
  gc();
  const after = process.memoryUsage();
  const heap = after.heapUsed - before.heapUsed;
  const buffers = after.arrayBuffers - before.arrayBuffers;
  const per = (b: number) => (b / n).toFixed(0);
  console.log(
    `N = ${n}: ${per(heap + buffers)} bytes per queued order (${per(heap)} on the JS heap, ${per(buffers)} in typed arrays; ${((heap + buffers) / 2 ** 20).toFixed(0)} MiB retained)`,
  );
}
