/**
 * fast-check arbitraries for Rushline: orders, rush requests, order streams, policies and
 * calendars. They build small, readable values that shrink well: a failing stream shrinks to
 * the few orders that matter, with round times and small quantities.
 */
import fc from 'fast-check';
import { defaultCalendar, defaultLines } from '../domain/defaults.js';
import {
  MAX_QUANTITY,
  MAX_UNITS_PER_HOUR,
  MAX_UNITS_PER_ITEM,
  MIN_UNITS_PER_HOUR,
  MIN_UNITS_PER_ITEM,
} from '../domain/limits.js';
import type { PolicyInput } from '../domain/policy.js';
import type {
  CalendarException,
  CalendarSpec,
  HandoverVia,
  LineSpec,
  Order,
  OrderChanges,
  RushRequest,
  Tier,
  Urgency,
} from '../domain/types.js';
import type { SchedulerConfig } from '../engine/config.js';
import type { Scenario } from '../simulation/scenario.js';
import { MAX_MS, MIN_MS, MS_PER_DAY, MS_PER_HOUR, MS_PER_MINUTE } from '../time/units.js';
import type { StreamItem } from './run-trace.js';

/** Monday 2026-11-23 09:00 in Shanghai: streams start here unless told otherwise. */
export const STREAM_START = Date.UTC(2026, 10, 23, 1, 0);

const tiers: Tier[] = ['key', 'special', 'regular'];
const urgencies: Urgency[] = ['immediate', 'half-day', 'same-day', 'next-day'];

/** Options for the order and stream arbitraries. */
export interface StreamOptions {
  /** Share of orders that ask for a client rush. @default 0.3 */
  rushShare?: number;
  /** Share of orders that are company-caused rushes. @default 0.05 */
  companyShare?: number;
  /** Share of orders with a ship or pickup time. @default 0.15 */
  dueShare?: number;
  /** Longest stream. @default 40 */
  maxOrders?: number;
  /** Largest quantity per order. @default 12 */
  maxQuantity?: number;
  /** How many distinct clients (few clients make habitual rushers). @default 6 */
  clients?: number;
  /** Longest gap between two calls, minutes. @default 90 */
  maxGapMinutes?: number;
  /** Allow capacity changes in the stream. @default false */
  capacityChanges?: boolean;
  /**
   * Let clients change their minds: the stream then also cancels, holds (and mostly later
   * releases) and amends earlier orders of the stream, whatever they have become by then (the
   * trace runner skips a call the engine refuses). @default false
   */
  lifeChanges?: boolean;
  /**
   * With `capacityChanges`: a change may take its line down (`setCapacity(line, 0)`); the line
   * comes back at its configured rate a few orders later, by the end of the stream at the
   * latest. @default false
   */
  linesDown?: boolean;
  /**
   * Add the rest of an order's life to the stream: dispatch runs that hand over what is
   * finished (`{ at, handover }`, some short of items) and moments when only time moves
   * (`{ at, advance: true }`, up to a working day later). @default false
   */
  lifecycle?: boolean;
  /** When the stream starts (epoch ms). @default STREAM_START */
  start?: number;
}

/** A rush request: client rushes with an urgency, or company-caused ones. */
export function rushRequests(options: { companyShare?: number } = {}): fc.Arbitrary<RushRequest> {
  const company = options.companyShare ?? 0.15;
  return fc.oneof(
    {
      weight: Math.round((1 - company) * 100),
      arbitrary: fc.record({
        urgency: fc.constantFrom(...urgencies),
        cause: fc.constant('client' as const),
      }),
    },
    {
      weight: Math.round(company * 100),
      arbitrary: fc.record({
        cause: fc.constantFrom('missing' as const, 'damaged' as const, 'rework' as const),
        reason: fc.constantFrom('colour cast', 'bent corner', 'missing page'),
        responsible: fc.constantFrom('Li', 'Wang', 'Zhang'),
      }),
    },
  );
}

function lineProducts(config: SchedulerConfig): string[] {
  const lines = (config.lines ?? (defaultLines as LineSpec[])) as LineSpec[];
  return [...new Set(lines.flatMap((l) => l.products))];
}

