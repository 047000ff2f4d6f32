/**
 * How a journal entry is written: the call and its answer as JSON text. What a call means, and
 * replaying it on an engine, is the durable scheduler's (`src/durable/`); a store only keeps it.
 */
import type { JournalEntry } from './types.js';

/** The JSON text of a result: how results are stored and compared. */
export function resultText(result: unknown): string {
  return JSON.stringify(result ?? null);
}

/** The answer's text of each entry made by `journalEntry`, so that no store makes it again. */
const answered = new WeakMap<JournalEntry, string>();

/**
 * The journal entry of a call whose answer is already text (`recorded`, as `resultText` made
 * it). Its `result` is parsed only if something reads it (a `Store` of one's own may): the
 * stores here write the text as it is. At a batch of 10⁵ orders the answer is 30 MB of text,
 * and parsing it only to write it again cost about a second and 100 MB.
 */
export function journalEntry(
  seq: number,
  call: JournalEntry['call'],
  recorded: string,
): JournalEntry {
  let parsed: { value: unknown } | undefined;
  const entry = { seq, call } as JournalEntry;
  Object.defineProperty(entry, 'result', {
    enumerable: true,
    get() {
      parsed ??= { value: JSON.parse(recorded) };
      return parsed.value;
    },
  });
  answered.set(entry, recorded);
  return entry;
}

/** The answer of an entry as text: as recorded, or made from its `result`. */
export function answerText(entry: JournalEntry): string {
  return answered.get(entry) ?? resultText(entry.result);
}

/** Entries of a journal as plain data, for a store to serialize. */
export function entryText(entry: JournalEntry): { call: string; result: string } {
  return { call: JSON.stringify(entry.call), result: answerText(entry) };
}
