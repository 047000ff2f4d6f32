/**
 * `npm run bench:season-durable [-- --days 60] [--per-day 10000] [--dir DIR]`:
 * the SQLite half of issue 19's season benchmark. A lab runs `--days` days of `--per-day`
 * orders through a durable scheduler at DEFAULT settings, the queue kept short (each order is
 * submitted, started and finished in turn, so the line drains as it goes). Each day it prints
 * the journal bytes the store holds, the bytes of the latest committed checkpoint, the p50,
 * p99 and max latency of the day's calls, the time to reopen the store and the heap the lab's
 * process keeps (after collections forced at night), then an asciichart of each against the day. The lab's scheduler stays open all season, as in a service that runs
 * for months; each night the store is reopened in a process of its own, as a restarted service
 * reopens it, and closed again. (Reopened in the bench's own process instead, each night's
 * restore left its garbage in the heap the next day's calls ran in: a service restarts in a new
 * process, and the full collections of that garbage were the season's slowest calls.)
 *
 * Issue 19's bar: from day 10 to day 60, the slowest call, the reopen time and the heap grow by
 * at most 1.3×. The in-memory half (heap, snapshot size) belongs with retention.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { type DurableScheduler, openScheduler } from '../dist/index.js';
import { chartsAgainstDay, windowGrowth } from './day-charts.js';
import { backlog, config, START } from './orders.js';
import { scratchDir } from './scratch.js';

const { values } = parseArgs({
  options: {
    days: { type: 'string' },
    'per-day': { type: 'string' },
    dir: { type: 'string' },
    reopen: { type: 'string' },
  },
});
if (values.reopen !== undefined) {
  // The night's process: reopen the store, and tell the season how long it took.
  const t = performance.now();
  const again = await openScheduler({ store: values.reopen });
  const ms = performance.now() - t;
  await again.close();
  console.log(JSON.stringify({ ms }));
  process.exit(0);
}
const DAYS = Number(values.days ?? 60);
const PER_DAY = Number(values['per-day'] ?? 10_000);
const dir = scratchDir('rushline-season-', values.dir);
const file = join(dir, 'lab.db');
const DAY = 86_400_000;

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc (npm run bench:season-durable does)');

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;

/** What the store holds: journal bytes, and the bytes of its latest committed checkpoint. */
function bytesHeld(): { journal: number; checkpoint: number } {
  const db = new Database(file, { readonly: true });
  try {
    const j = db
      .prepare('SELECT coalesce(sum(length(call) + length(result)), 0) AS n FROM journal')
      .get() as {
      n: number;
    };
    const c = db
      .prepare(
        'SELECT coalesce(sum(length(text)), 0) AS n FROM checkpoint_parts WHERE seq = (SELECT max(seq) FROM checkpoints)',
      )
      .get() as { n: number };
    return { journal: j.n, checkpoint: c.n };
  } finally {
    db.close();
  }
}

// A line sized for a day's orders in about a day: the queue stays short.
const cfg = config(PER_DAY * 7);
const s: DurableScheduler = await openScheduler({ store: file, config: cfg });
const rows: {
  day: number;
  journal: number;
  checkpoint: number;
  p50: number;
  p99: number;
  max: number;
  reopen: number;
  heap: number;
}[] = [];
for (let day = 0; day < DAYS; day++) {
  const orders = backlog(PER_DAY, 100 + day).map((o, i) => {
    const at = START + day * DAY + Math.floor((i * DAY) / PER_DAY);
    return {
      order: { ...o, id: `d${day}-${o.id}`, uploadedAt: at, clientId: `${o.clientId}` },
      at,
    };
  });
  const lat: number[] = [];
  const timed = async <T>(call: () => Promise<T>): Promise<T> => {
    const t = performance.now();
    const r = await call();
    lat.push(performance.now() - t);
    return r;
  };
  for (const { order, at } of orders) {
    await timed(() => s.submit(order, at));
    const started = await timed(() => s.next('print', at + 1));
    if (started) await timed(() => s.complete(started.orderId, at + 2));
  }
  const held = bytesHeld();
  // The heap the lab's process keeps, after collections forced at night, as bench:season
  // measures the engine's: so each day also starts from a collected heap.
  gc();
  gc();
  const heap = process.memoryUsage().heapUsed;
  const { ms: reopen } = JSON.parse(
    execFileSync(
      process.execPath,
      [...process.execArgv, new URL(import.meta.url).pathname, '--reopen', file],
      { encoding: 'utf8' },
    ),
  ) as { ms: number };
  lat.sort((a, b) => a - b);
  const row = {
    day: day + 1,
    ...held,
    p50: pct(lat, 50),
    p99: pct(lat, 99),
    max: lat.at(-1) as number,
    reopen,
    heap,
  };
  rows.push(row);
  console.log(
    `day ${row.day}: journal ${(row.journal / 1024).toFixed(0)} KiB, checkpoint ${(row.checkpoint / 1024).toFixed(0)} KiB, p50 ${row.p50.toFixed(2)} ms, p99 ${row.p99.toFixed(2)} ms, max ${row.max.toFixed(1)} ms, reopen ${row.reopen.toFixed(0)} ms, heap ${(row.heap / 2 ** 20).toFixed(1)} MiB`,
  );
}
await s.close();

chartsAgainstDay(rows, [
  ['journal KiB held', (r) => r.journal / 1024],
  ['checkpoint KiB', (r) => r.checkpoint / 1024],
  ['slowest call, ms', (r) => r.max],
  ['p99, ms', (r) => r.p99],
  ['reopen, ms', (r) => r.reopen],
  ['heap after gc, MiB', (r) => r.heap / 2 ** 20],
]);
const at = (d: number) => rows[Math.min(rows.length, d) - 1] as (typeof rows)[number];
if (rows.length >= 10) {
  const last = rows.length;
  const g = (k: 'max' | 'reopen' | 'checkpoint' | 'heap') => (at(last)[k] / at(10)[k]).toFixed(2);
  console.log(
    `\nday 10 → day ${last}: slowest call ×${g('max')}, reopen ×${g('reopen')}, checkpoint bytes ×${g('checkpoint')}, heap ×${g('heap')} (bar: ≤ 1.3×)` +
      `\nby the mean of each window: slowest call ${windowGrowth(rows, (r) => r.max)}, reopen ${windowGrowth(rows, (r) => r.reopen)}`,
  );
}