interface OrderDraft {
  gap: number;
  lag: number;
  tier: Tier;
  product: string;
  quantity: number;
  client: number;
  kind: 'plain' | 'rush' | 'company' | 'due';
  urgency: Urgency;
  companyCause: 'missing' | 'damaged' | 'rework';
  dueHours: number;
  pickup: boolean;
}

function drafts(
  config: SchedulerConfig,
  o: Required<
    Omit<StreamOptions, 'start' | 'capacityChanges' | 'lifeChanges' | 'linesDown' | 'lifecycle'>
  >,
): fc.Arbitrary<OrderDraft> {
  const products = lineProducts(config);
  const rush = Math.round(o.rushShare * 100);
  const company = Math.round(o.companyShare * 100);
  const due = Math.round(o.dueShare * 100);
  const plain = Math.max(1, 100 - rush - company - due);
  return fc.record({
    gap: fc.integer({ min: 0, max: o.maxGapMinutes }),
    lag: fc.integer({ min: 0, max: 30 }),
    tier: fc.constantFrom(...tiers),
    product: fc.constantFrom(...products),
    quantity: fc.integer({ min: 1, max: o.maxQuantity }),
    client: fc.integer({ min: 0, max: o.clients - 1 }),
    kind: fc.oneof(
      { weight: plain, arbitrary: fc.constant('plain' as const) },
      { weight: Math.max(rush, 0), arbitrary: fc.constant('rush' as const) },
      { weight: Math.max(company, 0), arbitrary: fc.constant('company' as const) },
      { weight: Math.max(due, 0), arbitrary: fc.constant('due' as const) },
    ),
    urgency: fc.constantFrom(...urgencies),
    companyCause: fc.constantFrom('missing' as const, 'damaged' as const, 'rework' as const),
    dueHours: fc.integer({ min: 1, max: 24 }),
    pickup: fc.boolean(),
  });
}

function toOrder(d: OrderDraft, i: number, at: number, prefix: string): Order {
  const order: Order = {
    id: `${prefix}${i}`,
    clientId: `c${d.client}`,
    tier: d.tier,
    product: d.product,
    quantity: d.quantity,
    uploadedAt: at - d.lag * MS_PER_MINUTE,
  };
  if (d.kind === 'rush') order.rush = { urgency: d.urgency, cause: 'client' };
  if (d.kind === 'company')
    order.rush = { cause: d.companyCause, reason: 'reprint', responsible: 'QA' };
  if (d.kind === 'due') {
    if (d.pickup) order.pickupAt = at + d.dueHours * 60 * MS_PER_MINUTE;
    else order.shipBy = at + d.dueHours * 60 * MS_PER_MINUTE;
  }
  return order;
}

function withDefaults(options: StreamOptions) {
  return {
    rushShare: options.rushShare ?? 0.3,
    companyShare: options.companyShare ?? 0.05,
    dueShare: options.dueShare ?? 0.15,
    maxOrders: options.maxOrders ?? 40,
    maxQuantity: options.maxQuantity ?? 12,
    clients: options.clients ?? 6,
    maxGapMinutes: options.maxGapMinutes ?? 90,
  };
}

/** Single orders for a configuration (ids `o0`, `o1`, … by position are up to the caller). */
export function orders(
  config: SchedulerConfig = {},
  options: StreamOptions = {},
): fc.Arbitrary<Order> {
  const start = options.start ?? STREAM_START;
  return drafts(config, withDefaults(options)).map((d) =>
    toOrder(d, 0, start + d.gap * MS_PER_MINUTE, 'o'),
  );
}

/**
 * Streams of timed calls `{ at, order }` (and, with `capacityChanges`, `{ at, capacity }`;
 * with `lifeChanges`, `{ at, cancel }`, `{ at, hold }`, `{ at, release }` and `{ at, amend }`)
 * that the configuration accepts: increasing times, uploads before submission, unique ids.
 */
