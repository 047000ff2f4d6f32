/**
 * The largest and smallest values the configuration and the orders may hold. They follow from
 * what a lab could mean, and they are chosen so that every value that validates can be decided:
 * the work of an order stays a finite number of working milliseconds, and sums of work stay
 * exact. `docs/api.md` states them; the schemas enforce them.
 */
export { MAX_MS, MIN_MS } from '../time/units.js';

/** The largest quantity of one order: a million items, far beyond a season of a lab's prints. */
export const MAX_QUANTITY = 1_000_000;

/** Units of work per item of a product: from a thousandth (a tiny print) to a thousand. */
export const MIN_UNITS_PER_ITEM = 0.001;
export const MAX_UNITS_PER_ITEM = 1_000;

/**
 * A line's rate in units per working hour: from a hundredth (one unit in a hundred hours, slower
 * than any hand engraving) to ten million (faster than any printer made).
 */
export const MIN_UNITS_PER_HOUR = 0.01;
export const MAX_UNITS_PER_HOUR = 10_000_000;

/**
 * The longest span the policy may name, in hours: a standard turnaround, a rework deadline, the
 * `half-day` rush and the `immediate` buffer. A year (366 days) is beyond any promise a lab
 * makes; with it, a promise asked for at the last instant a caller may give still lies a
 * century before the latest time a decision may give (`MAX_DECIDED_MS`).
 */
export const MAX_POLICY_HOURS = 8_784;
