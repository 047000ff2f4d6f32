/**
 * This build against another build of Rushline, side by side in one process: intake + production
 * per order, the same generated orders, in alternating pairs. A machine shared with other work
 * drifts over minutes; two halves of one pair run seconds apart and see the same conditions, so
 * the ratio of a pair is steadier than a ratio of two medians taken apart. Which build goes first
 * alternates from pair to pair, so that neither always runs on a heap the other just left.
 *
 *   tsx bench/versus.ts --other <path to the other build's dist> [--n 100000] [--pairs 9]
 *
 * Prints µs an order for each half of each pair, the ratio this / other per pair, and the
 * median ratio with its quartiles.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { Order, SchedulerConfig } from '../dist/index.js';
import { produceAll } from './cases.js';
import { backlog, config, START } from './orders.js';

const { values } = parseArgs({
  options: {
    other: { type: 'string' },
    n: { type: 'string', default: '100000' },
    pairs: { type: 'string', default: '9' },
  },
});
if (values.other === undefined) {
  console.error('usage: tsx bench/versus.ts --other <dist folder> [--n 100000] [--pairs 9]');
  process.exit(2);
}

type Create = typeof import('../dist/index.js').createScheduler;
const load = async (dist: string): Promise<Create> =>
  (await import(pathToFileURL(resolve(dist, 'index.js')).href)).createScheduler as Create;

const builds: { name: string; create: Create }[] = [
  { name: 'this', create: await load(new URL('../dist', import.meta.url).pathname) },
  { name: 'other', create: await load(values.other) },
];

const n = Number(values.n);
const pairs = Number(values.pairs);
const orders = backlog(n);
const cfg = config(n);

/** µs an order of intake (every order submitted at START) and production until the queue is empty. */
function run(create: Create, cfg: SchedulerConfig, orders: readonly Order[]): number {
  const s = create(cfg);
  const t = performance.now();
  for (const o of orders) s.submit(o, START);
  produceAll(s);
  return ((performance.now() - t) * 1000) / orders.length;
}

const quantile = (sorted: number[], q: number): number => {
  const i = (sorted.length - 1) * q;
  const lo = Math.floor(i);
  const hi = Math.ceil(i);
  return (sorted[lo] as number) + ((sorted[hi] as number) - (sorted[lo] as number)) * (i - lo);
};

// One warm-up pair, not kept: both builds' code is compiled before the first kept pair.
for (const b of builds) run(b.create, cfg, orders);

const ratios: number[] = [];
const mine: number[] = [];
const theirs: number[] = [];
console.log(`n = ${n}, ${pairs} pairs; other = ${values.other}`);
console.log('pair  first   this µs/order  other µs/order  this/other');
for (let p = 0; p < pairs; p++) {
  const order = p % 2 === 0 ? builds : [...builds].reverse();
  const t: Record<string, number> = {};
  for (const b of order) t[b.name] = run(b.create, cfg, orders);
  const a = t.this as number;
  const b = t.other as number;
  mine.push(a);
  theirs.push(b);
  ratios.push(a / b);
  console.log(
    `${String(p + 1).padStart(4)}  ${(order[0] as { name: string }).name.padEnd(6)} ${a.toFixed(2).padStart(14)} ${b.toFixed(2).padStart(15)} ${(a / b).toFixed(3).padStart(11)}`,
  );
}
const sr = [...ratios].sort((x, y) => x - y);
const med = (xs: number[]) =>
  quantile(
    [...xs].sort((x, y) => x - y),
    0.5,
  );
console.log(
  `median µs/order: this ${med(mine).toFixed(2)}, other ${med(theirs).toFixed(2)}; ratio this/other median ${quantile(sr, 0.5).toFixed(3)} (quartiles ${quantile(sr, 0.25).toFixed(3)}–${quantile(sr, 0.75).toFixed(3)})`,
);
