/**
 * A child process for the crash and takeover tests: opens a durable scheduler on the store in
 * argv[2] and runs a seeded random stream through it, printing one JSON line per call after the
 * call has returned (so every printed line is an acknowledged call). Runs on the built package
 * (`npm test` builds before vitest runs).
 *
 *   node journal-child.mjs STORE SEED [FROM]
 *
 * STORE is a SQLite file or a postgres:// URL; FROM is the first call of the stream, or `auto`
 * for the length of the journal (a node taking over resumes where the dead writer stopped:
 * every call of the stream is one journal entry). It prints `{"standby":true}` while waiting
 * as a standby, `{"ready":true}` once it is the writer, then `{"i", "seq", "kind", "result",
 * "rush", "checkpoint"}` per call (`rush`: the rush register entries the call added;
 * `checkpoint`: the journal entry of the latest committed checkpoint). With
 * RUSHLINE_CHILD_HOLD=1 it waits for a line on stdin before its first call; with
 * RUSHLINE_CHILD_STREAM=hostile it runs the hostile stream on its lab (journal-stream.mjs).
 */
import { openScheduler, postgresStore } from '../../dist/index.js';
import { labOf, runCall, streamCalls } from './journal-stream.mjs';

const [where, seedText, fromText] = process.argv.slice(2);
const seed = Number(seedText);
const fromArg = fromText ?? '0';
const print = (o) => process.stdout.write(`${JSON.stringify(o)}\n`);
const stream = { hostile: process.env.RUSHLINE_CHILD_STREAM === 'hostile' };

const store = /^postgres/.test(where) ? postgresStore(where, { pollMs: 50 }) : where;
const s = await openScheduler({
  store,
  config: labOf(stream),
  lab: 'crash-lab',
  // Frequent checkpoints in several parts, so that a kill finds one in any stage: parts
  // written, committed, the journal compacted behind it.
  snapshotEvery: 10,
  checkpointPartSize: 16384,
  onStandby: () => print({ standby: true }),
});
print({ ready: true, seq: s.journalSeq });
if (process.env.RUSHLINE_CHILD_HOLD === '1') {
  process.stdin.setEncoding('utf8');
  await new Promise((resolve) => process.stdin.once('data', resolve));
}
const from = fromArg === 'auto' ? s.journalSeq : Number(fromArg);

const calls = streamCalls(seed, stream);
// A resumed stream finds the order in production, if any, in the engine it took over.
const state = { busy: s.plan('print').find((p) => p.status === 'in-production')?.orderId };
for (let i = from; i < calls.length; i++) {
  // The register's count of entries ever added: it holds only the retention horizon's.
  const before = s.registerSizes().rush;
  const { kind, result } = await runCall(s, calls[i], state);
  print({
    i,
    seq: s.journalSeq,
    kind,
    result,
    rush: s.rushRegister(before),
    checkpoint: s.checkpointSeq,
  });
}
await s.close();
print({ done: true, seq: s.journalSeq });
