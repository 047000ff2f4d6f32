/**
 * Checkpoints that do not stop the lab (issue 19). A checkpoint is the state at one journal
 * entry, as snapshot text, written in parts over the calls that follow it and then committed,
 * which compacts the journal behind it.
 *
 * The text is cut on the checkpoint thread (`checkpoint-worker.ts`), a copy of the engine that
 * follows the committed journal and makes each part when asked, an order at a time: at 10⁵
 * orders the whole text takes about a second to make and as much memory as the engine, and
 * here the caller neither waits for it nor holds it. The durable scheduler writes one part
 * after each call it answers, only when a part is already in hand, and asks for the next part
 * as it begins writing one, so a call waits at most for one part's write and never for the
 * thread.
 *
 * A lab with custom gates cannot have the copy (a gate is a function, and a thread is given
 * data), nor can one whose thread failed: its checkpoints' text is built inline, whole, once
 * per checkpoint, and still written in parts.
 */
import {
  MessageChannel,
  type MessagePort,
  receiveMessageOnPort,
  Worker,
} from 'node:worker_threads';
import type { Scheduler } from '../engine/scheduler.js';
import type { Snapshot } from '../engine/snapshot-format.js';
import { answerText } from '../store/journal.js';
import type { JournalEntry, Store } from '../store/types.js';

/**
 * What the scheduler's thread tells the checkpoint thread: a committed call to follow, a
 * checkpoint to begin (its first part is sent at once), and the next part wanted.
 */
export type ToWorker =
  | { type: 'call'; followed: Followed }
  | { type: 'start'; seq: number; partChars: number }
  | { type: 'part'; seq: number; part: number };

/** A committed call as the thread follows it: its entry's number, the call, its answer as text. */
export interface Followed {
  seq: number;
  call: JournalEntry['call'];
  answer: string;
}

/** What the checkpoint thread answers: a part (and whether it is the last), or why it cannot. */
export type ToCheckpointer =
  | { type: 'part'; seq: number; part: number; text: string; last: boolean }
  | { type: 'failed'; seq: number; message: string };

/** A store that takes checkpoints in parts. */
export type CheckpointStore = Store &
  Required<Pick<Store, 'saveCheckpointPart' | 'commitCheckpoint'>>;

export function takesCheckpoints(store: Store): store is CheckpointStore {
  return (
    typeof store.saveCheckpointPart === 'function' && typeof store.commitCheckpoint === 'function'
  );
}

const NON_ASCII = /[\u0080-\uffff]/;
const NON_ASCII_ALL = /[\u0080-\uffff]/g;

/**
 * JSON text with every character past ASCII written as its `\uXXXX` escape: the same JSON to
 * any parser. A checkpoint's text is kept so because one such character (an ellipsis in a
 * reason, a client's name in Chinese) makes a JavaScript string of two bytes a character, and
 * opening joins the parts into one string: at 10⁵ orders, 233 MB instead of 116.
 */
