/**
 * The common hand-over checked without zod: a plain object with `via` and, when given, a
 * `reference` and a number of `shortItems`, each of its kind. It answers exactly what
 * `handoverSchema` would (the same fields, in the same order), or `undefined` whenever the
 * input is anything else, and then zod decides and explains. So the fast path can never accept
 * what the schema rejects; a property test holds the two to that.
 */
import { isPlain } from './fast-order.js';
import type { Handover } from './types.js';

export function fastHandover(input: unknown): Handover | undefined {
  if (!isPlain(input)) return undefined;
  const o = input;
  // Every enumerable key, own or inherited, is a field of a hand-over holding a value, as zod's
  // strict object asks (a known key holding `undefined` is left to zod, which keeps it).
  for (const k in o) {
    if (k !== 'via' && k !== 'reference' && k !== 'shortItems') return undefined;
    if (!Object.hasOwn(o, k) || o[k] === undefined) return undefined;
  }
  const { via, reference, shortItems } = o;
  if (via !== 'ship' && via !== 'pickup') return undefined;
  const out: Handover = { via };
  if ('reference' in o) {
    if (typeof reference !== 'string') return undefined;
    out.reference = reference;
  }
  if ('shortItems' in o) {
    if (typeof shortItems !== 'number' || !Number.isInteger(shortItems) || shortItems < 0)
      return undefined;
    out.shortItems = shortItems;
  }
  return out;
}
