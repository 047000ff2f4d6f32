/**
 * zod schemas of everything that crosses the public boundary. They are used there only: once
 * an input is parsed, the core works on plain typed values.
 */
import { IANAZone } from 'luxon';
import { z } from 'zod';
import { parseHHmm } from '../time/calendar.js';
import { CALENDAR_END_MS, CALENDAR_START_MS, MS_PER_DAY } from '../time/units.js';
import { ValidationError, type ValidationIssue } from './errors.js';
import {
  MAX_QUANTITY,
  MAX_UNITS_PER_HOUR,
  MAX_UNITS_PER_ITEM,
  MIN_UNITS_PER_HOUR,
  MIN_UNITS_PER_ITEM,
} from './limits.js';
import { readTime } from './time-input.js';

export const tierSchema = z.enum(['key', 'special', 'regular']);
export const urgencySchema = z.enum(['immediate', 'half-day', 'same-day', 'next-day']);
export const causeSchema = z.enum(['client', 'missing', 'damaged', 'rework']);

/** A time: epoch ms or ISO 8601 with offset; parsed to epoch ms. */
export const timeSchema = z.unknown().transform((input, ctx) => {
  const ms = readTime(input);
  if (typeof ms === 'string') {
    ctx.addIssue({ code: 'custom', message: ms });
    return z.NEVER;
  }
  return ms;
});

const nonEmpty = z.string().min(1, 'must be a non-empty string');

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;
const hhmm = z.string().regex(HHMM, 'must be a time of day HH:mm (00:00 to 24:00)');

/** The first and last dates an exception may name: the dates of the calendar's window. */
const FIRST_EXCEPTION_DATE = new Date(CALENDAR_START_MS).toISOString().slice(0, 10);
const LAST_EXCEPTION_DATE = new Date(CALENDAR_END_MS - MS_PER_DAY).toISOString().slice(0, 10);

/** The problem with an exception's date, or undefined when it is a real date within the window. */
function dateProblem(v: unknown): string | undefined {
  const expected = `must be a date YYYY-MM-DD from ${FIRST_EXCEPTION_DATE} to ${LAST_EXCEPTION_DATE}`;
  if (typeof v !== 'string') return `${expected}, received ${shown(v)}`;
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  const ms = m ? Date.UTC(+(m[1] as string), +(m[2] as string) - 1, +(m[3] as string)) : Number.NaN;
  // Date.UTC rolls 02-30 over into March: a real date reads back as itself.
  if (!m || Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== v)
    return `${expected}, received ${shown(v)} (not a calendar date)`;
  if (v < FIRST_EXCEPTION_DATE || v > LAST_EXCEPTION_DATE)
    return `${expected} (the years the calendar supports), received ${shown(v)}`;
  return undefined;
}

/**
 * The problems of one calendar exception, each with the path of its field within it: an
 * exception is `{ date, closed: true }` (a closed day) or `{ date, open, close }` (a half day,
 * overtime). Checked by hand, field by field, so that every problem is listed together with
 * those of the other exceptions (duplicates included), not only the first zod stops at.
 */
function exceptionProblems(x: unknown): { path: (string | number)[]; message: string }[] {
  if (x === null || typeof x !== 'object' || Array.isArray(x))
    return [
      {
        path: [],
        message: `expected { date, closed: true } or { date, open, close }, received ${Array.isArray(x) ? 'an array' : shown(x)}`,
      },
    ];
  const out: { path: (string | number)[]; message: string }[] = [];
  const o = x as Record<string, unknown>;
  const extra = Object.keys(o).filter((k) => !['date', 'closed', 'open', 'close'].includes(k));
  if (extra.length > 0)
    out.push({
      path: [],
      message: `unknown field${extra.length > 1 ? 's' : ''} ${extra.map((k) => `'${k}'`).join(', ')}`,
    });
  const problem = dateProblem(o.date);
  if (problem !== undefined) out.push({ path: ['date'], message: problem });
  const has = (k: string) => Object.hasOwn(o, k) && o[k] !== undefined;
  if (has('closed')) {
    if (o.closed !== true)
      out.push({
        path: ['closed'],
        message: `must be true (a closed day) or left out, received ${JSON.stringify(o.closed) ?? shown(o.closed)}`,
      });
    for (const f of ['open', 'close'])
      if (has(f))
        out.push({
          path: [f],
          message:
            'must be left out on a closed day (closed: true): a day with hours has open and close',
        });
    return out;
  }
  for (const f of ['open', 'close'] as const) {
    if (!has(f))
      out.push({
        path: [f],
        message: `is required: an exception is { date, closed: true } or { date, open, close }, received no ${f}`,
      });
    else if (typeof o[f] !== 'string' || !HHMM.test(o[f] as string))
      out.push({
        path: [f],
        message: `must be a time of day HH:mm (00:00 to 24:00), received ${shown(o[f])}`,
      });
  }
  const open = o.open;
  const close = o.close;
  if (open === '24:00')
    out.push({ path: ['open'], message: 'must be before 24:00, received "24:00"' });
  else if (
    typeof open === 'string' &&
    typeof close === 'string' &&
    HHMM.test(open) &&
    HHMM.test(close) &&
    parseHHmm(close) <= parseHHmm(open)
  )
    out.push({ path: ['close'], message: `must be later than open (${open}), received ${close}` });
  return out;
}

