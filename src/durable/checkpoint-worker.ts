/**
 * The checkpoint thread of a durable scheduler (issue 19): a third copy of the engine that
 * follows the committed journal, message by message, so that a checkpoint's snapshot is built
 * and turned into text here, on another core, and never stops the thread that answers calls.
 *
 * Messages are handled in the order they were posted, so a `start` sees exactly the calls
 * posted before it: the text it builds is the state at that journal entry, whatever calls come
 * after while its parts are handed out one by one.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { restoreScheduler } from '../engine/restore.js';
import { resultText } from '../store/journal.js';
import type { JournalEntry } from '../store/types.js';
import { cutsOf, type ToCheckpointer, type ToWorker, type WorkerStart } from './checkpoints.js';
import { replayText } from './replay.js';

const port = parentPort;
if (port === null) throw new Error('checkpoint-worker runs as a worker thread');
const data = workerData as WorkerStart;
const post = (m: ToCheckpointer) => data.answers.postMessage(m);

const engine = restoreScheduler(data.snapshot);
let seq = data.seq;
/** Why this copy no longer follows the journal; it then builds no checkpoint. */
let broken: string | undefined;
/** The checkpoint being handed out: its journal entry, text, and where each part starts. */
let current: { seq: number; text: string; cuts: number[] } | undefined;

function follow(entry: JournalEntry): void {
  if (broken !== undefined) return;
  if (entry.seq !== seq + 1) {
    broken = `journal entry ${entry.seq} came after ${seq}`;
    return;
  }
  if (replayText(engine, entry.call) !== resultText(entry.result)) {
    broken = `journal entry ${entry.seq} answered otherwise than recorded`;
    return;
  }
  seq = entry.seq;
}

for (const entry of data.entries) follow(entry);

port.on('message', (m: ToWorker) => {
  switch (m.type) {
    case 'call':
      follow(m.entry);
      return;
    case 'start': {
      if (broken !== undefined || seq !== m.seq) {
        current = undefined;
        post({ type: 'failed', seq: m.seq, message: broken ?? `at entry ${seq}, not ${m.seq}` });
        return;
      }
      const text = JSON.stringify(engine.snapshot());
      current = { seq: m.seq, text, cuts: cutsOf(text, m.partChars) };
      post({ type: 'ready', seq: m.seq, parts: current.cuts.length - 1 });
      return;
    }
    case 'part': {
      if (current?.seq !== m.seq) return;
      const { text, cuts } = current;
      post({
        type: 'part',
        seq: m.seq,
        part: m.part,
        text: text.slice(cuts[m.part], cuts[m.part + 1]),
      });
      return;
    }
  }
});