export function orderStreams(
  config: SchedulerConfig = {},
  options: StreamOptions = {},
): fc.Arbitrary<StreamItem[]> {
  const o = withDefaults(options);
  const start = options.start ?? STREAM_START;
  const lines = ((config.lines ?? (defaultLines as LineSpec[])) as LineSpec[]).map((l) => l);
  const capacity = options.capacityChanges
    ? fc.array(
        fc.record({
          after: fc.integer({ min: 0, max: o.maxOrders }),
          line: fc.constantFrom(...lines),
          factor: options.linesDown
            ? fc.constantFrom(0, 0, 0.25, 0.5, 0.8, 1.5, 2)
            : fc.constantFrom(0.25, 0.5, 0.8, 1.5, 2),
          downFor: fc.integer({ min: 0, max: 6 }),
        }),
        { maxLength: 3 },
      )
    : fc.constant([] as { after: number; line: LineSpec; factor: number; downFor: number }[]);
  const life = options.lifeChanges
    ? fc.array(
        fc.record({
          after: fc.integer({ min: 0, max: o.maxOrders }),
          back: fc.integer({ min: 0, max: 6 }),
          kind: fc.constantFrom('cancel' as const, 'hold' as const, 'amend' as const),
          /** For a hold: how many orders later the release comes (0: never). */
          releaseAfter: fc.integer({ min: 0, max: 5 }),
          /** For a hold: the quantity changes while it is held. */
          amendHeld: fc.boolean(),
          /** For a hold: the client cancels it instead of releasing it. */
          cancelHeld: fc.integer({ min: 0, max: 3 }).map((n) => n === 0),
          quantity: fc.integer({ min: 1, max: o.maxQuantity * 2 }),
          shipHours: fc.option(fc.integer({ min: 1, max: 30 }), { nil: undefined }),
        }),
        { maxLength: Math.max(2, o.maxOrders >> 2) },
      )
    : fc.constant([] as LifeDraft[]);
  type Life = { after: number; advance: boolean; minutes: number; via: HandoverVia; short: number };
  const handovers: fc.Arbitrary<Life[]> = options.lifecycle
    ? fc.array(
        fc.record({
          after: fc.integer({ min: 0, max: o.maxOrders }),
          advance: fc.boolean(),
          minutes: fc.integer({ min: 0, max: 600 }),
          via: fc.constantFrom<HandoverVia>('ship', 'pickup'),
          short: fc.constantFrom(0, 0, 1, 2),
        }),
        { maxLength: 6 },
      )
    : fc.constant([]);
  return fc
    .tuple(
      fc.array(drafts(config, o), { minLength: 1, maxLength: o.maxOrders, size: 'max' }),
      capacity,
      life,
      handovers,
    )
    .map(([ds, caps, changes, lives]) => {
      const items: StreamItem[] = [];
      // The ends of holds due after the order of each index: a release, or the client's cancel.
      const ends = new Map<number, StreamItem[]>();
      // A line taken down comes back at its configured rate after `downFor` more orders, or
      // after the last one.
      const returns = caps
        .filter((c) => c.factor === 0)
        .map((c) => ({ line: c.line, after: Math.min(c.after + 1 + c.downFor, ds.length - 1) }));
      let at = start;
      ds.forEach((d, i) => {
        at += d.gap * MS_PER_MINUTE;
        for (const c of caps) {
          if (c.after === i)
            items.push({
              at,
              capacity: { line: c.line.id, unitsPerHour: c.line.unitsPerHour * c.factor },
            });
        }
        for (const l of lives) {
          if (l.after !== i) continue;
          // Later calls come after in time: runTrace sorts the stream, and keeps equal times in order.
          if (l.advance) items.push({ at: at + l.minutes * MS_PER_MINUTE, advance: true });
          else items.push({ at, handover: { via: l.via, shortItems: l.short } });
        }
        items.push({ at, order: toOrder(d, i, at, 'o') });
        for (const end of ends.get(i) ?? []) items.push({ ...end, at });
        for (const c of changes) {
          if (c.after !== i) continue;
          const id = `o${Math.max(0, i - c.back)}`;
          if (c.kind === 'cancel') items.push({ at, cancel: id });
          else if (c.kind === 'hold') {
            items.push({ at, hold: id });
            if (c.amendHeld)
              items.push({ at, amend: { orderId: id, changes: { quantity: c.quantity } } });
            if (c.releaseAfter > 0) {
              const k = Math.min(i + c.releaseAfter, ds.length - 1);
              const end: StreamItem = c.cancelHeld ? { at, cancel: id } : { at, release: id };
              if (k === i) items.push(end);
              else ends.set(k, [...(ends.get(k) ?? []), end]);
            }
          } else {
            const ch: OrderChanges = { quantity: c.quantity };
            if (c.shipHours !== undefined) ch.shipBy = at + c.shipHours * 60 * MS_PER_MINUTE;
            items.push({ at, amend: { orderId: id, changes: ch } });
          }
        }
        for (const r of returns)
          if (r.after === i)
            items.push({ at, capacity: { line: r.line.id, unitsPerHour: r.line.unitsPerHour } });
      });
      return items.sort((a, b) => a.at - b.at);
    });
}