/** `calendar.exceptions`: every exception valid, each date once. */
const exceptionsSchema = z
  .array(z.unknown())
  .superRefine((xs, ctx) => {
    const seen = new Map<unknown, number>();
    xs.forEach((x, i) => {
      for (const p of exceptionProblems(x))
        ctx.addIssue({ code: 'custom', path: [i, ...p.path], message: p.message });
      const date = (x as { date?: unknown } | null)?.date;
      if (typeof date !== 'string') return;
      const first = seen.get(date);
      if (first !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: [i, 'date'],
          message: `must be unique, ${date} is also exception ${first}`,
        });
      else seen.set(date, i);
    });
  })
  .transform((xs) =>
    xs.map((x) => {
      const o = x as { date: string; closed?: true; open?: string; close?: string };
      return o.closed === true
        ? { date: o.date, closed: true as const }
        : { date: o.date, open: o.open as string, close: o.close as string };
    }),
  );

export const calendarSchema = z
  .strictObject({
    zone: z.string().refine((zone) => IANAZone.isValidZone(zone), {
      message: 'must be an IANA zone name such as Asia/Shanghai',
    }),
    open: hhmm,
    close: hhmm,
    days: z
      .array(
        z
          .number()
          .int()
          .min(1, 'must be ISO weekdays 1 to 7')
          .max(7, 'must be ISO weekdays 1 to 7'),
      )
      .min(1, 'must list at least one working weekday')
      .refine((d) => new Set(d).size === d.length, { message: 'must not repeat a weekday' }),
    exceptions: exceptionsSchema.optional(),
  })
  .superRefine((cal, ctx) => {
    if (
      HHMM.test(cal.open) &&
      HHMM.test(cal.close) &&
      parseHHmm(cal.close) <= parseHHmm(cal.open)
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['close'],
        message: `must be later than open (${cal.open}), received ${cal.close}`,
      });
    }
    if (cal.open === '24:00')
      ctx.addIssue({ code: 'custom', path: ['open'], message: 'must be before 24:00' });
  });

/** How a received value reads in a message. */
function shown(v: unknown): string {
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  return v === null ? 'null' : v === undefined ? 'nothing' : typeof v;
}

/** The message for a value outside [min, max] (a non-number included), or undefined when it is in. */
export function rangeProblem(
  v: unknown,
  min: number,
  max: number,
  unit: string,
): string | undefined {
  if (typeof v === 'number' && v >= min && v <= max) return undefined;
  return `must be from ${min} to ${max} ${unit}, received ${shown(v)}`;
}

/** A number within the limits of `limits.ts`; the message says the range, the unit and what came. */
export const between = (min: number, max: number, unit: string) =>
  z.unknown().transform((v, ctx) => {
    const problem = rangeProblem(v, min, max, unit);
    if (problem === undefined) return v as number;
    ctx.addIssue({ code: 'custom', message: problem });
    return z.NEVER;
  });

/** A line's rate (`lines[].unitsPerHour`, `setCapacity`). */
export const UNITS_PER_HOUR = 'units per working hour';
export const unitsPerHourSchema = between(MIN_UNITS_PER_HOUR, MAX_UNITS_PER_HOUR, UNITS_PER_HOUR);

export const lineSchema = z.strictObject({
  id: nonEmpty,
  products: z.array(nonEmpty).min(1, 'must list at least one product'),
  unitsPerHour: unitsPerHourSchema,
});

export const productSchema = z.strictObject({
  unitsPerItem: between(MIN_UNITS_PER_ITEM, MAX_UNITS_PER_ITEM, 'units of work per item'),
});

