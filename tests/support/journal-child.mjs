/**
 * A child process for the crash and takeover tests: opens a durable scheduler on the store in
 * argv[2] and runs a seeded random stream through it, printing one JSON line per call after the
 * call has returned (so every printed line is an acknowledged call). Runs on the built package
 * (`npm test` builds before vitest runs).
 *
 *   node journal-child.mjs STORE SEED [FROM]
 *
 * STORE is a SQLite file or a postgres:// URL; FROM skips the first calls of the stream (a
 * takeover test resumes where the dead writer stopped). It prints `{"ready":true}` once the
 * store is open, `{"standby":true}` while waiting as a standby, then `{"i", "seq", "kind",
 * "result"}` per call.
 */
import fc from 'fast-check';
import { openScheduler, postgresStore } from '../../dist/index.js';
import { arbitraries } from '../../dist/testing/index.js';
import { busyLab } from './labs-data.mjs';

const [where, seedText, fromText] = process.argv.slice(2);
const seed = Number(seedText);
const from = Number(fromText ?? 0);
const print = (o) => process.stdout.write(`${JSON.stringify(o)}\n`);

const [stream] = fc.sample(
  arbitraries.orderStreams(busyLab, { maxOrders: 120, capacityChanges: true, maxGapMinutes: 20 }),
  { seed, numRuns: 1 },
);
const store = /^postgres/.test(where) ? postgresStore(where, { pollMs: 50 }) : where;
const s = await openScheduler({
  store,
  config: busyLab,
  lab: 'crash-lab',
  snapshotEvery: 25,
  onStandby: () => print({ standby: true }),
});
print({ ready: true, seq: s.journalSeq });

// The calls: the stream's submissions, batches and capacity changes, and between them the
// print line starting and finishing orders, all at the stream's times.
const calls = [];
for (const item of stream) {
  if ('order' in item) calls.push({ kind: 'submit', at: item.at, order: item.order });
  else if ('batch' in item) calls.push({ kind: 'submitBatch', at: item.at, orders: item.batch });
  else calls.push({ kind: 'setCapacity', at: item.at, ...item.capacity });
  calls.push({ kind: 'produce', at: item.at });
}
// A resumed stream finds the order in production, if any, in the engine it took over.
let busy = s.plan('print').find((p) => p.status === 'in-production')?.orderId;
for (let i = from; i < calls.length; i++) {
  const c = calls[i];
  let kind = c.kind;
  let result;
  if (kind === 'submit') result = await s.submit(c.order, c.at);
  else if (kind === 'submitBatch') result = await s.submitBatch(c.orders, c.at);
  else if (kind === 'setCapacity') result = await s.setCapacity(c.line, c.unitsPerHour, c.at);
  else if (busy === undefined) {
    kind = 'next';
    result = (await s.next('print', c.at)) ?? null;
    busy = result?.orderId;
  } else {
    kind = 'complete';
    result = await s.complete(busy, c.at);
    busy = undefined;
  }
  print({ i, seq: s.journalSeq, kind, result });
}
await s.close();
print({ done: true, seq: s.journalSeq });