/** A change of mind drawn for `orderStreams` with `lifeChanges`. */
interface LifeDraft {
  after: number;
  back: number;
  kind: 'cancel' | 'hold' | 'amend';
  releaseAfter: number;
  amendHeld: boolean;
  cancelHeld: boolean;
  quantity: number;
  shipHours: number | undefined;
}

/** Valid policies: near `around` (each number nudged), or anywhere in the valid space. */
export function policies(around?: PolicyInput): fc.Arbitrary<PolicyInput> {
  if (around) {
    const nudge = (v: number | undefined, lo: number, hi: number) =>
      v === undefined
        ? fc.constant(undefined)
        : fc.double({ min: Math.max(lo, v * 0.8), max: Math.min(hi, v * 1.2), noNaN: true });
    return fc
      .record({
        quotaShare: nudge(around.rush?.quotaShare ?? 0.25, 0, 0.8),
        tightLoad: nudge(around.rush?.tightLoad ?? 0.8, 0, 1),
        frequentRushCount: fc.integer({ min: 1, max: 8 }),
      })
      .map((r) => ({
        ...around,
        rush: {
          ...around.rush,
          ...(r.quotaShare !== undefined ? { quotaShare: r.quotaShare } : {}),
          ...(r.tightLoad !== undefined ? { tightLoad: r.tightLoad } : {}),
          frequentRushCount: r.frequentRushCount,
        },
      }));
  }
  return fc.record({
    standardTurnaroundHours: fc.record({
      key: fc.integer({ min: 4, max: 48 }),
      special: fc.integer({ min: 4, max: 72 }),
      regular: fc.integer({ min: 4, max: 96 }),
    }),
    rush: fc.record({
      immediateBufferMinutes: fc.integer({ min: 0, max: 120 }),
      halfDayHours: fc.integer({ min: 1, max: 6 }),
      sameDayCutoff: fc.constantFrom('12:00', '14:00', '16:00', '17:30'),
      quotaShare: fc.double({ min: 0, max: 0.6, noNaN: true }),
      keyReserveShare: fc.double({ min: 0, max: 0.3, noNaN: true }),
      tightLoad: fc.double({ min: 0, max: 1, noNaN: true }),
      frequentRushCount: fc.integer({ min: 1, max: 8 }),
      frequencyWindowDays: fc.integer({ min: 1, max: 60 }),
      smallQuantity: fc.record({
        print: fc.integer({ min: 0, max: 200 }),
        album: fc.integer({ min: 0, max: 5 }),
        crystal: fc.integer({ min: 0, max: 10 }),
        frame: fc.integer({ min: 0, max: 10 }),
      }),
    }),
  });
}

