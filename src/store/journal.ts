/**
 * Applying journal entries to an engine, and checking that a journal replays to the results it
 * recorded. Used when a durable scheduler opens (snapshot + tail), by `rushline replay`, and by
 * a PostgreSQL standby following the writer.
 */

import type { Order } from '../domain/types.js';
import { restoreScheduler } from '../engine/restore.js';
import type { Scheduler } from '../engine/scheduler.js';
import type { CustomGate } from '../policy/gates.js';
import type { JournalCall, JournalEntry, RegisterRows, Store } from './types.js';

/** Runs one journaled call on an engine and returns its answer as JSON data. */
export function applyCall(engine: Scheduler, call: JournalCall): unknown {
  switch (call.kind) {
    case 'submit':
      return engine.submit(call.order as Order, call.at);
    case 'submitBatch':
      return engine.submitBatch(call.orders as Order[], call.at);
    case 'next':
      return engine.next(call.lineId, call.at) ?? null;
    case 'complete':
      return engine.complete(call.orderId, call.at);
    case 'setCapacity':
      return engine.setCapacity(call.lineId, call.unitsPerHour, call.at);
  }
}

/** The JSON text of a result: how results are stored and compared. */
export function resultText(result: unknown): string {
  return JSON.stringify(result ?? null);
}

/** A journal entry whose replay answered differently from what was recorded. */
export interface ReplayMismatch {
  seq: number;
  recorded: string;
  replayed: string;
}

/** What `verifyReplay` found. */
export interface ReplayReport {
  /** Journal entries replayed. */
  calls: number;
  /** The first and last sequence numbers replayed (0 and 0 for an empty journal). */
  firstSeq: number;
  lastSeq: number;
  /** Entries whose replayed answer differs from the recorded one. */
  mismatches: ReplayMismatch[];
  /** Gaps or repeats in the sequence numbers. */
  sequenceProblems: string[];
  /** Differences between the register tables and the registers of the replayed engine. */
  registerProblems: string[];
  ok: boolean;
}

/**
 * Rebuilds the engine from the store's first snapshot by replaying every journal entry, and
 * checks each answer against the recorded one, the sequence numbers for gaps, and the register
 * tables against the replayed engine's registers. Changes nothing.
 */
export async function verifyReplay(
  store: Store,
  options: { gates?: CustomGate[] } = {},
): Promise<ReplayReport> {
  const { snapshot, journal } = await store.readHistory();
  const engine = restoreScheduler(snapshot, options.gates ? { gates: options.gates } : {});
  const mismatches: ReplayMismatch[] = [];
  const sequenceProblems: string[] = [];
  let expected = 1;
  for (const entry of journal) {
    if (entry.seq !== expected)
      sequenceProblems.push(`expected journal entry ${expected}, found ${entry.seq}`);
    expected = entry.seq + 1;
    let replayed: string;
    try {
      replayed = resultText(applyCall(engine, entry.call));
    } catch (e) {
      replayed = `error: ${(e as Error).message}`;
    }
    const recorded = resultText(entry.result);
    if (replayed !== recorded) mismatches.push({ seq: entry.seq, recorded, replayed });
  }
  const registerProblems = compareRegisters(await store.readRegisters(), {
    rush: engine.rushRegister(),
    rework: engine.reworkRegister(),
  });
  return {
    calls: journal.length,
    firstSeq: journal[0]?.seq ?? 0,
    lastSeq: journal.at(-1)?.seq ?? 0,
    mismatches,
    sequenceProblems,
    registerProblems,
    ok: mismatches.length === 0 && sequenceProblems.length === 0 && registerProblems.length === 0,
  };
}

function compareRegisters(stored: RegisterRows, engine: RegisterRows): string[] {
  const problems: string[] = [];
  for (const kind of ['rush', 'rework'] as const) {
    const a = new Map(stored[kind].map((r) => [r.orderId, JSON.stringify(sortKeys(r))]));
    const b = new Map(engine[kind].map((r) => [r.orderId, JSON.stringify(sortKeys(r))]));
    for (const [id, text] of b) {
      if (!a.has(id)) problems.push(`${kind} register: ${id} is missing from the table`);
      else if (a.get(id) !== text) problems.push(`${kind} register: ${id} differs from the replay`);
    }
    for (const id of a.keys())
      if (!b.has(id))
        problems.push(`${kind} register: ${id} is in the table but not in the replay`);
  }
  return problems;
}

/** The same record with its keys in one order, so that two spellings of it compare equal. */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  return value;
}

/** Entries of a journal as plain data, for a store to serialize. */
export function entryText(entry: JournalEntry): { call: string; result: string } {
  return { call: JSON.stringify(entry.call), result: resultText(entry.result) };
}
