/**
 * `npm run bench:durability [-- --pg URL] [--dir DIR] [--n 2000]`: what durability costs.
 *
 * - the latency of one durable `submit` (each committed before it returns), p50 and p99 over
 *   `--n` calls against a store that already holds them;
 * - the throughput of one 10,000-order `submitBatch` (one commit);
 * - on PostgreSQL, the takeover time: a writer process holding the lab's lock is killed with
 *   SIGKILL, and the clock runs until a standby in this process has taken over.
 *
 * SQLite files go in `--dir` (default: a new directory under the OS temp dir; say which disk it
 * is on when you report the figures). PostgreSQL runs when `--pg` or RUSHLINE_PG_URL gives a
 * server; each run gets a fresh database, dropped afterwards.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { type Order, openScheduler, postgresStore, type Store } from '../dist/index.js';
import { backlog, config, START } from './orders.js';
import { scratchDir } from './scratch.js';

const { values } = parseArgs({
  options: { pg: { type: 'string' }, dir: { type: 'string' }, n: { type: 'string' } },
});
const N = Number(values.n ?? 2000);
const BATCH = 10_000;
const pgUrl = values.pg ?? process.env.RUSHLINE_PG_URL;
const dir = scratchDir('rushline-durability-', values.dir);

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] as number;
};

async function measure(name: string, makeStore: () => string | Store) {
  const cfg = config(N + BATCH);
  // Single submits: each is one transaction, committed before the call returns.
  const s = await openScheduler({ store: makeStore(), config: cfg });
  const orders = backlog(N, 5);
  const lat: number[] = [];
  for (const [i, o] of orders.entries()) {
    const t = performance.now();
    await s.submit(o, START + i);
    lat.push(performance.now() - t);
  }
  await s.close();
  // One batch: one transaction for all of it.
  const b = await openScheduler({ store: makeStore(), config: cfg });
  const batch: Order[] = backlog(BATCH, 9).map((o) => ({ ...o, id: `b${o.id}` }));
  const t = performance.now();
  await b.submitBatch(batch, START);
  const ms = performance.now() - t;
  await b.close();
  console.log(
    `${name}: submit p50 ${pct(lat, 50).toFixed(2)} ms, p99 ${pct(lat, 99).toFixed(2)} ms, mean ${(lat.reduce((x, y) => x + y, 0) / lat.length).toFixed(2)} ms over ${N} calls; submitBatch of ${BATCH}: ${ms.toFixed(0)} ms (${Math.round((BATCH / ms) * 1000).toLocaleString('en-US')} orders/s)`,
  );
}

let n = 0;
await measure(`SQLite (${dir})`, () => join(dir, `lab-${n++}.db`));

if (pgUrl) {
  const admin = postgres(pgUrl, { max: 1, onnotice: () => undefined });
  const made: string[] = [];
  const fresh = () => {
    const name = `rushline_bench_${randomBytes(6).toString('hex')}`;
    made.push(name);
    const u = new URL(pgUrl);
    u.pathname = `/${name}`;
    return { name, url: u.toString() };
  };
  try {
    const dbs = [fresh(), fresh()];
    for (const d of dbs) await admin.unsafe(`CREATE DATABASE ${d.name}`);
    let k = 0;
    await measure('PostgreSQL (127.0.0.1)', () => postgresStore((dbs[k++] as { url: string }).url));

    // Takeover: a writer child holds the lock; kill it and time the standby here.
    const child = fileURLToPath(new URL('../tests/support/journal-child.mjs', import.meta.url));
    const takeovers: number[] = [];
    for (let i = 0; i < 5; i++) {
      const d = fresh();
      await admin.unsafe(`CREATE DATABASE ${d.name}`);
      const writer = spawn(process.execPath, [child, d.url, '1'], {
        stdio: ['pipe', 'pipe', 'inherit'],
        env: { ...process.env, RUSHLINE_CHILD_HOLD: '1' },
      });
      await new Promise<void>((resolve) => writer.stdout.once('data', () => resolve()));
      let standbyAt = 0;
      const taken = openScheduler({
        store: postgresStore(d.url),
        lab: 'crash-lab',
        onStandby: () => {
          standbyAt = performance.now();
        },
      });
      while (standbyAt === 0) await new Promise((r) => setTimeout(r, 10));
      const killedAt = performance.now();
      writer.kill('SIGKILL');
      const s = await taken;
      takeovers.push(performance.now() - killedAt);
      await s.close();
    }
    console.log(
      `PostgreSQL takeover after SIGKILL (standby polling every 200 ms): ${takeovers.map((x) => `${x.toFixed(0)} ms`).join(', ')}`,
    );
  } finally {
    for (const name of made) await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}