/** Valid working calendars: a few zones (with and without DST), hours on a 30-minute grid, any non-empty set of weekdays. */
export function calendars(): fc.Arbitrary<CalendarSpec> {
  return fc
    .record({
      zone: fc.constantFrom('Asia/Shanghai', 'Europe/Berlin', 'America/New_York', 'UTC'),
      open: fc.integer({ min: 0, max: 40 }),
      length: fc.integer({ min: 2, max: 48 }),
      days: fc.uniqueArray(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 7 }),
      roundTheClock: fc.boolean(),
    })
    .map(({ zone, open, length, days, roundTheClock }) => {
      if (roundTheClock)
        return { zone, open: '00:00', close: '24:00', days: [1, 2, 3, 4, 5, 6, 7] };
      const o = open * 30;
      const c = Math.min(48, open + length) * 30;
      const hhmm = (m: number) =>
        `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
      return { zone, open: hhmm(o), close: hhmm(c === o ? o + 30 : c), days: [...days].sort() };
    });
}

/**
 * Calendar exceptions on the `days` local dates from the date of `from` (UTC): each date
 * drawn at most once, closed or with hours on a 30-minute grid (a half day, overtime, or a
 * day opened that is not a working weekday). Lay them over any calendar.
 */
export function calendarExceptions(from: number, days = 10): fc.Arbitrary<CalendarException[]> {
  const hhmm = (m: number) =>
    `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
  return fc
    .uniqueArray(
      fc.record({
        day: fc.integer({ min: 0, max: days - 1 }),
        closed: fc.boolean(),
        open: fc.integer({ min: 12, max: 24 }),
        length: fc.integer({ min: 2, max: 28 }),
      }),
      { selector: (x) => x.day, maxLength: Math.min(days, 4) },
    )
    .map((xs) =>
      xs.map((x): CalendarException => {
        const date = new Date(from + x.day * MS_PER_DAY).toISOString().slice(0, 10);
        if (x.closed) return { date, closed: true };
        return {
          date,
          open: hhmm(x.open * 30),
          close: hhmm(Math.min(48, x.open + x.length) * 30),
        };
      }),
    );
}

/** The default calendar, for tests that want the lab's own hours. */
export const labCalendar: CalendarSpec = defaultCalendar as CalendarSpec;

/**
 * Simulation scenarios. With `around`: days like it, with the volume (0.7–1.3 times), the rush
 * share, the company share and the number of clients varied. Without: small random labs (one
 * to three lines, any calendar, a few hours of arrivals). Every one is valid for `simulate`;
 * the seed is the caller's to draw.
 */
export function scenarios(around?: Scenario): fc.Arbitrary<Scenario> {
  if (around) {
    return fc
      .record({
        volume: fc.double({ min: 0.7, max: 1.3, noNaN: true }),
        share: fc.double({ min: 0.02, max: 0.25, noNaN: true }),
        companyShare: fc.double({ min: 0, max: 0.3, noNaN: true }),
        clients: fc.integer({ min: 50, max: 600 }),
      })
      .map(({ volume, share, companyShare, clients }) => {
        const perHour = around.arrivals.perHour;
        return {
          ...around,
          name: `${around.name}, ${Math.round(volume * 100)}% volume`,
          arrivals: {
            perHour: Array.isArray(perHour) ? perHour.map((r) => r * volume) : perHour * volume,
          },
          mix: {
            ...around.mix,
            rush: { ...around.mix.rush, share, companyShare },
            clients: { ...around.mix.clients, count: clients },
          },
        };
      });
  }
  const products = ['print', 'album', 'crystal', 'frame'] as const;
  return fc
    .record({
      calendar: calendars(),
      made: fc.uniqueArray(fc.constantFrom(...products), { minLength: 1, maxLength: 3 }),
      rate: fc.integer({ min: 5, max: 60 }),
      perHour: fc.integer({ min: 1, max: 30 }),
      hours: fc.integer({ min: 2, max: 24 }),
      mean: fc.integer({ min: 1, max: 30 }),
      share: fc.double({ min: 0, max: 0.4, noNaN: true }),
      companyShare: fc.double({ min: 0, max: 0.5, noNaN: true }),
    })
    .map(
      ({ calendar, made, rate, perHour, hours, mean, share, companyShare }): Scenario => ({
        name: `${made.join(' + ')}, ${perHour} orders an hour`,
        start: new Date(STREAM_START).toISOString(),
        durationHours: hours,
        calendar,
        lines: made.map((p) => ({
          id: p,
          products: [p],
          unitsPerHour: p === 'print' ? rate * 10 : rate,
        })),
        arrivals: { perHour },
        mix: {
          products: Object.fromEntries(made.map((p) => [p, 1])),
          tiers: { key: 1, special: 2, regular: 7 },
          quantity: Object.fromEntries(
            made.map((p) => [
              p,
              { dist: 'geometric', mean: p === 'print' ? mean * 3 : Math.max(1, mean / 10) },
            ]),
          ),
          rush: {
            share,
            urgency: { immediate: 1, 'half-day': 1, 'same-day': 1, 'next-day': 1 },
            companyShare,
            causes: { missing: 1, damaged: 1, rework: 1 },
          },
          clients: { count: 40, habitualShare: 0.1 },
        },
      }),
    );
}

// ---------------------------------------------------------------- hostile input

/**
 * Strings that are valid ids, client ids, line ids and product names, and that break code
 * keying a plain object by them: the names `Object.prototype` holds (`__proto__` above all,
 * whose assignment sets an object's prototype instead of adding a key), `then` (which makes an
 * object look like a promise to `await`), and text beyond ASCII (CJK, an emoji with a variation
 * selector, a combining accent). The engine must treat each as any other string.
 */
export const HOSTILE_IDS: readonly string[] = Object.freeze([
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  'valueOf',
  'isPrototypeOf',
  'propertyIsEnumerable',
  'toLocaleString',
  '__defineGetter__',
  '__lookupSetter__',
  'prototype',
  'then',
  '订单',
  '🖨️',
  'e\u0301',
  'Ωmega lab',
]);

/**
 * Ids for streams that must survive hostile strings: two times in five one of the first five
 * of `HOSTILE_IDS` (`__proto__`, `constructor`, `toString`, `hasOwnProperty`, `valueOf`), two
 * in five any of them, else a plain one (`x0` to `x9`), so that ids repeat within a stream.
 */
export function hostileIds(): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 2, arbitrary: fc.constantFrom(...HOSTILE_IDS.slice(0, 5)) },
    { weight: 2, arbitrary: fc.constantFrom(...HOSTILE_IDS) },
    { weight: 1, arbitrary: fc.integer({ min: 0, max: 9 }).map((i) => `x${i}`) },
  );
}

