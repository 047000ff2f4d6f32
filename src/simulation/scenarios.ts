/**
 * The built-in scenarios. Every number that has a public source says so (docs/simulation.md
 * lists the sources, from shared/domain/lab-facts.md); the others are marked as assumptions.
 */
import type { Scenario } from './scenario.js';

/**
 * Orders per hour over a lab's day, by local hour, as relative weights. Online orders peak
 * 10–11 am and 8–9 pm, and stores see two to four times the volume 11 am–2 pm (instaproofs,
 * ariadne.inc); the night is quiet but not empty, since uploads never stop.
 */
const DAY_SHAPE = [
  2, 1, 1, 0.5, 0.5, 0.5, 1, 2, 4, 6, 9, 12, 12, 11, 7, 6, 5, 5, 5, 6, 8, 7, 4, 3,
] as const;
const DAY_SHAPE_SUM = DAY_SHAPE.reduce((a, b) => a + b, 0);

/** Hourly rates that add up to `ordersPerDay`. */
function shape(ordersPerDay: number): number[] {
  return DAY_SHAPE.map((w) => Math.round(((ordersPerDay * w) / DAY_SHAPE_SUM) * 100) / 100);
}

/**
 * A mid-size lab's lines:
 * - `minilab`: silver-halide minilab, 1,800 10×15 prints an hour on the nameplate, run at two
 *   thirds for paper changes, re-prints and sorting (assumption) — 1,200 an hour;
 * - `drylab`: inkjet dry lab, about 310 4R prints an hour (imaginginfo.com);
 * - `album`: fastback binding at 35–45 s a book, about 90 books an hour (mybinding.com);
 * - `crystal`: sub-surface laser engraving; no public minutes-per-piece figure, 8 an hour is
 *   an assumption (about 7 minutes of engraving and handling);
 * - `frame`: a framing production line does 30+ pieces in 3 hours, 10 an hour (thegrumble.com).
 */
const LINES: Scenario['lines'] = [
  { id: 'minilab', products: ['print'], unitsPerHour: 1200 },
  { id: 'drylab', products: ['print'], unitsPerHour: 310 },
  { id: 'album', products: ['album'], unitsPerHour: 90 },
  { id: 'crystal', products: ['crystal'], unitsPerHour: 8 },
  { id: 'frame', products: ['frame'], unitsPerHour: 10 },
];

const MIX: Scenario['mix'] = {
  // Assumption: prints dominate; gifts (crystal, frames) swell in the holiday season.
  products: { print: 0.72, album: 0.12, crystal: 0.07, frame: 0.09 },
  // Assumption: one client in ten is a key account, a quarter are special.
  tiers: { key: 0.1, special: 0.25, regular: 0.65 },
  quantity: {
    // About 30 prints to a film roll (gokis.net); orders of a few rolls are common (assumption).
    print: { dist: 'lognormal', mean: 36, sd: 45 },
    // Assumption: most gift orders are one piece, a few are sets.
    album: { dist: 'geometric', mean: 1.3 },
    crystal: { dist: 'geometric', mean: 1.5 },
    frame: { dist: 'geometric', mean: 1.4 },
  },
  rush: {
    // Rushes cost +25% to +50% and at +150% "only a small number" are asked for
    // (goldstarphotosolutions.com, designoutput.com); one order in ten is an assumption.
    share: 0.1,
    urgency: { immediate: 0.15, 'half-day': 0.25, 'same-day': 0.35, 'next-day': 0.25 },
    // Assumption: the lab causes 15% of its rushes (missing or damaged prints, rework).
    companyShare: 0.15,
    causes: { missing: 0.3, damaged: 0.4, rework: 0.3 },
  },
  // Assumption: three orders in ten are picked up in the store, 3 to 30 hours after ordering.
  pickupShare: 0.3,
  pickupLeadHours: [3, 30],
  // Assumption: one client in twenty rushes by habit (one order in four) and orders three times as often.
  clients: { count: 300, habitualShare: 0.05, habitualWeight: 3, habitualRushShare: 0.25 },
};

/**
 * A mid-size lab on its busiest day: the Saturday before Christmas. Labs move to extended
 * shifts from Thanksgiving to Christmas (getprintbox.com, millerslab.com, advancedphoto.com);
 * here 08:00–22:00 every day (assumption). About 800 orders arrive over the day (assumption:
 * 2.5 times an average day; no public ratio was found), which loads the print lines above
 * their capacity from late morning to mid-afternoon.
 */
export const peakDay: Scenario = {
  name: 'Peak day (Saturday before Christmas)',
  description:
    'A mid-size lab on the Saturday before Christmas: extended hours 08:00–22:00, five lines, about 800 orders.',
  start: '2026-12-19T00:00:00+08:00',
  durationHours: 24,
  calendar: { zone: 'Asia/Shanghai', open: '08:00', close: '22:00', days: [1, 2, 3, 4, 5, 6, 7] },
  lines: LINES,
  arrivals: { perHour: shape(800) },
  mix: MIX,
};

