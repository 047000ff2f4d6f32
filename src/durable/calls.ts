/**
 * The state-changing calls of a `Scheduler`, as the journal holds them. This table is the one
 * list of them: the durable scheduler's methods, the journal's call type and the replay of an
 * entry are all derived from it, so a call added to the engine is journaled by adding one row.
 */
import type { Scheduler } from '../engine/scheduler.js';

/**
 * Each state-changing call by its `Scheduler` method name, with the names its arguments have in
 * a journal entry (the call's time, its last argument, is the entry's `at`).
 */
export const JOURNALED = {
  submit: ['order'],
  submitBatch: ['orders'],
  next: ['lineId'],
  complete: ['orderId'],
  setCapacity: ['lineId', 'unitsPerHour'],
  setClient: ['clientId', 'change'],
  cancel: ['orderId'],
  hold: ['orderId'],
  release: ['orderId'],
  amend: ['orderId', 'changes'],
  deliver: ['orderId', 'handover'],
  advance: [],
} as const satisfies Partial<Record<keyof Scheduler, readonly string[]>>;

/** The name of a state-changing call. */
export type JournaledName = keyof typeof JOURNALED;

/** One state-changing call, with the explicit time it ran at (epoch ms), as the journal holds it. */
export type JournalCall = {
  [K in JournaledName]: { kind: K; at: number } & {
    [F in (typeof JOURNALED)[K][number]]: unknown;
  };
}[JournaledName];

type Method = (...args: unknown[]) => unknown;

/**
 * Runs one journaled call on an engine and returns its answer as JSON data (`null` for no
 * answer, as `next` on an empty queue gives). Throws what the engine throws.
 */
export function applyCall(engine: Scheduler, call: { kind: string; at: number }): unknown {
  const fields = (JOURNALED as Record<string, readonly string[]>)[call.kind];
  if (fields === undefined || !Object.hasOwn(JOURNALED, call.kind))
    throw new TypeError(`journal: '${call.kind}' is not a state-changing call of the scheduler`);
  const args = fields.map((f) => (call as Record<string, unknown>)[f]);
  return (engine[call.kind as JournaledName] as Method)(...args, call.at) ?? null;
}

/**
 * A call as the journal will hold it, made from the method's arguments. Arguments that are
 * objects are copied as JSON data, so that the engine decides on exactly what a replay will see;
 * a value that is not JSON data is refused (`copyArgument`).
 */
export function journalCall(
  kind: JournaledName,
  at: number,
  args: readonly unknown[],
  copyArgument: (value: unknown, path: string) => unknown,
): JournalCall {
  const call: Record<string, unknown> = { kind, at };
  JOURNALED[kind].forEach((field, i) => {
    const value = args[i];
    call[field] = value !== null && typeof value === 'object' ? copyArgument(value, field) : value;
  });
  return call as JournalCall;
}
