/**
 * The default lab: four lines, one per default product, and a Shanghai calendar. The
 * capacities come from public equipment figures (shared/domain/lab-facts.md), derated for a
 * mid-size lab; docs/rules.md gives the sources and the reasoning.
 */
import type { CalendarSpec, LineSpec, ProductSpec } from './types.js';

/** Monday to Saturday, 09:00 to 18:00, Asia/Shanghai. */
export const defaultCalendar: Readonly<CalendarSpec> = Object.freeze({
  zone: 'Asia/Shanghai',
  open: '09:00',
  close: '18:00',
  days: Object.freeze([1, 2, 3, 4, 5, 6]),
});

/**
 * - `print`: a silver-halide minilab makes up to 1,800 10×15 prints an hour; 1,200 allows
 *   for paper changes, re-prints and sorting (assumption: two thirds of nameplate).
 * - `album`: fastback binding takes 35–45 s a book, about 90 books an hour at 40 s; page
 *   printing and covers run ahead of the binder, so the binder sets the pace.
 * - `crystal`: sub-surface laser engraving at 500 dots/s; no public minutes-per-piece figure,
 *   so 8 pieces an hour is an assumption (about 7 minutes of engraving plus handling).
 * - `frame`: a framing line does 30+ pieces in 3 hours, i.e. 10 an hour.
 */
export const defaultLines: readonly Readonly<LineSpec>[] = Object.freeze([
  Object.freeze({ id: 'print', products: ['print'], unitsPerHour: 1200 }),
  Object.freeze({ id: 'album', products: ['album'], unitsPerHour: 90 }),
  Object.freeze({ id: 'crystal', products: ['crystal'], unitsPerHour: 8 }),
  Object.freeze({ id: 'frame', products: ['frame'], unitsPerHour: 10 }),
]);

/** One unit of work per item for each default product. */
export const defaultProducts: Readonly<Record<string, ProductSpec>> = Object.freeze({
  print: Object.freeze({ unitsPerItem: 1 }),
  album: Object.freeze({ unitsPerItem: 1 }),
  crystal: Object.freeze({ unitsPerItem: 1 }),
  frame: Object.freeze({ unitsPerItem: 1 }),
});

/** Tier ranks for ordering: key first. */
export const TIER_RANK = { key: 0, special: 1, regular: 2 } as const;
/** Urgency ranks for batch ordering: most urgent first. */
export const URGENCY_RANK = { immediate: 0, 'half-day': 1, 'same-day': 2, 'next-day': 3 } as const;
