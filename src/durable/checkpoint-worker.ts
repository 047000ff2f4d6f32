/**
 * The checkpoint thread of a durable scheduler (issue 19): a third copy of the engine that
 * follows the committed journal, message by message, so that a checkpoint's text is made here,
 * on another core, and never stops the thread that answers calls.
 *
 * Messages are handled in the order they were posted, so a `start` sees exactly the calls
 * posted before it. From then until its last part is made the copy follows nothing: the calls
 * that arrive meanwhile wait in a list and are followed after it, so every part is cut from the
 * state at the checkpoint's entry. The parts are made one at a time, when asked for
 * (`Scheduler.snapshotText`, an order at a time), so neither the snapshot nor its text is ever
 * held whole: at 10⁵ orders that is the difference between the engine's size and three times it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { restoreScheduler } from '../engine/restore.js';
import { resultText } from '../store/journal.js';
import {
  asciiJson,
  type Followed,
  type ToCheckpointer,
  type ToWorker,
  type WorkerStart,
} from './checkpoints.js';
import { replayText } from './replay.js';

const port = parentPort;
if (port === null) throw new Error('checkpoint-worker runs as a worker thread');
const data = workerData as WorkerStart;
const post = (m: ToCheckpointer) => data.answers.postMessage(m);

const engine = restoreScheduler(data.snapshot);
let seq = data.seq;
/** Why this copy no longer follows the journal; it then builds no checkpoint. */
let broken: string | undefined;
/** The checkpoint being cut: its entry, its part size, and the pieces of text not yet taken. */
let current:
  | { seq: number; partChars: number; pieces: Iterator<string>; carried?: string }
  | undefined;
/** The calls committed since `current` began, followed once its last part is made. */
let waiting: Followed[] = [];

function follow(entry: Followed): void {
  if (broken !== undefined) return;
  if (entry.seq !== seq + 1) {
    broken = `journal entry ${entry.seq} came after ${seq}`;
    return;
  }
  if (replayText(engine, entry.call) !== entry.answer) {
    broken = `journal entry ${entry.seq} answered otherwise than recorded`;
    return;
  }
  seq = entry.seq;
}

/** The checkpoint is cut (or given up): the copy follows the calls that waited for it. */
function resume(): void {
  current = undefined;
  const calls = waiting;
  waiting = [];
  for (const entry of calls) follow(entry);
}

/**
 * Makes and sends part `part` of the current checkpoint: pieces until it holds `partChars`. The
 * piece after a full part is taken before it is sent, so that a part knows whether it is the
 * last, and is carried into the next part.
 */
function send(part: number): void {
  const c = current as NonNullable<typeof current>;
  let text = c.carried ?? '';
  c.carried = undefined;
  let last = false;
  try {
    for (;;) {
      const piece = c.pieces.next();
      if (piece.done) {
        last = true;
        break;
      }
      if (text.length >= c.partChars) {
        c.carried = asciiJson(piece.value);
        break;
      }
      text += asciiJson(piece.value);
    }
  } catch (e) {
    post({ type: 'failed', seq: c.seq, message: (e as Error).message });
    resume();
    return;
  }
  post({ type: 'part', seq: c.seq, part, text, last });
  if (last) resume();
}

for (const entry of data.entries)
  follow({ seq: entry.seq, call: entry.call, answer: resultText(entry.result) });

port.on('message', (m: ToWorker) => {
  switch (m.type) {
    case 'call':
      if (current) waiting.push(m.followed);
      else follow(m.followed);
      return;
    case 'start': {
      // A checkpoint the scheduler gave up is given up here too.
      if (current) resume();
      if (broken !== undefined || seq !== m.seq) {
        post({ type: 'failed', seq: m.seq, message: broken ?? `at entry ${seq}, not ${m.seq}` });
        return;
      }
      current = { seq: m.seq, partChars: m.partChars, pieces: engine.snapshotText() };
      send(0);
      return;
    }
    case 'part':
      if (current?.seq === m.seq) send(m.part);
      return;
  }
});
