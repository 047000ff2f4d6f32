/**
 * `npm run bench:floor [-- --n 100000] [--rounds 15] [--quick] [--json FILE]`: the parts of
 * intake + production that no engine meeting rules.md can leave out, each timed on its own
 * against the raw heap, pair by pair in one process as `npm run bench` times the whole engine.
 * Their sum is a lower bound of what an engine that keeps the specification's guarantees can
 * cost, on this machine, in the yardstick of issue 4: a part timed alone runs with warm caches
 * and a JIT specialised to it.
 *
 * The parts:
 * - validation at the boundary: the engine's own fast path over every order, keeping its
 *   normalized copy (an engine cannot keep the caller's object, which the caller may change);
 * - the id index: a new id checked and kept, as "never loses an order" and duplicate rejection
 *   need;
 * - the promise ledger alone (`bench/cases.ts`): rules.md §3 promises that the line can keep;
 * - the answer: a fresh decision with one reason per order, as the caller's copy.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { fastOrder } from '../dist/domain/fast-order.js';
import type { Decision, Order } from '../dist/index.js';
import { createScheduler } from '../dist/index.js';
import { ledgerAlone, pageFaults, produceAll, rawPushPop } from './cases.js';
import { backlog, config, START } from './orders.js';

const { values } = parseArgs({
  options: {
    n: { type: 'string' },
    rounds: { type: 'string' },
    quick: { type: 'boolean' },
    json: { type: 'string' },
  },
});
// `--quick` (N = 1,000, one round, no warm-up) is for CI, so that the script cannot rot.
const n = Number(values.n ?? (values.quick ? 1_000 : 100_000));
const rounds = Number(values.rounds ?? (values.quick ? 1 : 15));
const orders = backlog(n);
const cfg = config(n);

/** Where a part leaves what it built, so that its work cannot be optimised away; cleared after it. */
let _kept: unknown;

const parts: [string, () => void][] = [
  [
    'validation (fast path, normalized copy)',
    () => {
      const out = new Array(n);
      for (let i = 0; i < n; i++) out[i] = fastOrder(orders[i]);
      _kept = out;
    },
  ],
  [
    'id index (Map of new ids)',
    () => {
      const ids = new Map<string, number>();
      for (let i = 0; i < n; i++) {
        const id = (orders[i] as Order).id;
        if (!ids.has(id)) ids.set(id, i);
      }
      _kept = ids;
    },
  ],
  ['promise ledger alone', () => ledgerAlone(orders)],
  [
    'the answer: a fresh decision, one reason',
    () => {
      const message = 'Promised for the requested time.';
      let last: Decision | undefined;
      for (let i = 0; i < n; i++) {
        const o = orders[i] as Order;
        last = {
          orderId: o.id,
          line: 'print',
          outcome: 'queued',
          promisedBy: START + i,
          reasons: [{ rule: 'requested-time', message }],
          atRisk: [],
          decidedAt: START,
          requestedBy: START + i,
        };
      }
      _kept = last;
    },
  ],
  [
    'the engine: intake + production',
    () => {
      const s = createScheduler(cfg);
      for (const o of orders) s.submit(o, START);
      produceAll(s);
      _kept = s;
    },
  ],
];

interface Measured {
  /** µs an order, round by round. */
  us: number[];
  /** Over the raw heap of the same round. */
  ratio: number[];
  /** Minor page faults per 1,000 orders: a first touch of a page is dear on a virtual machine. */
  faults: number[];
}
const measured = new Map<string, Measured>(
  ['raw tinyqueue push + pop', ...parts.map(([name]) => name)].map((name) => [
    name,
    { us: [], ratio: [], faults: [] },
  ]),
);
const floorRatios: number[] = [];
/** Times `run`, keeping its figures unless this is the warm-up round; returns its ms. */
function time(name: string, run: () => void, raw: number, keep: boolean): number {
  const f = pageFaults();
  const t = performance.now();
  run();
  const ms = performance.now() - t;
  const pf = pageFaults() - f;
  _kept = undefined;
  const m = measured.get(name) as Measured;
  if (keep) {
    m.us.push((ms * 1000) / n);
    m.ratio.push(ms / (raw || ms));
    m.faults.push((pf * 1000) / n);
  }
  return ms;
}
// Round -1 is a warm-up, not kept.
for (let r = values.quick ? 0 : -1; r < rounds; r++) {
  const raw = time('raw tinyqueue push + pop', () => rawPushPop(orders), 0, r >= 0);
  let floor = 0;
  for (const [name, run] of parts) {
    const ms = time(name, run, raw, r >= 0);
    if (!name.startsWith('the engine')) floor += ms / raw;
  }
  if (r >= 0) floorRatios.push(floor);
}

const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
const q = (xs: number[], f: number) => {
  const s = sorted(xs);
  return s[Math.min(s.length - 1, Math.floor(f * s.length))] as number;
};
const range = (xs: number[]) => `${q(xs, 0.25).toFixed(1)}–${q(xs, 0.75).toFixed(1)}`;
console.log(
  `Node ${process.version}, N = ${n.toLocaleString('en')}, ${rounds} round${rounds === 1 ? '' : 's'}; medians, quartiles of the ratio`,
);
console.log(
  `${'part'.padEnd(44)} ${'µs/order'.padStart(9)} ${'× raw'.padStart(7)} ${'quartiles'.padStart(10)} ${'faults/1k'.padStart(10)}`,
);
for (const [name, m] of measured) {
  if (name.startsWith('the engine'))
    console.log(
      `${'sum of the parts above (per round)'.padEnd(44)} ${''.padStart(9)} ${q(floorRatios, 0.5).toFixed(1).padStart(7)} ${range(floorRatios).padStart(10)}`,
    );
  console.log(
    `${name.padEnd(44)} ${q(m.us, 0.5).toFixed(2).padStart(9)} ${q(m.ratio, 0.5).toFixed(1).padStart(7)} ${range(m.ratio).padStart(10)} ${q(m.faults, 0.5).toFixed(1).padStart(10)}`,
  );
}
if (values.json)
  writeFileSync(
    values.json,
    `${JSON.stringify({ node: process.version, n, rounds, parts: Object.fromEntries(measured), floorRatios }, null, 2)}\n`,
  );
