/**
 * `npm run bench [-- --quick] [--n 10000,100000] [--only raw,intake] [--json FILE]`: the benchmark suite, on
 * tinybench. For each N it times the engine's cases and, in the same process on the same
 * orders, the baselines: raw tinyqueue push + pop with the plain dispatch comparator, a
 * typed-array heap over a packed key (a lower bound), and, for rush admission, the naive engine
 * (sorted arrays and O(n) walks: the kit's reference model) at small N.
 *
 * `--quick` runs N = 1,000, one sample each: CI runs it so the suite cannot rot. No timing is
 * asserted anywhere.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Bench } from 'tinybench';
import { resolveConfig } from '../dist/engine/config.js';
import {
  createScheduler,
  type Order,
  restoreScheduler,
  type Scheduler,
  simulate,
} from '../dist/index.js';
import { ReferenceScheduler } from '../dist/testing/_internal/reference.js';
import { ledgerAlone, pageFaults, produceAll, rawPushPop, TIER } from './cases.js';
import { backlog, config, rushRequests, START } from './orders.js';
import { scaledPeakDay } from './peak-day.js';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean' },
    n: { type: 'string' },
    json: { type: 'string' },
    only: { type: 'string' },
  },
});
/** `--only raw,intake`: the cases whose names start with one of these words. */
const only = values.only?.split(',');
const sizes = values.n
  ? values.n.split(',').map(Number)
  : values.quick
    ? [1_000]
    : [10_000, 100_000];
// Enough requests that JIT warm-up (tinybench warm-up is off: the setups are heavy) does not
// dominate: with 1,000, the first run measured 33 µs at 10⁴ and 126 µs at 10⁵.
const RUSHES = values.quick ? 50 : 10_000;

interface Row {
  n: number;
  case: string;
  /** Operations timed per sample (orders, requests, …). */
  ops: number;
  samples: number;
  medianMs: number;
  minMs: number;
  maxMs: number;
  usPerOp: number;
}
const rows: Row[] = [];

/**
 * Samples per case: fewer for the big sizes, whose single runs take seconds; fifteen at 10⁴,
 * where one production sample is about 10 ms and a collection in it moves the median.
 */
const samplesFor = (n: number) => (values.quick ? 1 : n >= 1_000_000 ? 1 : n >= 100_000 ? 3 : 15);

/** The pairwise ratios: intake + production over raw push + pop, one pair per round. */
const pairs = new Map<number, number[]>();
/**
 * The halves of the pairs, round by round: µs an order, and minor page faults per 1,000 orders
 * (a first touch of a page costs about 16 µs on the benchmark machine, so a half's cost depends
 * on whether the heap it meets has pages to spare).
 */
const pairHalves = new Map<
  number,
  { raw: number[]; engine: number[]; rawFaults: number[]; engineFaults: number[] }
>();

/**
 * Intake + production against the raw heap, pair by pair: each round times the raw heap and
 * then the engine on the same orders, back to back, and keeps their ratio. On a shared machine
 * the two halves of a pair see the same conditions, which a ratio of two medians taken minutes
 * apart does not.
 *
 * No collection is forced between the halves. Tried: a full collection before each half, which
 * looked cleaner, left V8 with a shrunken young generation and released pages, and the raw
 * heap's half, which allocates one small object per order, then took 1.33 against 0.18 µs an
 * order at 10⁴ and 0.75 against 0.45 at 10⁵, while the engine's half hardly moved: it flattered
 * the ratio (4.8× against 35.7× at 10⁴, 9.5× against 14.8× at 10⁵).
 */
function pairRatios(n: number, orders: Order[], rounds: number): number[] {
  const cfg = config(n);
  const out: number[] = [];
  const halves = {
    raw: [] as number[],
    engine: [] as number[],
    rawFaults: [] as number[],
    engineFaults: [] as number[],
  };
  pairHalves.set(n, halves);
  // Round -1 is a warm-up, not kept: with `--only pairs` no case has run the engine's code yet.
  for (let r = values.quick ? 0 : -1; r < rounds; r++) {
    let f = pageFaults();
    let t = performance.now();
    rawPushPop(orders);
    const raw = performance.now() - t;
    const rawFaults = pageFaults() - f;
    const s = createScheduler(cfg);
    f = pageFaults();
    t = performance.now();
    for (const o of orders) s.submit(o, START);
    produceAll(s);
    const engine = performance.now() - t;
    const engineFaults = pageFaults() - f;
    if (r < 0) continue;
    out.push(engine / raw);
    halves.raw.push((raw * 1000) / n);
    halves.engine.push((engine * 1000) / n);
    halves.rawFaults.push((rawFaults * 1000) / n);
    halves.engineFaults.push((engineFaults * 1000) / n);
  }
  return out;
}

