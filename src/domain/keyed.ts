/**
 * Dictionaries keyed by the caller's strings: product names in the catalog and the policy,
 * client ids, line ids. A plain object is not one. It inherits `constructor`, `toString` and
 * the rest of `Object.prototype`, so `name in o` and `o[name]` answer for names nobody gave;
 * and `o['__proto__'] = v` replaces its prototype instead of storing `v`, so that entry is lost
 * (and zod's `z.record` drops a `__proto__` key for that reason). A dictionary here has no
 * prototype: every string, `__proto__` included, is an ordinary own key, and nothing else is.
 *
 * Maps the engine keeps for itself are `Map`s. These are for the places where a plain JSON
 * shape must stay: configuration, policy and snapshots.
 */
import { z } from 'zod';

/** A dictionary with no prototype holding `entries`, later entries winning. */
export function dict<T>(entries: Iterable<readonly [string, T]> = []): Record<string, T> {
  const out = Object.create(null) as Record<string, T>;
  for (const [k, v] of entries) out[k] = v;
  return out;
}

/**
 * The value stored under `key` in an object the caller may have built (so it may inherit):
 * only its own keys count.
 */
export function own<T>(d: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(d, key) ? d[key] : undefined;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * `z.record(key, value)` for caller-keyed data: every own enumerable string key is checked and
 * kept, `__proto__` too, and the answer is a `dict`. Problems are reported at the key's path,
 * as `z.record` reports them.
 */
export function dictSchema<K extends z.ZodType<string, string>, V extends z.ZodType>(
  key: K,
  value: V,
) {
  return z
    .preprocess(
      (input, ctx) => {
        if (isRecord(input)) return new Map(Object.entries(input));
        ctx.addIssue({ code: 'invalid_type', expected: 'record', input });
        return z.NEVER;
      },
      z.map(key, value),
    )
    .transform((m) => dict<z.output<V>>(m));
}
