/**
 * The scenario of a simulated day: the lab (calendar, lines, products, policy), how orders
 * arrive, what they are made of, and what happens to the lines. Validated with zod at the
 * boundary; `parseScenario` throws `ValidationError`, `safeParseScenario` returns a result.
 */
import { DateTime } from 'luxon';
import { z } from 'zod';
import { defaultCalendar } from '../domain/defaults.js';
import { type SafeResult, ValidationError, type ValidationIssue } from '../domain/errors.js';
import { dictSchema } from '../domain/keyed.js';
import { MAX_QUANTITY } from '../domain/limits.js';
import type { PolicyInput } from '../domain/policy.js';
import {
  between,
  calendarSchema,
  check,
  lineSchema,
  productSchema,
  timeSchema,
  unitsPerHourSchema,
} from '../domain/schemas.js';
import type {
  CalendarSpec,
  LineSpec,
  ProductSpec,
  Tier,
  TimeInput,
  Urgency,
} from '../domain/types.js';
import { resolveConfig } from '../engine/config.js';
import { MAX_MS, MS_PER_DAY, MS_PER_HOUR } from '../time/units.js';

/**
 * How many items an order has. Every draw is rounded to a whole number from 1 to the engine's
 * largest order, `MAX_QUANTITY` (a million items):
 * - `fixed`: always `value`;
 * - `exponential`: an exponential with mean `mean`, rounded up;
 * - `lognormal`: a lognormal with that mean and standard deviation (of the items, not of
 *   their logarithm), rounded to the nearest whole number and at least 1;
 * - `geometric`: the number of trials to the first success, with mean `mean` (≥ 1).
 */
export type QuantityDistribution =
  | { dist: 'fixed'; value: number }
  | { dist: 'exponential'; mean: number }
  | { dist: 'lognormal'; mean: number; sd: number }
  | { dist: 'geometric'; mean: number };

/** Company causes of a rush (rules.md §1). */
export type CompanyCause = 'missing' | 'damaged' | 'rework';

/** A simulated day, as written in a scenario file. Weights need not sum to 1. */
export interface Scenario {
  name: string;
  /** A sentence or two for the report. */
  description?: string;
  /** When the simulated day starts: ISO 8601 with an offset, or epoch ms. */
  start: TimeInput;
  /**
   * Orders arrive during this many hours after `start`; the lines then run until every queue is
   * empty. Give this or `days`, not both.
   */
  durationHours?: number;
  /** Orders arrive during this many days (of 24 hours) after `start`: a season. Instead of `durationHours`. */
  days?: number;
  /** @default the engine's default calendar (Asia/Shanghai, 09:00–18:00, Monday to Saturday) */
  calendar?: CalendarSpec;
  /** @default the engine's default lines */
  lines?: LineSpec[];
  products?: Record<string, ProductSpec>;
  policy?: PolicyInput;
  arrivals: {
    /** Orders per clock hour: one rate, or 24 rates by the lab's local hour (0 = midnight). Orders arrive as a Poisson process. */
    perHour: number | number[];
  };
  /**
   * How the load changes from day to day: the hourly rates are multiplied by the weekday's
   * factor and by the holiday ramp's, both read on the lab's local date.
   */
  load?: {
    /** Seven factors, Monday first. @default all 1 */
    weekday?: number[];
    /**
     * A holiday the load ramps toward: from 1 at `rampDays` days before `date`, linearly, to
     * `peak` on its eve; the holiday itself and the days after it have factor 1.
     */
    holiday?: {
      date: string;
      peak: number;
      rampDays: number;
      /** The factor on each client's rush propensity on the eve, ramped like the load (last-minute rushes). @default 1 */
      rushPeak?: number;
    };
  };
  mix: {
    /** Weight of each product among orders. */
    products: Record<string, number>;
    /** Weight of each tier among clients. */
    tiers: Partial<Record<Tier, number>>;
    /** Items per order, for every product with a positive weight. */
    quantity: Record<string, QuantityDistribution>;
    rush: {
      /** Share of orders that come with a rush request, company-caused ones included. */
      share: number;
      /** Weight of each urgency among client rushes. */
      urgency: Partial<Record<Urgency, number>>;
      /** Share of rush requests the lab caused itself. */
      companyShare: number;
      /** Weight of each company cause. */
      causes: Partial<Record<CompanyCause, number>>;
    };
    /** Share of orders with a pickup time. @default 0 */
    pickupShare?: number;
    /** Hours from submission to the pickup time, drawn uniformly. @default [4, 24] */
    pickupLeadHours?: [number, number];
    clients: {
      count: number;
      /** Share of clients who are habitual rushers. */
      habitualShare: number;
      /** How many times as many orders a habitual client places as another. @default 5 */
      habitualWeight?: number;
      /** Probability that a habitual client's order is a client rush. @default 0.6 */
      habitualRushShare?: number;
      /**
       * Each client's rush propensity is its group's (habitual or occasional) times a lognormal
       * factor of mean 1 and this coefficient of variation, at most 1: some occasional clients
       * almost never rush, a few rush often. 0 gives every client of a group the same. @default 0
       */
      propensitySpread?: number;
    };
  };
  /** Capacity changes: `at` is ISO 8601 with an offset, or `HH:mm` in the lab's zone on the start's date. */
  capacityEvents?: { at: TimeInput; line: string; unitsPerHour: number }[];
  /** Orders submitted in the first hours are simulated but left out of the KPIs. @default 0 */
  warmupHours?: number;
  /** The same in days (of 24 hours), for a season: instead of `warmupHours`. */
  warmUpDays?: number;
  /**
   * What happens to orders after they are submitted: a share is cancelled, a share held for a
   * while (waiting for a file or a payment) and released, and every finished order is handed
   * over (shipped, or picked up when it has a pickup time) after a drawn delay. Without it no
   * order is cancelled or held and each is handed over at its finish; the draws of a scenario
   * without `lifecycle` are those it had before the option existed.
   */
  lifecycle?: LifecycleSpec;
}