/**
 * Rounds of the pairwise ratio: one pair is one intake + production and one raw heap, about a
 * second at 10⁵, so more rounds than samples of the cases. On the benchmark machine, three
 * runs of three rounds each gave one build medians of 13.4×, 19.6× and 23.9× at 10⁵.
 */
const pairRoundsFor = (n: number) => (values.quick ? 1 : n >= 1_000_000 ? 3 : 15);

function run(n: number): void {
  const orders = backlog(n);
  const plain = backlog(n, 1, false);
  const cfg = config(n);
  const bench = new Bench({ iterations: samplesFor(n), time: 0, warmup: false });
  let s: Scheduler = createScheduler(cfg);
  const ops = new Map<string, number>();
  const add = (name: string, count: number, fn: () => void, beforeEach?: () => void) => {
    if (only && !only.some((w) => name.startsWith(w))) return;
    ops.set(name, count);
    bench.add(name, fn, beforeEach ? { beforeEach } : {});
  };

  // Baselines, on the same orders.
  add('raw tinyqueue push + pop', n, () => rawPushPop(orders));
  add('typed heap, packed key (lower bound)', n, () => {
    // cls (1 bit) · tier (2 bits) · upload offset in ms (31 bits) · seq (19 bits) = 53 bits.
    const heap = new Float64Array(n);
    let size = 0;
    for (let i = 0; i < n; i++) {
      const o = orders[i] as Order;
      const company = o.rush !== undefined && o.rush.cause !== 'client' ? 0 : 1;
      const off = (o.uploadedAt as number) - (START - 3_600_000);
      const k = ((company * 4 + TIER[o.tier]) * 2 ** 31 + off) * 2 ** 19 + (i % 2 ** 19);
      let j = size++;
      while (j > 0) {
        const p = (j - 1) >> 1;
        if ((heap[p] as number) <= k) break;
        heap[j] = heap[p] as number;
        j = p;
      }
      heap[j] = k;
    }
    while (size > 0) {
      const last = heap[--size] as number;
      let j = 0;
      for (;;) {
        let c = 2 * j + 1;
        if (c >= size) break;
        if (c + 1 < size && (heap[c + 1] as number) < (heap[c] as number)) c++;
        if ((heap[c] as number) >= last) break;
        heap[j] = heap[c] as number;
        j = c;
      }
      heap[j] = last;
    }
  });

  add('promise ledger alone: probe + insert + remove', n, () => ledgerAlone(orders));

  // The engine.
  add(
    'intake: submit N',
    n,
    () => {
      for (const o of orders) s.submit(o, START);
    },
    () => {
      s = createScheduler(cfg);
    },
  );
  add(
    'production: next + complete N',
    n,
    () => produceAll(s),
    () => {
      s = createScheduler(cfg);
      for (const o of orders) s.submit(o, START);
    },
  );
  const requests = rushRequests(RUSHES);
  const tight = config(n, {
    policy: { rush: { quotaShare: 1, keyReserveShare: 0, tightLoad: 0 } },
  });
  add(
    `rush admission: ${RUSHES} requests on a queue of N`,
    RUSHES,
    () => {
      // At the backlog's own instant. Had time passed with nobody reporting the line's progress,
      // every order promised its earliest finish would be late, and the first request would pay
      // for reporting three quarters of the queue at risk (74,331 reports, about 0.2 s at 10⁵):
      // the capacity-drop case's cost, not admission's.
      for (const r of requests) s.submit(r, START);
    },
    () => {
      s = createScheduler(tight);
      for (const o of plain) s.submit(o, START);
    },
  );
  add(
    'capacity drop: setCapacity on a queue of N',
    1,
    () => {
      s.setCapacity('print', (cfg.lines?.[0]?.unitsPerHour ?? 100) / 2, START + 60_000);
    },
    () => {
      s = createScheduler(cfg);
      for (const o of orders) s.submit(o, START);
    },
  );
  // Through a JSON string up to 10⁵. At 10⁶ the string would pass V8's limit on one string
  // (2^29 characters; the sentences make it two-byte), so the plain-data snapshot goes to
  // restore directly there, and the row says so.
  add(
    n < 1_000_000 ? 'snapshot + JSON + restore of N' : 'snapshot + restore of N (no JSON)',
    n,
    () => {
      const snap = s.snapshot();
      restoreScheduler(n < 1_000_000 ? JSON.parse(JSON.stringify(snap)) : snap);
    },
    () => {
      s = createScheduler(cfg);
      for (const o of orders) s.submit(o, START);
    },
  );
  const day = scaledPeakDay(n, Math.max(300, Math.round(n / 30)));
  add('simulate: a peak day of about N orders', n, () => {
    simulate(day, { seed: 1 });
  });

  // The naive engine for rush admission: the same requests against a sorted array walked in
  // O(n) per question. Only at small N; its cost grows with N.
  const naiveN = Math.min(n, values.quick ? 200 : 500);
  const naivePlain = backlog(naiveN, 1, false);
  const resolved = resolveConfig(
    config(naiveN, { policy: { rush: { quotaShare: 1, keyReserveShare: 0, tightLoad: 0 } } }),
  );
  let ref = new ReferenceScheduler(resolved);
  const naiveRequests = requests.slice(0, values.quick ? 20 : 100);
  add(
    `naive rush admission: ${naiveRequests.length} requests on a queue of ${naiveN}`,
    naiveRequests.length,
    () => {
      for (const r of naiveRequests) ref.submit(r as Order & { uploadedAt: number }, START);
    },
    () => {
      ref = new ReferenceScheduler(resolved);
      for (const o of naivePlain) ref.submit(o as Order & { uploadedAt: number }, START);
    },
  );

  bench.runSync();
  if (!only || only.some((w) => 'pairs'.startsWith(w)))
    pairs.set(n, pairRatios(n, orders, pairRoundsFor(n)));
  for (const task of bench.tasks) {
    const r = task.result as {
      latency?: { p50: number; min: number; max: number; samplesCount?: number };
      state?: string;
      error?: unknown;
    };
    if (!r.latency) throw new Error(`${task.name}: ${String(r.error ?? r.state)}`);
    const count = ops.get(task.name) ?? 1;
    rows.push({
      n,
      case: task.name,
      ops: count,
      samples: samplesFor(n),
      medianMs: r.latency.p50,
      minMs: r.latency.min,
      maxMs: r.latency.max,
      usPerOp: (r.latency.p50 * 1000) / count,
    });
  }
}