export function asciiJson(text: string): string {
  return NON_ASCII.test(text)
    ? text.replace(NON_ASCII_ALL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    : text;
}
/**
 * Where the parts of `text` start, about `partChars` apart, and its end. A cut never falls
 * inside a surrogate pair: each part must be valid text on its own, as a database stores it.
 */
export function cutsOf(text: string, partChars: number): number[] {
  const cuts = [0];
  for (let at = partChars; at < text.length; at += partChars) {
    const code = text.charCodeAt(at - 1);
    const cut = code >= 0xd800 && code <= 0xdbff ? at - 1 : at;
    if (cut > (cuts.at(-1) as number)) cuts.push(cut);
  }
  cuts.push(text.length);
  return cuts;
}

/** What the checkpoint thread starts from: a state, the entries after it, and where to answer. */
export interface WorkerStart {
  seq: number;
  snapshot: Snapshot;
  entries: JournalEntry[];
  answers: MessagePort;
}

/** Starts the checkpoint thread: from the built package, or from the source under the tests. */
function startWorker(data: WorkerStart): Worker {
  const here = import.meta.url;
  const options = { workerData: data, transferList: [data.answers] };
  if (here.endsWith('.ts')) {
    // Running from the TypeScript source (the test suite): the thread loads it the same way.
    const url = new URL('./checkpoint-worker.ts', here).href;
    return new Worker(
      `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(url)}); })`,
      { ...options, eval: true },
    );
  }
  return new Worker(new URL('./checkpoint-worker.js', here), options);
}

/** A part of a checkpoint's text, and whether it is the last. */
interface Part {
  part: number;
  text: string;
  last: boolean;
}

/** The checkpoint in progress: its entry, and the next part in hand. */
interface Pending {
  seq: number;
  next?: Part;
  /** The text, when built inline. */
  inline?: { text: string; cuts: number[] };
}

/** Builds checkpoints and writes them in parts, for one open durable scheduler. */
export class Checkpointer {
  private worker: Worker | undefined;
  /**
   * Where the thread answers. It is read synchronously (`receiveMessageOnPort`) when a part is
   * due, not by an event: a caller whose calls never yield to the event loop (SQLite commits
   * synchronously) must see the parts all the same.
   */
  private answers: MessagePort | undefined;
  private pending: Pending | undefined;
  /** Why the last checkpoint was given up, if one was (the journal is then kept until the next). */
  lastFailure: string | undefined;

  constructor(
    private readonly store: CheckpointStore,
    /** The engine of committed calls: the inline text's source. */
    private readonly engine: () => Scheduler,
    private readonly partChars: number,
    /** The state to start the thread from, or undefined to build every checkpoint inline. */
    from: { seq: number; snapshot: Snapshot; entries: JournalEntry[] } | undefined,
  ) {
    if (from === undefined) return;
    const { port1, port2 } = new MessageChannel();
    const worker = startWorker({ ...from, answers: port2 });
    this.answers = port1;
    // The thread must not keep a process alive that forgot to close its scheduler.
    worker.unref();
    worker.on('error', (e) => this.lose(`the checkpoint thread failed: ${e.message}`));
    worker.on('exit', (code) => this.lose(`the checkpoint thread exited (${code})`));
    this.worker = worker;
  }

  /** Whether a checkpoint is in progress. */
  get busy(): boolean {
    return this.pending !== undefined;
  }

  /** A call is committed: the thread's copy follows it. */
  follow(entry: JournalEntry): void {
    // The answer goes as its text: the thread compares texts, and a batch's answer as objects
    // is many times its text to copy.
    this.worker?.postMessage({
      type: 'call',
      followed: { seq: entry.seq, call: entry.call, answer: answerText(entry) },
    } satisfies ToWorker);
  }

  /** Begins the checkpoint of the state at journal entry `seq` (every call up to it followed). */
  start(seq: number): void {
    this.pending = { seq };
    if (this.worker) {
      this.worker.postMessage({ type: 'start', seq, partChars: this.partChars } satisfies ToWorker);
      return;
    }
    const text = asciiJson(JSON.stringify(this.engine().snapshot()));
    this.pending.inline = { text, cuts: cutsOf(text, this.partChars) };
    this.ask(this.pending, 0);
  }

  /**
   * Writes the next part if it is in hand, and commits the checkpoint after its last part.
   * Never waits for the thread. Answers the journal entry of a checkpoint it committed.
   */
  async step(): Promise<number | undefined> {
    this.poll();
    const p = this.pending;
    if (p?.next === undefined) return undefined;
    const { part, text, last } = p.next;
    p.next = undefined;
    // The thread makes the next part while this one is written.
    if (!last) this.ask(p, part + 1);
    await this.store.saveCheckpointPart(p.seq, part, text);
    if (!last) return undefined;
    await this.store.commitCheckpoint(p.seq, part + 1);
    this.pending = undefined;
    return p.seq;
  }

  /**
   * Resolves once the checkpoint in progress has its next part in hand (or none is in
   * progress): for tests that must know a part will be written after the next call.
   */
  async ready(): Promise<void> {
    for (;;) {
      this.poll();
      if (this.pending === undefined || this.pending.next !== undefined) return;
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
  }

  /** Writes every part left of the checkpoint in progress, waiting for the thread, and commits it. */
  async finish(): Promise<number | undefined> {
    for (;;) {
      await this.ready();
      if (this.pending === undefined) return undefined;
      const committed = await this.step();
      if (committed !== undefined) return committed;
    }
  }

  /** Hears every answer the thread has sent so far. */
  private poll(): void {
    if (this.answers === undefined) return;
    for (let m = receiveMessageOnPort(this.answers); m; m = receiveMessageOnPort(this.answers))
      this.hear(m.message as ToCheckpointer);
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    this.pending = undefined;
    this.answers?.close();
    this.answers = undefined;
    if (worker) {
      worker.removeAllListeners('exit');
      await worker.terminate();
    }
  }

  private hear(m: ToCheckpointer): void {
    const p = this.pending;
    if (p === undefined || m.seq !== p.seq) return;
    if (m.type === 'failed') {
      this.giveUp(`the checkpoint at journal entry ${m.seq} was given up: ${m.message}`);
      return;
    }
    p.next = { part: m.part, text: m.text, last: m.last };
  }

  /** Asks for a part: of the thread, or of the text built inline (at once). */
  private ask(p: Pending, part: number): void {
    if (p.inline) {
      const { text, cuts } = p.inline;
      const [from, to] = [cuts[part], cuts[part + 1]];
      this.hear({
        type: 'part',
        seq: p.seq,
        part,
        text: text.slice(from, to),
        last: to === text.length,
      });
      return;
    }
    this.worker?.postMessage({ type: 'part', seq: p.seq, part } satisfies ToWorker);
  }

  /** The thread is gone: the checkpoint in progress is given up, and later ones are built inline. */
  private lose(message: string): void {
    if (this.worker === undefined) return;
    this.worker = undefined;
    this.giveUp(message);
  }

  private giveUp(message: string): void {
    this.lastFailure = message;
    this.pending = undefined;
  }
}