/** Minutes drawn uniformly from `[shortest, longest]`. */
export type MinutesRange = [number, number];

/** The order lifecycle of a simulated run (`Scenario.lifecycle`). */
export interface LifecycleSpec {
  /** Share of orders the client cancels, if the order is still queued, held or in production by then. @default 0 */
  cancelShare?: number;
  /** Minutes from submission to the cancel (wall-clock). @default [0, 240] */
  cancelAfterMinutes?: MinutesRange;
  /**
   * Share of orders held (waiting for a file or a payment), if still queued by then; a
   * company-caused order is never held (the engine refuses it: the lab makes it first).
   * @default 0
   */
  holdShare?: number;
  /** Minutes from submission to the hold (wall-clock). @default [0, 60] */
  holdAfterMinutes?: MinutesRange;
  /** Minutes an order stays held before it is released (wall-clock). @default [30, 240] */
  holdMinutes?: MinutesRange;
  /** Minutes from an order's finish to its hand-over (wall-clock). @default [0, 0] */
  handoverDelayMinutes?: MinutesRange;
}

/** A lifecycle with its defaults filled in; null in a scenario without `lifecycle`. */
export interface ResolvedLifecycle {
  cancelShare: number;
  cancelAfterMinutes: MinutesRange;
  holdShare: number;
  holdAfterMinutes: MinutesRange;
  holdMinutes: MinutesRange;
  handoverDelayMinutes: MinutesRange;
}

/** The day-to-day load of a resolved scenario; `holiday.day` counts local days from 1970-01-01. */
export interface ResolvedLoad {
  weekday: number[];
  holiday: { day: number; peak: number; rampDays: number; rushPeak: number } | null;
}

/** A validated scenario: defaults filled in, times in epoch ms, weights normalized. */
export interface ResolvedScenario {
  name: string;
  description: string;
  start: number;
  durationHours: number;
  calendar: CalendarSpec;
  lines: LineSpec[];
  products?: Record<string, ProductSpec>;
  policy: PolicyInput;
  /** 24 rates, by local hour. */
  perHour: number[];
  load: ResolvedLoad;
  mix: {
    products: [string, number][];
    tiers: [Tier, number][];
    quantity: Record<string, QuantityDistribution>;
    rush: {
      share: number;
      urgency: [Urgency, number][];
      companyShare: number;
      causes: [CompanyCause, number][];
    };
    pickupShare: number;
    pickupLeadHours: [number, number];
    clients: {
      count: number;
      habitualShare: number;
      habitualWeight: number;
      habitualRushShare: number;
      propensitySpread: number;
    };
  };
  capacityEvents: { at: number; line: string; unitsPerHour: number }[];
  warmupHours: number;
  lifecycle: ResolvedLifecycle | null;
  /** The scenario as given, for the report. */
  source: Scenario;
}

const SHARE = 'must be between 0 and 1';
const share = z.number().min(0, SHARE).max(1, SHARE);
const positive = (what: string) =>
  z
    .number()
    .refine((n) => Number.isFinite(n) && n > 0, { message: `must be a positive number (${what})` });
