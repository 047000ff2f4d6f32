/**
 * How a journal entry is written: the call and its answer as JSON text. What a call means, and
 * replaying it on an engine, is the durable scheduler's (`src/durable/`); a store only keeps it.
 */
import type { JournalEntry } from './types.js';

/** The JSON text of a result: how results are stored and compared. */
export function resultText(result: unknown): string {
  return JSON.stringify(result ?? null);
}

/** Entries of a journal as plain data, for a store to serialize. */
export function entryText(entry: JournalEntry): { call: string; result: string } {
  return { call: JSON.stringify(entry.call), result: resultText(entry.result) };
}