/** Whether an extreme-value arbitrary gives only values a limit admits, or those beyond it too. */
export interface ExtremeOptions {
  /**
   * Only values at a limit or just inside it (every one must be accepted and decided). Without
   * it, values just beyond each limit and numbers that measure nothing (0, negative, NaN,
   * ±Infinity, 5e-324, 1e300) come as often.
   * @default false
   */
  valid?: boolean;
}

/** The nearest doubles beyond a limit are this close: one part in 2^52 below or above. */
const justBelow = (x: number) => x * (1 - Number.EPSILON);
const justAbove = (x: number) => x * (1 + Number.EPSILON);

/** Numbers no positive measure admits, whatever its limits. */
const NOT_MEASURES = [
  0,
  -0,
  -1,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  Number.MIN_VALUE,
  1e-300,
  1e300,
  Number.MAX_VALUE,
];

function edges(
  min: number,
  max: number,
  inside: number[],
  beyond: number[],
  options: ExtremeOptions,
): fc.Arbitrary<number> {
  const valid = fc.constantFrom(min, max, ...inside);
  if (options.valid) return valid;
  return fc.oneof(valid, fc.constantFrom(...beyond, ...NOT_MEASURES));
}

/**
 * Quantities of an order at and beyond its limits: 1 and `MAX_QUANTITY` (with their
 * neighbours inside); beyond, `MAX_QUANTITY + 1`, 10^12, 2^53, a fraction.
 */
export function extremeQuantities(options: ExtremeOptions = {}): fc.Arbitrary<number> {
  return edges(
    1,
    MAX_QUANTITY,
    [2, MAX_QUANTITY - 1],
    [MAX_QUANTITY + 1, 1e12, 2 ** 53, 1.5],
    options,
  );
}

/**
 * A line's rate in units per working hour at and beyond its limits: `MIN_UNITS_PER_HOUR` and
 * `MAX_UNITS_PER_HOUR` and the nearest doubles inside and outside them, and ten times beyond.
 */
export function extremeRates(options: ExtremeOptions = {}): fc.Arbitrary<number> {
  return edges(
    MIN_UNITS_PER_HOUR,
    MAX_UNITS_PER_HOUR,
    [justAbove(MIN_UNITS_PER_HOUR), justBelow(MAX_UNITS_PER_HOUR)],
    [
      justBelow(MIN_UNITS_PER_HOUR),
      justAbove(MAX_UNITS_PER_HOUR),
      MIN_UNITS_PER_HOUR / 10,
      MAX_UNITS_PER_HOUR * 10,
    ],
    options,
  );
}

/**
 * Units of work per item of a product at and beyond `MIN_UNITS_PER_ITEM` and
 * `MAX_UNITS_PER_ITEM`, as for `extremeRates`.
 */