const upTo = (max: number, what: string) =>
  z.number().refine((n) => n > 0 && n <= max, {
    message: `must be more than 0 and at most ${max} (${what})`,
  });
const weight = z
  .number()
  .refine((n) => Number.isFinite(n) && n >= 0, { message: 'must be a weight of 0 or more' });
const weights = <K extends string>(keys: readonly [K, ...K[]]) =>
  z
    .strictObject(
      Object.fromEntries(keys.map((k) => [k, weight.optional()])) as Record<
        K,
        z.ZodOptional<typeof weight>
      >,
    )
    .refine((w) => Object.values(w).some((v) => ((v as number | undefined) ?? 0) > 0), {
      message: 'must give a positive weight to at least one entry',
    });

/** The most clients of a simulated day: far more than a lab serves, few enough to draw quickly. */
export const MAX_CLIENTS = 100_000;

/** A year, in hours: the longest arrival window, and the longest lead to a pickup. */
const YEAR_HOURS = 24 * 366;

const quantitySchema = z.discriminatedUnion('dist', [
  z.strictObject({
    dist: z.literal('fixed'),
    value: z.number().refine((n) => Number.isInteger(n) && n >= 1 && n <= MAX_QUANTITY, {
      message: `must be a whole number from 1 to ${MAX_QUANTITY} (items in an order)`,
    }),
  }),
  z.strictObject({ dist: z.literal('exponential'), mean: upTo(MAX_QUANTITY, 'items on average') }),
  // Items are whole numbers of at least 1, so their mean is too; with it the spread of the
  // logarithm, ln(1 + sd²/mean²), stays finite.
  z.strictObject({
    dist: z.literal('lognormal'),
    mean: between(1, MAX_QUANTITY, 'items on average'),
    sd: upTo(MAX_QUANTITY, 'standard deviation of items'),
  }),
  z.strictObject({
    dist: z.literal('geometric'),
    mean: between(1, MAX_QUANTITY, 'items on average'),
  }),
]);

/** The longest lifecycle delay: four weeks, in minutes (a hold or a hand-over past it is a lost order, not a delay). */
const MAX_LIFECYCLE_MINUTES = 28 * 24 * 60;

const minutesRange = z
  .tuple([
    between(0, MAX_LIFECYCLE_MINUTES, 'minutes'),
    between(0, MAX_LIFECYCLE_MINUTES, 'minutes'),
  ])
  .refine(([a, b]) => a <= b, { message: 'must be [shortest, longest] minutes' });

const lifecycleSchema = z.strictObject({
  cancelShare: share.optional(),
  cancelAfterMinutes: minutesRange.optional(),
  holdShare: share.optional(),
  holdAfterMinutes: minutesRange.optional(),
  holdMinutes: minutesRange.optional(),
  handoverDelayMinutes: minutesRange.optional(),
});

const LOCAL_HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;
const ISO_DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

