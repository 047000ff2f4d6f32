/**
 * The lengths of time the engine counts in, in milliseconds, and the window of time it works
 * in. Every other file imports these; none spells them again.
 */
export const MS_PER_MINUTE = 60_000;
export const MS_PER_HOUR = 3_600_000;
export const MS_PER_DAY = 86_400_000;

/** The earliest instant a caller may give: 2000-01-01T00:00Z. */
export const MIN_MS = Date.UTC(2000, 0, 1);
/** The latest instant a caller may give: 2200-01-01T00:00Z. */
export const MAX_MS = Date.UTC(2200, 0, 1);

/**
 * The latest promise, deadline or projected finish a decision may give: 2300-01-01T00:00Z. A
 * call at `MAX_MS` may still promise work a century ahead; an order whose work would end later
 * is refused.
 */
export const MAX_DECIDED_MS = Date.UTC(2300, 0, 1);

/**
 * The window the working calendar answers for, whatever it was asked before: from a month
 * before `MIN_MS` (so that working time before any caller's time is in the table) to 2600. The
 * end leaves room for projections after a long idle spell: a line never holds more work than
 * fits between `MIN_MS` and `MAX_DECIDED_MS`, so its queue, started as late as `MAX_MS`, ends
 * within the four centuries after it, which hold more working time than those three.
 */
export const CALENDAR_START_MS = Date.UTC(1999, 11, 1);
export const CALENDAR_END_MS = Date.UTC(2600, 0, 1);
