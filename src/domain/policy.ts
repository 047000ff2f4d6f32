/**
 * The rush policy: every number of rules.md §6, validated with zod. `parsePolicy` takes a
 * partial policy, lays it over `defaultPolicy` and returns a complete, frozen one.
 */
import { z } from 'zod';
import { ValidationError } from './errors.js';
import { dict, dictSchema, own } from './keyed.js';
import { check } from './schemas.js';
import type { Tier } from './types.js';

/** A complete rush policy. Every field is configuration; the defaults are the lab's. */
export interface Policy {
  /** Hours after upload by which a non-rush order is due, per tier. @default { key: 24, special: 36, regular: 48 } */
  standardTurnaroundHours: Record<Tier, number>;
  rush: {
    /** Working minutes added to the earliest possible finish of an `immediate` rush. @default 60 */
    immediateBufferMinutes: number;
    /** Working hours of a `half-day` rush. @default 4 */
    halfDayHours: number;
    /** Latest local time (`HH:mm`) a `same-day` rush can be asked for. @default '16:00' */
    sameDayCutoff: string;
    /** Share of a line's daily capacity that accepted client rushes may use. @default 0.25 */
    quotaShare: number;
    /** Extra share reserved for key clients on top of `quotaShare`. @default 0.10 */
    keyReserveShare: number;
    /** A line is tight when the work promised for the rest of today is at least this share of today's remaining capacity. @default 0.8 */
    tightLoad: number;
    /** Accepted client rushes within the window that make a client a habitual rusher. @default 4 */
    frequentRushCount: number;
    /** The window, in days, for `frequentRushCount`. @default 30 */
    frequencyWindowDays: number;
    /** The largest quantity per product that is a small rush. @default { print: 100, album: 2, crystal: 5, frame: 5 } */
    smallQuantity: Record<string, number>;
  };
  /** Rework deadlines per product: hours after registration, or `'same-day'` (the close of the working day). @default { print: 'same-day', album: 24, crystal: 48, frame: 48 } */
  reworkSlaHours: Record<string, number | 'same-day'>;
}

/** A partial policy: any field left out takes its default. */
export type PolicyInput = {
  standardTurnaroundHours?: Partial<Record<Tier, number>>;
  rush?: Partial<Omit<Policy['rush'], 'smallQuantity'>> & {
    smallQuantity?: Record<string, number>;
  };
  reworkSlaHours?: Record<string, number | 'same-day'>;
};

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** The lab's default policy (rules.md §6). */
export const defaultPolicy: Readonly<Policy> = deepFreeze({
  standardTurnaroundHours: { key: 24, special: 36, regular: 48 },
  rush: {
    immediateBufferMinutes: 60,
    halfDayHours: 4,
    sameDayCutoff: '16:00',
    quotaShare: 0.25,
    keyReserveShare: 0.1,
    tightLoad: 0.8,
    frequentRushCount: 4,
    frequencyWindowDays: 30,
    smallQuantity: { print: 100, album: 2, crystal: 5, frame: 5 },
  },
  reworkSlaHours: { print: 'same-day', album: 24, crystal: 48, frame: 48 },
});

const SHARE = 'must be between 0 and 1';
const share = z.number().min(0, SHARE).max(1, SHARE);
const hours = z
  .number()
  .refine((n) => Number.isFinite(n) && n > 0, { message: 'must be a positive number of hours' });
const count = (what: string) =>
  z.number().int(`must be a whole number (${what})`).min(1, `must be at least 1 (${what})`);

const policySchema = z
  .strictObject({
    standardTurnaroundHours: z.strictObject({ key: hours, special: hours, regular: hours }),
    rush: z.strictObject({
      immediateBufferMinutes: z
        .number()
        .min(0, 'must be 0 or more minutes')
        .refine(Number.isFinite, 'must be finite'),
      halfDayHours: hours,
      sameDayCutoff: z
        .string()
        .regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'must be a time of day HH:mm'),
      quotaShare: share,
      keyReserveShare: share,
      tightLoad: share,
      frequentRushCount: count('accepted rushes'),
      frequencyWindowDays: count('days'),
      smallQuantity: dictSchema(
        z.string(),
        z.number().int('must be a whole number of items').min(0, 'must be 0 or more items'),
      ),
    }),
    reworkSlaHours: dictSchema(
      z.string(),
      z.union([z.literal('same-day'), hours], {
        error: "must be a positive number of hours or 'same-day'",
      }),
    ),
  })
  .superRefine((p, ctx) => {
    if (p.rush.quotaShare + p.rush.keyReserveShare > 1 + 1e-12) {
      ctx.addIssue({
        code: 'custom',
        path: ['rush', 'keyReserveShare'],
        message: `must leave quotaShare + keyReserveShare at most 1, received ${p.rush.quotaShare} + ${p.rush.keyReserveShare}`,
      });
    }
  });

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Lays `input` over `base`, object by object; arrays and scalars replace. Every own key of the
 * input is laid, `__proto__` included: the schema then names a key the policy does not have
 * (`unknown field '__proto__'`) and keeps a product called so in the per-product tables.
 */
function overlay(base: unknown, input: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(input)) return input === undefined ? base : input;
  const out = dict(Object.entries(base));
  for (const [k, v] of Object.entries(input)) out[k] = overlay(own(base, k), v);
  return out;
}

/**
 * Parses a partial policy over `defaultPolicy`. Throws `ValidationError` listing every problem
 * (e.g. `rush.quotaShare: must be between 0 and 1`).
 */
export function parsePolicy(input: unknown = {}): Policy {
  if (input !== undefined && !isPlainObject(input)) {
    throw new ValidationError(
      [
        {
          path: '',
          message: `expected a policy object, received ${Array.isArray(input) ? 'an array' : typeof input}`,
        },
      ],
      'policy',
    );
  }
  const r = check(policySchema, overlay(structuredClone(defaultPolicy), input ?? {}));
  if (!r.ok) throw new ValidationError(r.issues, 'policy');
  return deepFreeze(r.value as Policy);
}

/** Like `parsePolicy`, but answers a result instead of throwing. */
export function safeParsePolicy(
  input: unknown = {},
): { success: true; data: Policy } | { success: false; error: ValidationError } {
  try {
    return { success: true, data: parsePolicy(input) };
  } catch (error) {
    if (error instanceof ValidationError) return { success: false, error };
    throw error;
  }
}