export const scenarioSchema = z.strictObject({
  name: z.string().min(1, 'must be a non-empty string'),
  description: z.string().optional(),
  start: timeSchema,
  durationHours: z
    .number()
    .refine((n) => Number.isFinite(n) && n > 0 && n <= YEAR_HOURS, {
      message: 'must be a positive number of hours, at most a year',
    })
    .optional(),
  days: z
    .number()
    .refine((n) => Number.isFinite(n) && n > 0 && n * 24 <= YEAR_HOURS, {
      message: 'must be a positive number of days, at most a year',
    })
    .optional(),
  calendar: calendarSchema.optional(),
  lines: z.array(lineSchema).min(1, 'must list at least one line').optional(),
  products: dictSchema(z.string().min(1), productSchema).optional(),
  policy: dictSchema(z.string(), z.unknown()).optional(),
  arrivals: z.strictObject({
    perHour: z.union([
      z.number().min(0, 'must be 0 or more orders per hour'),
      z
        .array(z.number().min(0, 'must be 0 or more orders per hour'))
        .length(24, 'must list 24 hourly rates (00:00 to 23:00 lab time)'),
    ]),
  }),
  load: z
    .strictObject({
      weekday: z
        .array(z.number().min(0, 'must be a factor of 0 or more'))
        .length(7, 'must list 7 factors, Monday first')
        .optional(),
      holiday: z
        .strictObject({
          date: z.string().regex(ISO_DATE, 'must be a date, yyyy-MM-dd'),
          peak: z.number().min(0, 'must be a factor of 0 or more'),
          rushPeak: z.number().min(0, 'must be a factor of 0 or more').optional(),
          rampDays: z.number().refine((n) => Number.isInteger(n) && n >= 1 && n <= 366, {
            message: 'must be a whole number of days from 1 to 366',
          }),
        })
        .optional(),
    })
    .optional(),
  mix: z.strictObject({
    products: dictSchema(z.string().min(1), weight).refine(
      (w) => Object.values(w).some((v) => v > 0),
      {
        message: 'must give a positive weight to at least one product',
      },
    ),
    tiers: weights(['key', 'special', 'regular']),
    quantity: dictSchema(z.string().min(1), quantitySchema),
    rush: z.strictObject({
      share,
      urgency: weights(['immediate', 'half-day', 'same-day', 'next-day']),
      companyShare: share,
      causes: weights(['missing', 'damaged', 'rework']),
    }),
    pickupShare: share.optional(),
    pickupLeadHours: z
      .tuple([upTo(YEAR_HOURS, 'hours'), upTo(YEAR_HOURS, 'hours')])
      .refine(([a, b]) => a <= b, { message: 'must be [shortest, longest] hours' })
      .optional(),
    clients: z.strictObject({
      count: z.number().refine((n) => Number.isInteger(n) && n >= 1 && n <= MAX_CLIENTS, {
        message: `must be a whole number from 1 to ${MAX_CLIENTS} clients`,
      }),
      habitualShare: share,
      habitualWeight: positive('orders of a habitual client per order of another').optional(),
      habitualRushShare: share.optional(),
      propensitySpread: z
        .number()
        .min(0, 'must be 0 or more')
        .max(10, 'must be at most 10')
        .optional(),
    }),
  }),
  capacityEvents: z
    .array(
      z.strictObject({
        at: z.union([z.string().regex(LOCAL_HHMM), timeSchema]),
        line: z.string().min(1, 'must be a line id'),
        unitsPerHour: unitsPerHourSchema,
      }),
    )
    .optional(),
  warmupHours: z.number().min(0, 'must be 0 or more hours').optional(),
  warmUpDays: z.number().min(0, 'must be 0 or more days').optional(),
  lifecycle: lifecycleSchema.optional(),
});

const entries = <K extends string>(w: Partial<Record<K, number | undefined>>): [K, number][] => {
  const list = Object.entries(w).filter(([, v]) => (v as number) > 0) as [K, number][];
  const sum = list.reduce((a, [, v]) => a + v, 0);
  return list.map(([k, v]) => [k, v / sum]);
};