export function extremeUnitsPerItem(options: ExtremeOptions = {}): fc.Arbitrary<number> {
  return edges(
    MIN_UNITS_PER_ITEM,
    MAX_UNITS_PER_ITEM,
    [justAbove(MIN_UNITS_PER_ITEM), justBelow(MAX_UNITS_PER_ITEM)],
    [
      justBelow(MIN_UNITS_PER_ITEM),
      justAbove(MAX_UNITS_PER_ITEM),
      MIN_UNITS_PER_ITEM / 10,
      MAX_UNITS_PER_ITEM * 10,
    ],
    options,
  );
}

/**
 * Instants at and beyond the window a caller may give (`MIN_MS`, 2000-01-01, to `MAX_MS`,
 * 2200-01-01), as epoch ms or as ISO 8601 with an offset: the edges themselves, a millisecond
 * inside, and the last month of 2199. Beyond: a millisecond outside, the ends of `Date`'s range,
 * a fraction of a millisecond, NaN, Infinity, and strings that are no instant (no offset, a
 * 30 February, a six-digit year).
 */
export function extremeTimes(options: ExtremeOptions = {}): fc.Arbitrary<number | string> {
  const valid = fc.constantFrom<number | string>(
    MIN_MS,
    MAX_MS,
    MIN_MS + 1,
    MAX_MS - 1,
    Date.UTC(2199, 11, 1, 2),
    isoAt(MIN_MS, -5),
    isoAt(MAX_MS, 8),
    isoAt(MAX_MS - 1, 0),
  );
  if (options.valid) return valid;
  return fc.oneof(
    valid,
    fc.constantFrom<number | string>(
      MIN_MS - 1,
      MAX_MS + 1,
      8.64e15,
      -8.64e15,
      0,
      MIN_MS + 0.5,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      isoAt(MAX_MS + 1, 0),
      isoAt(MIN_MS - 1, 14),
      '2026-11-24T10:00',
      '2026-02-30T10:00:00Z',
      '+275760-09-13T00:00:00Z',
      '',
    ),
  );
}

/** `ms` as ISO 8601 in the fixed offset of `hours` (`Z` for 0). */
function isoAt(ms: number, hours: number): string {
  const local = new Date(ms + hours * MS_PER_HOUR).toISOString().slice(0, -1);
  if (hours === 0) return `${local}Z`;
  const h = String(Math.abs(hours)).padStart(2, '0');
  return `${local}${hours < 0 ? '-' : '+'}${h}:00`;
}

/**
 * Labs named with hostile strings: one to three products and one to three lines drawn from
 * `hostileIds()` (built as own keys, `__proto__` included), with units per item and line rates
 * from `extremeUnitsPerItem` and `extremeRates` (at the limits only, with `valid`), a policy
 * that covers the new products, and the lab's own or a random calendar. The default products
 * stay in the catalog.
 */
export function hostileConfigs(options: ExtremeOptions = {}): fc.Arbitrary<SchedulerConfig> {
  return fc
    .record({
      products: fc.uniqueArray(hostileIds(), { minLength: 1, maxLength: 3 }),
      lines: fc.uniqueArray(hostileIds(), { minLength: 1, maxLength: 3 }),
      sizes: fc.array(extremeUnitsPerItem(options), { minLength: 3, maxLength: 3 }),
      rates: fc.array(fc.oneof(fc.integer({ min: 5, max: 60 }), extremeRates(options)), {
        minLength: 3,
        maxLength: 3,
      }),
      calendar: fc.oneof({ weight: 3, arbitrary: fc.constant(labCalendar) }, calendars()),
    })
    .map(({ products, lines, sizes, rates, calendar }): SchedulerConfig => {
      const own = <T>(f: (name: string, i: number) => T) =>
        Object.fromEntries(products.map((p, i) => [p, f(p, i)]));
      return {
        calendar,
        lines: lines.map((id, j) => {
          const made = products.filter((_, i) => i % lines.length === j);
          return {
            id,
            products: made.length > 0 ? made : ['print'],
            unitsPerHour: rates[j] as number,
          };
        }),
        products: own((_, i) => ({ unitsPerItem: sizes[i] as number })),
        policy: {
          standardTurnaroundHours: { key: 6, special: 8, regular: 12 },
          rush: { frequentRushCount: 2, tightLoad: 0.6, smallQuantity: own(() => 5) },
          reworkSlaHours: own(() => 24),
        },
      };
    });
}
