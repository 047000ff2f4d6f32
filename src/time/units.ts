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
