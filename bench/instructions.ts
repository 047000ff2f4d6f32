/**
 * Instructions per order, counted by valgrind's callgrind rather than timed: nearly the same
 * count for the same build and inputs whatever else the machine is doing, so two builds
 * compare on a busy machine. A small program runs three times under callgrind, in three modes
 * on the benchmark orders: `base` (start Node, load the package, read the orders, make a
 * scheduler), `raw` (base, then the orders through raw tinyqueue push + pop, ten times over)
 * and `engine` (base, then `submit` of every order and `next` + `complete` until the queue is
 * empty, once). A mode's instructions minus base's, over the orders it handled, is its cost
 * per order.
 *
 * `npm run bench:instructions [-- N]` (default 100,000; about five minutes at 10⁵: callgrind
 * runs code some fifty times slower, and the three runs share two cores). Instructions are
 * not time: they leave out cache misses and page faults, which fall harder on the engine,
 * whose state per order is larger. The counts are of V8's predictable mode, which collects on a
 * fixed schedule, so compare them with each other, not with counts from an ordinary run. Needs
 * valgrind on the PATH.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { backlog, config, START } from './orders.js';

const count = Number(process.argv[2] ?? 100_000);
/**
 * The raw heap runs this many passes: one pass is a few hundred million instructions, while
 * the part subtracted (starting Node, loading, reading the orders) moves by some 40 million
 * from run to run, which would make a single pass's figure uncertain by a tenth.
 */
const RAW_PASSES = 10;
const dir = mkdtempSync(join(tmpdir(), 'rushline-callgrind-'));
const dist = pathToFileURL(join(import.meta.dirname, '../dist/index.js')).href;

// The orders and the configuration go to the counted process as JSON, so that it runs plain
// JavaScript under plain Node, with no TypeScript loader among the instructions.
writeFileSync(
  join(dir, 'input.json'),
  JSON.stringify({ orders: backlog(count), config: config(count), start: START }),
);
const child = `
import { readFileSync } from 'node:fs';
import TinyQueue from 'tinyqueue';
import { createScheduler } from '${dist}';
const mode = process.argv[2];
const { orders, config, start } = JSON.parse(readFileSync(${JSON.stringify(join(dir, 'input.json'))}, 'utf8'));
const s = createScheduler(config);
if (mode === 'raw') {
  const tier = { key: 0, special: 1, regular: 2 };
  for (let pass = 0; pass < ${RAW_PASSES}; pass++) {
    const q = new TinyQueue([], (a, b) => a.cls - b.cls || a.tier - b.tier || a.up - b.up || a.seq - b.seq);
    orders.forEach((o, i) => {
      const company = o.rush !== undefined && o.rush.cause !== 'client';
      q.push({ cls: company ? 0 : 1, tier: tier[o.tier], up: o.uploadedAt, seq: i });
    });
    while (q.length > 0) q.pop();
  }
} else if (mode === 'engine') {
  for (const o of orders) s.submit(o, start);
  let at = start;
  for (;;) {
    const started = s.next('print', at);
    if (!started) break;
    at = started.expectedFinish;
    s.complete(started.orderId, at);
  }
}
`;
// Beside the package, so that the child resolves tinyqueue from its node_modules.
const program = join(import.meta.dirname, `.instructions-${process.pid}.mjs`);
writeFileSync(program, child);

/**
 * Instructions of one mode: callgrind's total for the whole process. V8 runs in its
 * `--predictable` mode: single-threaded, with a fixed garbage-collection schedule and no
 * decision taken on a clock. With only `--single-threaded`, two runs of the same build at the
 * same time on this machine differed by up to a fifth (53,375 and 63,812 instructions an
 * order): some of V8's collection decisions are timed (its memory reducer runs on a timer), and
 * under callgrind a busy machine moves them. With `--predictable`, three runs of one build
 * counted 55,115, 55,126 and 55,159 for the engine. The raw heap's count, the same code in
 * every run, went from 3,953 to 4,459 over five runs: its instructions per order are few and
 * largely its collector's, so read its figure, and the ratio, to about a tenth.
 */
function instructions(mode: string): Promise<number> {
  const out = join(dir, `${mode}.out`);
  return new Promise((resolve, reject) => {
    const p = spawn(
      'valgrind',
      [
        '--tool=callgrind',
        `--callgrind-out-file=${out}`,
        process.execPath,
        '--predictable',
        program,
        mode,
      ],
      { stdio: 'ignore' },
    );
    p.on('error', reject);
    p.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`valgrind exited with ${code} in mode ${mode}`));
      const total = /^totals: (\d+)/m.exec(readFileSync(out, 'utf8'));
      if (!total) return reject(new Error(`no totals line in ${out}`));
      resolve(Number(total[1]));
    });
  });
}

try {
  const [base, raw, engine] = await Promise.all([
    instructions('base'),
    instructions('raw'),
    instructions('engine'),
  ]);
  const rawPer = (raw - base) / (RAW_PASSES * count);
  const enginePer = (engine - base) / count;
  const fmt = (x: number) => Math.round(x).toLocaleString('en');
  console.log(
    `N = ${count.toLocaleString('en')}: raw tinyqueue push + pop ${fmt(rawPer)} instructions an order (mean of ${RAW_PASSES} passes); intake + production ${fmt(enginePer)} (one pass, warm-up included; ${(enginePer / rawPer).toFixed(1)} × raw)`,
  );
} finally {
  rmSync(program, { force: true });
  rmSync(dir, { recursive: true, force: true });
}