export const rushRequestSchema = z
  .strictObject({
    urgency: urgencySchema.optional(),
    cause: causeSchema.default('client'),
    reason: z.string().optional(),
    responsible: z.string().optional(),
    forOrder: nonEmpty.optional(),
  })
  .superRefine((rush, ctx) => {
    if (rush.forOrder !== undefined && rush.cause !== 'missing') {
      ctx.addIssue({
        code: 'custom',
        path: ['forOrder'],
        message: `names the delivered order whose missing items a 'missing' rush reissues; this rush's cause is '${rush.cause}'`,
      });
    }
    if (rush.cause === 'client' && rush.urgency === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['urgency'],
        message: 'is required for a client rush (immediate, half-day, same-day or next-day)',
      });
    }
  });

/** What `deliver` is told about a hand-over (`Handover`). */
export const handoverSchema = z.strictObject({
  via: z.enum(['ship', 'pickup']),
  reference: z.string().optional(),
  shortItems: z
    .number()
    .int('must be a whole number of items')
    .min(0, 'must be 0 or more items')
    .optional(),
});

export const orderSchema = z.strictObject({
  id: nonEmpty,
  clientId: nonEmpty,
  tier: tierSchema,
  product: nonEmpty,
  quantity: z
    .number()
    .int('must be a whole number of items')
    .min(1, 'must be at least 1')
    .max(MAX_QUANTITY, {
      error: (issue) => `must be at most ${MAX_QUANTITY} items, received ${shown(issue.input)}`,
    }),
  uploadedAt: timeSchema,
  shipBy: timeSchema.optional(),
  pickupAt: timeSchema.optional(),
  rush: rushRequestSchema.optional(),
  line: nonEmpty.optional(),
});

/**
 * What `amend` may change of a queued or held order: its quantity, ship time or pickup time,
 * each validated as the order's own field is. An amendment that changes nothing is refused.
 */
export const amendSchema = orderSchema
  .pick({ quantity: true, shipBy: true, pickupAt: true })
  .partial()
  .refine((c) => c.quantity !== undefined || c.shipBy !== undefined || c.pickupAt !== undefined, {
    message: 'must set at least one of quantity, shipBy, pickupAt',
  });

/** Messages for zod's own issue kinds, in the engine's voice. */
function errorMap(issue: {
  code?: string;
  input?: unknown;
  expected?: unknown;
  values?: unknown[];
  keys?: string[];
  discriminator?: string;
  options?: unknown[];
}) {
  if (issue.code === 'invalid_union' && issue.discriminator && issue.options) {
    const got = (issue.input as Record<string, unknown> | undefined)?.[issue.discriminator];
    return `must be one of ${issue.options.map((v) => `'${String(v)}'`).join(', ')}, received ${got === undefined ? 'nothing' : JSON.stringify(got)}`;
  }
  if (issue.code === 'invalid_type') {
    if (issue.input === undefined) return 'is required';
    // zod's number refuses Infinity and NaN as of the wrong type; they are numbers out of range.
    if (issue.expected === 'number' && typeof issue.input === 'number')
      return `must be a finite number, received ${issue.input}`;
    return `expected ${String(issue.expected)}, received ${issue.input === null ? 'null' : typeof issue.input}`;
  }
  if (issue.code === 'invalid_value' && issue.values) {
    return `must be one of ${issue.values.map((v) => `'${String(v)}'`).join(', ')}, received ${JSON.stringify(issue.input)}`;
  }
  if (issue.code === 'unrecognized_keys' && issue.keys) {
    return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `'${k}'`).join(', ')}`;
  }
  return undefined;
}

/** Turns zod's issues into `{ path, message }` with a dotted path, prefixed by `base`. */
export function toIssues(
  error: z.ZodError,
  base: readonly (string | number)[] = [],
): ValidationIssue[] {
  return error.issues.map((issue) => ({
    path: [...base, ...issue.path].map(String).join('.'),
    message: issue.message,
  }));
}

/** Parses with a schema and answers either the value or the issues (never throws). */
export function check<S extends z.ZodType>(
  schema: S,
  input: unknown,
  base: readonly (string | number)[] = [],
): { ok: true; value: z.output<S> } | { ok: false; issues: ValidationIssue[] } {
  const result = schema.safeParse(input, { error: errorMap as never });
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, issues: toIssues(result.error, base) };
}

/** Parses with a schema or throws `ValidationError`. */
export function parseOrThrow<S extends z.ZodType>(
  schema: S,
  input: unknown,
  context: string,
  base: readonly (string | number)[] = [],
): z.output<S> {
  const r = check(schema, input, base);
  if (!r.ok) throw new ValidationError(r.issues, context);
  return r.value;
}
