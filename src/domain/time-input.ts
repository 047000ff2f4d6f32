import { DateTime } from 'luxon';
import { MAX_MS, MIN_MS } from '../time/units.js';
import { ValidationError } from './errors.js';
import type { TimeInput } from './types.js';

/** An ISO 8601 date-time that states its offset (`Z` or `±hh:mm`). */
const ISO_WITH_OFFSET =
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}(:?\d{2})?)$/;

/**
 * Reads a time given to the engine. Returns epoch milliseconds, or a message saying what was
 * expected. Strings must carry their offset: a local time without one is ambiguous.
 */
export function readTime(input: unknown): number | string {
  let ms: number;
  if (typeof input === 'number') {
    if (!Number.isInteger(input))
      return `expected epoch milliseconds (an integer), received ${input}`;
    ms = input;
  } else if (typeof input === 'string') {
    if (!ISO_WITH_OFFSET.test(input)) {
      return `expected an ISO 8601 date-time with an offset such as 2026-11-24T09:30:00+08:00, received '${input}'`;
    }
    const dt = DateTime.fromISO(input, { setZone: true });
    if (!dt.isValid)
      return `'${input}' is not a valid date-time (${dt.invalidExplanation ?? dt.invalidReason})`;
    ms = dt.toMillis();
  } else {
    return `expected epoch milliseconds or an ISO 8601 string, received ${input === undefined ? 'nothing' : typeof input}`;
  }
  if (ms < MIN_MS || ms > MAX_MS)
    return `must be between the years 2000 and 2200, received ${input}`;
  return ms;
}

/**
 * The time of a call: `at` when given, else the configured clock's. Without either, the call
 * fails, saying `why` the time is required. Throws `ValidationError` on a time that is not one.
 */
export function callTime(
  at: TimeInput | undefined,
  clock: (() => TimeInput) | undefined,
  why: string,
): number {
  let input: unknown = at;
  if (input === undefined) {
    if (!clock)
      throw new ValidationError([
        { path: 'at', message: `is required: no clock was configured, and ${why}` },
      ]);
    input = clock();
  }
  const ms = readTime(input);
  if (typeof ms === 'string') throw new ValidationError([{ path: 'at', message: ms }]);
  return ms;
}