for (const n of sizes) run(n);

const pad = (s: string, w: number) => (s.length >= w ? s : s + ' '.repeat(w - s.length));
const lpad = (s: string, w: number) => (s.length >= w ? s : ' '.repeat(w - s.length) + s);
console.log(
  `Node ${process.version}, ${new Date().toISOString().slice(0, 10)}${values.quick ? ', quick mode' : ''}`,
);
for (const n of sizes) {
  const at = rows.filter((r) => r.n === n);
  const raw = at.find((r) => r.case.startsWith('raw tinyqueue'));
  console.log(`\nN = ${n.toLocaleString('en')}`);
  console.log(
    `${pad('case', 56)} ${lpad('median', 10)} ${lpad('min–max', 21)} ${lpad('µs/op', 9)} ${lpad('× raw', 7)}`,
  );
  for (const r of at) {
    const ratio = raw && r.ops === raw.ops ? (r.medianMs / raw.medianMs).toFixed(1) : '';
    console.log(
      `${pad(r.case, 56)} ${lpad(`${r.medianMs.toFixed(1)} ms`, 10)} ${lpad(`${r.minMs.toFixed(1)}–${r.maxMs.toFixed(1)} ms`, 21)} ${lpad(r.usPerOp.toFixed(2), 9)} ${lpad(ratio, 7)}`,
    );
  }
  const intake = at.find((r) => r.case.startsWith('intake'));
  const prod = at.find((r) => r.case.startsWith('production'));
  const pr = [...(pairs.get(n) ?? [])].sort((a, b) => a - b);
  const halves = pairHalves.get(n);
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1] as number;
  const q = (f: number) =>
    (pr[Math.min(pr.length - 1, Math.floor(f * pr.length))] as number).toFixed(1);
  if (pr.length > 0)
    console.log(
      `intake + production, pair by pair: median ${q(0.5)} × raw, quartiles ${q(0.25)}–${q(0.75)} (${pr.map((x) => x.toFixed(1)).join(', ')}); medians of the halves ${med(halves?.raw ?? [0]).toFixed(2)} and ${med(halves?.engine ?? [0]).toFixed(2)} µs an order, with ${med(halves?.rawFaults ?? [0]).toFixed(1)} and ${med(halves?.engineFaults ?? [0]).toFixed(1)} page faults per 1,000 orders`,
    );
  if (raw && intake && prod)
    console.log(
      `intake + production: ${((intake.medianMs + prod.medianMs) / raw.medianMs).toFixed(1)} × raw tinyqueue push + pop`,
    );
  const rush = at.find((r) => r.case.startsWith('rush admission'));
  const naive = at.find((r) => r.case.startsWith('naive'));
  if (rush && naive)
    console.log(
      `rush admission: ${rush.usPerOp.toFixed(1)} µs a request at N = ${n}; naive ${naive.usPerOp.toFixed(0)} µs at N = ${Math.min(n, values.quick ? 200 : 500)} (grows with N: linear extrapolation to N = ${n}: ${((naive.usPerOp * n) / Math.min(n, values.quick ? 200 : 500)).toFixed(0)} µs, labelled as such)`,
    );
}
if (values.json)
  writeFileSync(
    values.json,
    `${JSON.stringify({ node: process.version, quick: !!values.quick, rows, pairs: Object.fromEntries(pairs), pairHalves: Object.fromEntries(pairHalves) }, null, 2)}\n`,
  );
