/**
 * `npm run bench:checkpoint [-- --n 100000] [--batch 1000] [--calls 12000] [--dir DIR]`: a
 * durable scheduler on SQLite holding a backlog of `--n` orders, taken in as `submitBatch`
 * calls of `--batch` orders (an intake's uploads; `--batch 100000` takes the backlog in one
 * call), at DEFAULT settings (no `snapshotEvery` override), then answering `--calls` calls
 * (submits, and a next + complete now and then, so the line drains as it goes). Checkpoints
 * begin every 5,000 calls; this prints the latency of every call after the backlog is in
 * (p50, p99, p99.9, max), how many checkpoints were committed meanwhile, the time `close()`
 * takes, and the peak RSS of the process (every thread of it); then reopening the store, in a process of its own as a restarted service is, with
 * its time and that process's peak RSS.
 *
 * `--whole` runs the same on a store without checkpoints, as before issue 19, to compare.
 *
 * Issue 19's bar, on a 2-core machine: max < 50 ms, p99.9 < 10 ms, close() < 200 ms, peak RSS
 * < 400 MiB.
 */
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openScheduler, type Store, sqliteStore } from '../dist/index.js';
import { wholeSnapshotsOnly } from '../tests/support/whole-snapshots.js';
import { backlog, config, START } from './orders.js';
import { scratchDir } from './scratch.js';

const { values } = parseArgs({
  options: {
    n: { type: 'string' },
    batch: { type: 'string' },
    calls: { type: 'string' },
    reopen: { type: 'string' },
    dir: { type: 'string' },
    whole: { type: 'boolean' },
  },
});
const N = Number(values.n ?? 100_000);
const BATCH = Number(values.batch ?? 1000);
const CALLS = Number(values.calls ?? 12_000);
const dir = scratchDir('rushline-checkpoint-', values.dir);
const file = join(dir, 'lab.db');

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
// maxRSS is in KiB.
const peak = () => process.resourceUsage().maxRSS * 1024;

const cfg = config(N);
// --whole: the store without checkpoints, as before issue 19: a whole snapshot every 5,000
// calls, taken and written by the caller, and on close().
const store = (where = file): string | Store =>
  values.whole ? wholeSnapshotsOnly(sqliteStore(where)) : where;

if (values.reopen !== undefined) {
  // The child: reopen the store, and tell the parent how long it took and at what peak.
  const t = performance.now();
  const again = await openScheduler({ store: store(values.reopen) });
  const ms = performance.now() - t;
  await again.close();
  console.log(JSON.stringify({ ms, peak: peak() }));
  process.exit(0);
}

const s = await openScheduler({ store: store(), config: cfg });
/**
 * The intake, in a function of its own: the backlog's 10⁵ orders (about 30 MiB of the bench's
 * own) are let go when it returns. Held in a block of the module's top level across its awaits,
 * they stayed alive to the end of the run, and were measured as the lab's.
 */
async function intake(): Promise<void> {
  const orders = backlog(N, 1);
  for (let i = 0; i < N; i += BATCH) await s.submitBatch(orders.slice(i, i + BATCH), START);
}
let t = performance.now();
await intake();
const loaded = performance.now() - t;
const peakLoaded = peak();

const fresh = backlog(CALLS, 7).map((o, i) => ({ ...o, id: `n${i}`, uploadedAt: START + i }));
const lat: number[] = [];
let checkpoints = 0;
let seen = s.checkpointSeq;
let busy: string | undefined;
// RSS now and then while the calls are answered: maxRSS holds the intake's peak too.
let callsRss = 0;
for (let i = 0; i < CALLS; i++) {
  if (i % 100 === 0) callsRss = Math.max(callsRss, process.memoryUsage.rss());
  const at = START + 60_000 + i * 1000;
  t = performance.now();
  if (i % 10 === 9) {
    // Production goes on: start the next order, or finish the one on the line.
    if (busy === undefined) busy = (await s.next('print', at))?.orderId;
    else {
      await s.complete(busy, at);
      busy = undefined;
    }
  } else await s.submit(fresh[i] as (typeof fresh)[number], at);
  lat.push(performance.now() - t);
  if (s.checkpointSeq !== seen) {
    seen = s.checkpointSeq;
    checkpoints++;
  }
}
t = performance.now();
await s.close();
const closed = performance.now() - t;
const bytes = statSync(file).size;
const peakRun = peak();
const child = JSON.parse(
  execFileSync(
    process.execPath,
    [
      ...process.execArgv,
      new URL(import.meta.url).pathname,
      '--reopen',
      file,
      ...(values.whole ? ['--whole'] : []),
    ],
    { encoding: 'utf8' },
  ),
) as { ms: number; peak: number };

// The slowest calls by their number (checkpoints begin after calls 5,000 and 10,000 here, the
// journal entries of the intake counted): what they were, when a bar is missed.
const slowest = lat
  .map((ms, i) => ({ ms, i }))
  .sort((a, b) => b.ms - a.ms)
  .slice(0, 5)
  .map(({ ms, i }) => `call ${i} ${ms.toFixed(1)} ms`)
  .join(', ');
lat.sort((a, b) => a - b);
console.log(
  `SQLite${values.whole ? ' (whole snapshots, as before)' : ''}, backlog ${N.toLocaleString('en-US')} (submitBatch of ${BATCH.toLocaleString('en-US')}: ${(loaded / 1000).toFixed(1)} s, peak RSS ${mib(peakLoaded)}), ${CALLS.toLocaleString('en-US')} calls at default settings (snapshotEvery 5000): ` +
    `p50 ${pct(lat, 50).toFixed(2)} ms, p99 ${pct(lat, 99).toFixed(2)} ms, p99.9 ${pct(lat, 99.9).toFixed(2)} ms, max ${(lat.at(-1) as number).toFixed(1)} ms; ` +
    `${checkpoints} checkpoint(s) committed meanwhile (latest at entry ${seen}); close() ${closed.toFixed(0)} ms; ` +
    `file ${mib(bytes)}; peak RSS of the run ${mib(peakRun)} (while answering the calls, sampled every 100: ${mib(callsRss)}); ` +
    `slowest: ${slowest}; reopened in a new process in ${(child.ms / 1000).toFixed(1)} s, its peak RSS ${mib(child.peak)}`,
);
