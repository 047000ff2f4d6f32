/**
 * Applying journal entries to an engine, and checking that a journal replays to the results it
 * recorded. Used when a durable scheduler opens (snapshot + tail), by `rushline replay`, and by
 * a PostgreSQL standby following the writer.
 */

import type { DeliveryRecord } from '../domain/types.js';
import { restoreScheduler } from '../engine/restore.js';
import type { Scheduler } from '../engine/scheduler.js';
import type { CustomGate } from '../policy/gates.js';
import { resultText } from '../store/journal.js';
import { rushOrdinal } from '../store/rows.js';
import type {
  JournalEntry,
  OpenedStore,
  RegisterEntry,
  RegisterKind,
  RegisterRows,
  Store,
  StoredCall,
} from '../store/types.js';
import { applyCall } from './calls.js';
import { deliveriesOf, eachHeldEntry, entryTime, RushOrdinals } from './registers.js';

/** A journaled call's answer on an engine, as text; a call the engine refuses is an error text. */
export function replayText(engine: Scheduler, call: StoredCall): string {
  try {
    return resultText(applyCall(engine, call));
  } catch (e) {
    // A recorded call the engine now refuses: the journal is not this engine's history.
    return `error: ${(e as Error).message}`;
  }
}

/** A journal entry whose replay answered differently from what was recorded. */
export interface ReplayMismatch {
  seq: number;
  recorded: string;
  replayed: string;
}

/**
 * Replays one journal entry on each engine, each given its own copy of the call as a reader of
 * the journal would be, and answers the first engine's answer that differs from the recorded
 * one, or undefined when every engine answered as recorded.
 */
export function replayEntry(
  engines: readonly Scheduler[],
  entry: JournalEntry,
): ReplayMismatch | undefined {
  const recorded = resultText(entry.result);
  let mismatch: ReplayMismatch | undefined;
  for (const engine of engines) {
    const replayed = replayText(engine, structuredClone(entry.call));
    if (replayed !== recorded && mismatch === undefined)
      mismatch = { seq: entry.seq, recorded, replayed };
  }
  return mismatch;
}

/** What `replayTail` did: how far the engines follow the journal, and where they stopped. */
export interface TailReplay {
  /** The last entry replayed as recorded (`after` when there was none). */
  seq: number;
  /** The entry that stopped the replay: out of sequence, or answered otherwise than recorded. */
  failed?: ReplayMismatch;
}

/**
 * Replays the journal entries after entry `after` on engines that hold the state up to it (a
 * snapshot restored), checking that they follow on without a gap and are answered as recorded.
 * It stops at the first that is not: the engines' state past it is not the journal's. Opening a
 * store runs this on the tail after its latest snapshot, and `verifyReplay` runs the same, so
 * that a journal it passes opens.
 */
export function replayTail(
  engines: readonly Scheduler[],
  after: number,
  entries: readonly JournalEntry[],
): TailReplay {
  let seq = after;
  for (const entry of entries) {
    if (entry.seq !== seq + 1)
      return {
        seq,
        failed: {
          seq: entry.seq,
          recorded: resultText(entry.result),
          replayed: `not replayed: journal entry ${seq + 1} was expected next`,
        },
      };
    const failed = replayEntry(engines, entry);
    if (failed) return { seq, failed };
    seq = entry.seq;
  }
  return { seq };
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
  /**
   * Why opening the store would fail (checked when `verifyReplay` is given what the store's
   * opening read): its latest snapshot does not restore to the state the journal replays to,
   * or the journal after it does not replay on the restored engine.
   */
  reopenProblems: string[];
  /** Differences between the register tables and the registers of the replayed engine. */
  registerProblems: string[];
  ok: boolean;
}

/**
 * Rebuilds the engine from the oldest state the store keeps (its first snapshot, or the
 * checkpoint the journal was compacted behind) by replaying every journal entry after it, and
 * checks each answer against the recorded one, the sequence numbers for gaps, and the register
 * tables against the replayed engine's registers. Given `opened`, what the store's `open`
 * answered, it also checks what opening a durable scheduler does: the latest snapshot restores
 * to the state the journal replays to at that entry, and the tail after it replays on the
 * restored engine. Changes nothing.
 */