/** The same lab on an ordinary weekday in October: normal hours, 09:00–18:00, about 290 orders. */
export const averageDay: Scenario = {
  name: 'Average day (a Wednesday in October)',
  description:
    'The same lab on an ordinary Wednesday: normal hours 09:00–18:00 Monday to Saturday, about 290 orders.',
  start: '2026-10-14T00:00:00+08:00',
  durationHours: 24,
  calendar: { zone: 'Asia/Shanghai', open: '09:00', close: '18:00', days: [1, 2, 3, 4, 5, 6] },
  lines: LINES,
  arrivals: { perHour: shape(290) },
  mix: { ...MIX, products: { print: 0.72, album: 0.12, crystal: 0.06, frame: 0.1 } },
};

/** The average day, but the minilab loses half its capacity at 11:00 (a printer fault). */
export const breakdown: Scenario = {
  ...averageDay,
  name: 'Breakdown (minilab at half speed from 11:00)',
  description:
    'The average day, but at 11:00 the minilab drops to half its capacity (600 prints an hour) for the rest of the day.',
  capacityEvents: [{ at: '11:00', line: 'minilab', unitsPerHour: 600 }],
};

/**
 * The four weeks before Christmas, after a week of warm-up that gives the clients a rush
 * history (the frequent-rusher window is 30 days) and the lines their backlog. The lab is the
 * same; the season is what loads it:
 * - hours: extended, 08:00–22:00 every day, as labs do from Thanksgiving to Christmas
 *   (getprintbox.com, millerslab.com, advancedphoto.com);
 * - load: 400 orders on an ordinary day of the season (assumption: the average day's 290
 *   plus the season's online gift orders), by weekday (assumption: Saturday busiest, Sunday and
 *   Monday quietest, as in retail), ramped over three weeks to 2.5 times on the eve (the
 *   peak day's ratio, an assumption too): the last ten days load the print lines past their
 *   capacity, which is when a lab needs its rush rules;
 * - rushes: one order in seven (assumption), and toward the holiday every client asks up to
 *   four times as often (assumption: last-minute gifts; rush fees of +25% to +50% keep it a
 *   minority on ordinary days, goldstarphotosolutions.com);
 * - what is ordered: gifts take a larger share than on an ordinary day, and print orders are
 *   larger, with a long tail (assumption: holiday cards and calendars come in batches of 100
 *   to several hundred prints);
 * - clients: 4,000 (assumption: a mid-size lab's season), one in twenty a habitual rusher who
 *   orders three times as often and rushes one order in two; the others rush at the balance
 *   of the share, each with its own propensity (coefficient of variation 1.5, assumption):
 *   many almost never, a few often;
 * - breakdowns: the minilab at half speed for a day and a half (a printer fault, as in
 *   `breakdown`), the crystal engraver nearly stopped for a day (laser service, assumption),
 *   and the drylab at half speed on a Saturday (a head clean, assumption).
 */
export const season: Scenario = {
  name: 'Season (the four weeks before Christmas)',
  description:
    'A mid-size lab from 27 November to Christmas Eve, after a week of warm-up: extended hours 08:00–22:00, load by weekday ramping to 2.5 times an ordinary day on the eve, last-minute rushes, 4,000 clients with their own rush habits, three breakdowns.',
  start: '2026-11-20T00:00:00+08:00',
  days: 35,
  warmUpDays: 7,
  calendar: { zone: 'Asia/Shanghai', open: '08:00', close: '22:00', days: [1, 2, 3, 4, 5, 6, 7] },
  lines: LINES,
  arrivals: { perHour: shape(400) },
  load: {
    weekday: [0.85, 0.9, 0.95, 1, 1.1, 1.35, 0.85],
    holiday: { date: '2026-12-25', peak: 2.5, rampDays: 21, rushPeak: 4 },
  },
  mix: {
    ...MIX,
    products: { print: 0.6, album: 0.15, crystal: 0.1, frame: 0.15 },
    quantity: { ...MIX.quantity, print: { dist: 'lognormal', mean: 60, sd: 160 } },
    rush: { ...MIX.rush, share: 0.14 },
    clients: {
      count: 4000,
      habitualShare: 0.05,
      habitualWeight: 3,
      habitualRushShare: 0.5,
      propensitySpread: 1.5,
    },
  },
  capacityEvents: [
    { at: '2026-12-03T11:00:00+08:00', line: 'minilab', unitsPerHour: 600 },
    { at: '2026-12-04T22:00:00+08:00', line: 'minilab', unitsPerHour: 1200 },
    { at: '2026-12-10T08:00:00+08:00', line: 'crystal', unitsPerHour: 0.1 },
    { at: '2026-12-11T08:00:00+08:00', line: 'crystal', unitsPerHour: 8 },
    { at: '2026-12-19T08:00:00+08:00', line: 'drylab', unitsPerHour: 155 },
    { at: '2026-12-19T22:00:00+08:00', line: 'drylab', unitsPerHour: 310 },
  ],
};

/** The built-in scenarios by name; `season` is the default of the command line. */
export const scenarios = { season, peakDay, averageDay, breakdown } as const;
