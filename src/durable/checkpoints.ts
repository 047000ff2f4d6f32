/**
 * Checkpoints that do not stop the lab (issue 19). A checkpoint is the state at one journal
 * entry, as snapshot text, written in parts over the calls that follow it and then committed,
 * which compacts the journal behind it.
 *
 * The text is cut from the engine the reads answer from, at the checkpoint's entry
 * (`Scheduler.snapshotText`: the orders are listed, not copied; an order is copied only by the
 * call that changes it before its part is made), and made a part at a time: one part after
 * each call answered, before the next. A call so waits at most for one part's making and
 * writing, never for the whole text, and neither the snapshot nor its text is ever held whole:
 * at 10⁵ orders the text is about 110 MB and a second to make, a part 128 KiB and about a
 * millisecond. The same holds for every lab, custom gates or not: nothing leaves the thread.
 */
import type { Scheduler } from '../engine/scheduler.js';
import type { Store } from '../store/types.js';

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

/** The checkpoint in progress: its entry, its text's pieces not yet taken, and its next part. */
interface Pending {
  seq: number;
  pieces: Iterator<string>;
  part: number;
  /** The piece taken after the last full part: it begins the next one. */
  carried?: string;
}

/** Builds checkpoints and writes them in parts, for one open durable scheduler. */
export class Checkpointer {
  private pending: Pending | undefined;
  /** Why the last checkpoint was given up, if one was (the journal is then kept until the next). */
  lastFailure: string | undefined;

  constructor(
    private readonly store: CheckpointStore,
    /** The engine of committed calls: the text's source. */
    private readonly engine: () => Scheduler,
    private readonly partChars: number,
  ) {}

  /** Whether a checkpoint is in progress. */
  get busy(): boolean {
    return this.pending !== undefined;
  }

  /**
   * Begins the checkpoint of the state at journal entry `seq`: the engine must be at that entry
   * now (every call up to it made, none after).
   */
  start(seq: number): void {
    this.close();
    this.pending = { seq, pieces: this.engine().snapshotText(), part: 0 };
  }

  /**
   * Makes and writes the next part, and commits the checkpoint after its last part. Answers
   * the journal entry of a checkpoint it committed.
   */
  async step(): Promise<number | undefined> {
    const p = this.pending;
    if (p === undefined) return undefined;
    let made: { text: string; last: boolean };
    try {
      made = this.nextPart(p);
    } catch (e) {
      this.giveUp(`the checkpoint at journal entry ${p.seq} was given up: ${(e as Error).message}`);
      return undefined;
    }
    const part = p.part++;
    await this.store.saveCheckpointPart(p.seq, part, made.text);
    if (!made.last) return undefined;
    await this.store.commitCheckpoint(p.seq, part + 1);
    this.pending = undefined;
    return p.seq;
  }

  /** Writes every part left of the checkpoint in progress and commits it. */
  async finish(): Promise<number | undefined> {
    while (this.pending !== undefined) {
      const committed = await this.step();
      if (committed !== undefined) return committed;
    }
    return undefined;
  }

  /** Gives up the checkpoint in progress, if any: its parts written stay uncommitted. */
  close(): void {
    this.pending?.pieces.return?.();
    this.pending = undefined;
  }

  /**
   * The next part: pieces while they fit in `partChars` (a piece longer than that is a part of
   * its own). The piece that does not fit is taken before the part is written, so that a part
   * knows whether it is the last; it begins the next.
   */
  private nextPart(p: Pending): { text: string; last: boolean } {
    let text = '';
    for (;;) {
      let piece = p.carried;
      p.carried = undefined;
      if (piece === undefined) {
        const next = p.pieces.next();
        if (next.done) return { text, last: true };
        piece = asciiJson(next.value);
      }
      if (text.length > 0 && text.length + piece.length > this.partChars) {
        p.carried = piece;
        return { text, last: false };
      }
      text += piece;
    }
  }

  private giveUp(message: string): void {
    this.lastFailure = message;
    this.close();
  }
}