export async function verifyReplay(
  store: Store,
  options: { gates?: CustomGate[]; opened?: OpenedStore } = {},
): Promise<ReplayReport> {
  const { seq: from, snapshot, journal } = await store.readHistory();
  const restoreConfig = options.gates ? { gates: options.gates } : {};
  const engine = restoreScheduler(snapshot, restoreConfig);
  const latest = options.opened?.snapshot;
  // The state the journal replays to at the latest snapshot's entry, as snapshot text.
  let replayedAtLatest = latest?.seq === from ? stateText(engine.snapshot()) : undefined;
  const mismatches: ReplayMismatch[] = [];
  const sequenceProblems: string[] = [];
  let expected = from + 1;
  // The registers as the replay adds to them, read after each entry: the engine holds only its
  // retention horizon's entries, and a journal may outlast it. Entries by their number, each
  // read again while held: closing a rework entry, or cancelling or holding a rush, marks it.
  // A rush entry's ordinal is counted when it is first read, as the durable scheduler counts it.
  const rush: RegisterRows['rush'] = [];
  const rushOrdinals: number[] = [];
  const ordinals = new RushOrdinals();
  const rework: RegisterRows['rework'] = [];
  // Hand-overs by order id and time, each read as the call that made or marked it left it;
  // only those the table keeps (a store migrated from schema 1 keeps them from then on).
  const stored = await store.readRegisters();
  const deliveriesFrom = stored.deliveriesFrom ?? 0;
  const delivery = new Map<string, DeliveryRecord>();
  const readRegisters = () =>
    eachHeldEntry(engine, {
      rush: (n, r) => {
        if (rush[n] === undefined) rushOrdinals[n] = ordinals.next(r);
        rush[n] = r;
      },
      rework: (n, r) => {
        rework[n] = r;
      },
    });
  readRegisters();
  for (const entry of journal) {
    if (entry.seq !== expected)
      sequenceProblems.push(`expected journal entry ${expected}, found ${entry.seq}`);
    expected = entry.seq + 1;
    const mismatch = replayEntry([engine], entry);
    if (mismatch) mismatches.push(mismatch);
    readRegisters();
    if (!mismatch && entry.seq > deliveriesFrom)
      for (const d of deliveriesOf(engine, entry.call, entry.result))
        delivery.set(entryKey(d, 0), d);
    if (entry.seq === latest?.seq) replayedAtLatest = stateText(engine.snapshot());
  }
  const reopenProblems =
    options.opened && latest ? reopenCheck(options.opened, replayedAtLatest, restoreConfig) : [];
  const registerProblems = compareRegisters(
    stored,
    {
      rush: rush.filter((r) => r !== undefined),
      rushOrdinals: rushOrdinals.filter((n) => n !== undefined),
      rework: rework.filter((r) => r !== undefined),
      delivery: [...delivery.values()],
    },
    from === 0,
  );
  return {
    calls: journal.length,
    firstSeq: journal[0]?.seq ?? 0,
    lastSeq: journal.at(-1)?.seq ?? 0,
    mismatches,
    sequenceProblems,
    reopenProblems,
    registerProblems,
    ok:
      mismatches.length === 0 &&
      sequenceProblems.length === 0 &&
      reopenProblems.length === 0 &&
      registerProblems.length === 0,
  };
}

/** A snapshot as text that compares equal for equal states, whatever the order of its keys. */
function stateText(snapshot: unknown): string {
  return JSON.stringify(sortKeys(snapshot));
}

/** Why opening the store as `opened` read it would fail, given the state replayed to its snapshot. */
function reopenCheck(
  opened: OpenedStore,
  replayedAtLatest: string | undefined,
  restoreConfig: { gates?: CustomGate[] },
): string[] {
  const { seq, snapshot } = opened.snapshot;
  const at = `the snapshot opening starts from (journal entry ${seq})`;
  if (replayedAtLatest === undefined) return [`${at} is past the end of the journal`];
  let restored: Scheduler;
  try {
    restored = restoreScheduler(snapshot, restoreConfig);
  } catch (e) {
    return [`${at} does not restore: ${(e as Error).message}`];
  }
  const problems: string[] = [];
  const state = restored.snapshot();
  if (stateText(state) !== replayedAtLatest) {
    const replayed = JSON.parse(replayedAtLatest) as Record<string, unknown>;
    const fields = Object.keys(replayed).filter(
      (k) => stateText((state as unknown as Record<string, unknown>)[k]) !== stateText(replayed[k]),
    );
    problems.push(
      `${at} restores to another state than the journal replays to (${fields.join(', ')} differ)`,
    );
  }
  const { failed } = replayTail([restored], seq, opened.tail);
  if (failed)
    problems.push(
      `${at}: journal entry ${failed.seq} does not replay to the answer it recorded\n  recorded ${failed.recorded.slice(0, 300)}\n  replayed ${failed.replayed.slice(0, 300)}`,
    );
  return problems;
}

/**
 * The register tables against the registers a replay read. Replayed from a checkpoint, the
 * replay knows the entries held then and added since, not the tables' older rows (the registers
 * outlive the compacted journal): those are checked only by a replay of the whole history.
 */
function compareRegisters(
  stored: RegisterRows,
  engine: RegisterRows,
  wholeHistory: boolean,
): string[] {
  const problems: string[] = [];
  for (const kind of ['rush', 'rework', 'delivery'] as const) {
    // A store of schema 1, read as it is, keeps no delivery register to compare.
    if (stored[kind] === undefined) continue;
    const text = (rows: RegisterRows) =>
      new Map(
        (rows[kind] ?? []).map((r: RegisterEntry<RegisterKind>, i) => [
          entryKey(r, kind === 'rush' ? rushOrdinal(rows, i) : 0),
          JSON.stringify(sortKeys(r)),
        ]),
      );
    const a = text(stored);
    const b = text(engine);
    for (const [key, t] of b) {
      if (!a.has(key)) problems.push(`${kind} register: ${key} is missing from the table`);
      else if (a.get(key) !== t) problems.push(`${kind} register: ${key} differs from the replay`);
    }
    if (wholeHistory)
      for (const key of a.keys())
        if (!b.has(key))
          problems.push(`${kind} register: ${key} is in the table but not in the replay`);
  }
  return problems;
}

/**
 * A register entry as the tables key it: its order's id, at its time, and a rush entry's
 * ordinal, said when above 0 (the second entry of that order at that time is `#1`).
 */
function entryKey(r: RegisterEntry<RegisterKind>, ordinal: number): string {
  return `${r.orderId} at ${new Date(entryTime(r)).toISOString()}${ordinal > 0 ? ` #${ordinal}` : ''}`;
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