/** Validates a scenario and fills in its defaults; throws `ValidationError` listing every problem. */
export function parseScenario(input: unknown): ResolvedScenario {
  const r = check(scenarioSchema, input);
  if (!r.ok) throw new ValidationError(r.issues, 'scenario');
  const s = r.value;
  const issues: ValidationIssue[] = [];

  // The lab itself is checked by the engine's own configuration rules.
  let products: Record<string, ProductSpec> = {};
  let lines: LineSpec[] = [];
  try {
    const cfg = resolveConfig({
      calendar: s.calendar,
      lines: s.lines,
      products: s.products,
      policy: s.policy,
    });
    products = cfg.products;
    lines = cfg.lines;
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    issues.push(...error.issues);
  }
  const calendar = s.calendar ?? (defaultCalendar as CalendarSpec);
  if ((s.durationHours === undefined) === (s.days === undefined))
    issues.push({
      path: 'durationHours',
      message: `give durationHours or days, one of them; received ${s.days === undefined ? 'neither' : 'both'}`,
    });
  if (s.warmupHours !== undefined && s.warmUpDays !== undefined)
    issues.push({ path: 'warmUpDays', message: 'give warmupHours or warmUpDays, not both' });
  const durationHours = s.durationHours ?? (s.days ?? 1) * 24;
  const warmupHours = s.warmupHours ?? (s.warmUpDays ?? 0) * 24;
  let holiday: ResolvedLoad['holiday'] = null;
  if (s.load?.holiday) {
    const [y, m, d] = s.load.holiday.date.split('-').map(Number) as [number, number, number];
    const utc = Date.UTC(y, m - 1, d);
    if (new Date(utc).getUTCDate() !== d)
      issues.push({
        path: 'load.holiday.date',
        message: `must be a real date, received '${s.load.holiday.date}'`,
      });
    holiday = {
      day: utc / MS_PER_DAY,
      peak: s.load.holiday.peak,
      rampDays: s.load.holiday.rampDays,
      rushPeak: s.load.holiday.rushPeak ?? 1,
    };
  }
  if (s.start + durationHours * MS_PER_HOUR > MAX_MS) {
    const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
    issues.push({
      path: 'durationHours',
      message: `must end by ${iso(MAX_MS)}, the end of the times the engine works in; the scenario starts at ${iso(s.start)}`,
    });
  }
  const made = new Set(lines.flatMap((l) => l.products));
  for (const [product, w] of Object.entries(s.mix.products)) {
    if (w <= 0 || lines.length === 0) continue;
    if (!Object.hasOwn(products, product)) {
      issues.push({
        path: `mix.products.${product}`,
        message: `must be a product of the catalog (${Object.keys(products).join(', ')}), received '${product}'`,
      });
    } else if (!made.has(product)) {
      issues.push({ path: `mix.products.${product}`, message: 'no line makes this product' });
    }
    if (!Object.hasOwn(s.mix.quantity, product)) {
      issues.push({
        path: `mix.quantity.${product}`,
        message: `is required: product '${product}' has a positive weight in mix.products`,
      });
    }
  }
  const capacityEvents: ResolvedScenario['capacityEvents'] = [];
  (s.capacityEvents ?? []).forEach((e, i) => {
    if (lines.length > 0 && !lines.some((l) => l.id === e.line)) {
      issues.push({
        path: `capacityEvents.${i}.line`,
        message: `must be one of the lines (${lines.map((l) => l.id).join(', ')}), received '${e.line}'`,
      });
    }
    let at: number;
    if (typeof e.at === 'string') {
      const [h, m] = e.at.split(':').map(Number) as [number, number];
      at = DateTime.fromMillis(s.start, { zone: calendar.zone })
        .set({ hour: h, minute: m, second: 0, millisecond: 0 })
        .toMillis();
    } else {
      at = e.at;
    }
    capacityEvents.push({ at, line: e.line, unitsPerHour: e.unitsPerHour });
  });
  capacityEvents.sort((a, b) => a.at - b.at);
  if (issues.length > 0) throw new ValidationError(issues, 'scenario');

  const perHour =
    typeof s.arrivals.perHour === 'number'
      ? Array.from({ length: 24 }, () => s.arrivals.perHour as number)
      : [...s.arrivals.perHour];
  return {
    name: s.name,
    description: s.description ?? '',
    start: s.start,
    durationHours,
    calendar: structuredClone(calendar),
    lines,
    ...(s.products ? { products: s.products } : {}),
    policy: (s.policy ?? {}) as PolicyInput,
    perHour,
    load: { weekday: s.load?.weekday ? [...s.load.weekday] : [1, 1, 1, 1, 1, 1, 1], holiday },
    mix: {
      products: entries(s.mix.products),
      tiers: entries(s.mix.tiers),
      quantity: s.mix.quantity,
      rush: {
        share: s.mix.rush.share,
        urgency: entries(s.mix.rush.urgency),
        companyShare: s.mix.rush.companyShare,
        causes: entries(s.mix.rush.causes),
      },
      pickupShare: s.mix.pickupShare ?? 0,
      pickupLeadHours: s.mix.pickupLeadHours ?? [4, 24],
      clients: {
        count: s.mix.clients.count,
        habitualShare: s.mix.clients.habitualShare,
        habitualWeight: s.mix.clients.habitualWeight ?? 5,
        habitualRushShare: s.mix.clients.habitualRushShare ?? 0.6,
        propensitySpread: s.mix.clients.propensitySpread ?? 0,
      },
    },
    capacityEvents,
    warmupHours,
    lifecycle: s.lifecycle
      ? {
          cancelShare: s.lifecycle.cancelShare ?? 0,
          cancelAfterMinutes: s.lifecycle.cancelAfterMinutes ?? [0, 240],
          holdShare: s.lifecycle.holdShare ?? 0,
          holdAfterMinutes: s.lifecycle.holdAfterMinutes ?? [0, 60],
          holdMinutes: s.lifecycle.holdMinutes ?? [30, 240],
          handoverDelayMinutes: s.lifecycle.handoverDelayMinutes ?? [0, 0],
        }
      : null,
    source: structuredClone(input) as Scenario,
  };
}

/** Whether a scenario has already been through `parseScenario`. */
export function isResolvedScenario(s: Scenario | ResolvedScenario): s is ResolvedScenario {
  return 'source' in s && 'perHour' in s;
}

/** Like `parseScenario`, but returns `{ success, data }` or `{ success, error }` instead of throwing. */
export function safeParseScenario(input: unknown): SafeResult<ResolvedScenario> {
  try {
    return { success: true, data: parseScenario(input) };
  } catch (error) {
    if (error instanceof ValidationError) return { success: false, error };
    throw error;
  }
}
