/**
 * The common case of order validation without zod: a plain object whose fields are all of the
 * expected kinds, with times as epoch milliseconds. It answers exactly what `orderSchema` would
 * (the same fields, in the same order), or `undefined` whenever the input is anything else, and
 * then zod decides and explains. So the fast path can never accept what the schema rejects; a
 * property test holds the two to that.
 */

import { MAX_MS, MIN_MS } from './time-input.js';
import type { NormalizedOrder } from './types.js';

const TIERS = new Set(['key', 'special', 'regular']);
const URGENCIES = new Set(['immediate', 'half-day', 'same-day', 'next-day']);
const CAUSES = new Set(['client', 'missing', 'damaged', 'rework']);

const isPlain = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype;
const text = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
const ms = (v: unknown): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= MIN_MS && v <= MAX_MS;
/**
 * Every own key is known and none holds `undefined` (zod keeps such keys; leave them to it).
 * Checked once per submitted order, so it compares against the key names with a switch (the
 * keys are internalized strings) rather than hashing each one into a set.
 */
function onlyOrderKeys(o: Record<string, unknown>): boolean {
  for (const k in o) {
    switch (k) {
      case 'id':
      case 'clientId':
      case 'tier':
      case 'product':
      case 'quantity':
      case 'uploadedAt':
      case 'shipBy':
      case 'pickupAt':
      case 'rush':
      case 'line':
        break;
      default:
        return false;
    }
    if (!Object.hasOwn(o, k) || o[k] === undefined) return false;
  }
  return true;
}

function onlyRushKeys(o: Record<string, unknown>): boolean {
  for (const k in o) {
    switch (k) {
      case 'urgency':
      case 'cause':
      case 'reason':
      case 'responsible':
        break;
      default:
        return false;
    }
    if (!Object.hasOwn(o, k) || o[k] === undefined) return false;
  }
  return true;
}

// Symbol-keyed properties need no check: zod ignores them and leaves them out of its answer,
// and the answer here is built from the known keys only (the property test puts symbols in).

export function fastOrder(input: unknown): NormalizedOrder | undefined {
  if (!isPlain(input) || !onlyOrderKeys(input)) return undefined;
  const { id, clientId, tier, product, quantity, uploadedAt, shipBy, pickupAt, rush, line } = input;
  if (!text(id) || !text(clientId) || !text(product)) return undefined;
  if (typeof tier !== 'string' || !TIERS.has(tier)) return undefined;
  if (typeof quantity !== 'number' || !Number.isSafeInteger(quantity) || quantity < 1)
    return undefined;
  if (!ms(uploadedAt)) return undefined;
  if ('shipBy' in input && !ms(shipBy)) return undefined;
  if ('pickupAt' in input && !ms(pickupAt)) return undefined;
  if ('line' in input && !text(line)) return undefined;
  const out: NormalizedOrder = {
    id,
    clientId,
    tier: tier as NormalizedOrder['tier'],
    product,
    quantity,
    uploadedAt,
  };
  if ('shipBy' in input) out.shipBy = shipBy as number;
  if ('pickupAt' in input) out.pickupAt = pickupAt as number;
  if ('rush' in input) {
    if (!isPlain(rush) || !onlyRushKeys(rush)) return undefined;
    const { urgency, cause = 'client', reason, responsible } = rush;
    if ('urgency' in rush && (typeof urgency !== 'string' || !URGENCIES.has(urgency)))
      return undefined;
    if (typeof cause !== 'string' || !CAUSES.has(cause)) return undefined;
    if ('reason' in rush && typeof reason !== 'string') return undefined;
    if ('responsible' in rush && typeof responsible !== 'string') return undefined;
    if (cause === 'client' && urgency === undefined) return undefined;
    const r: NonNullable<NormalizedOrder['rush']> = {
      ...(urgency !== undefined
        ? { urgency: urgency as NonNullable<NormalizedOrder['rush']>['urgency'] }
        : {}),
      cause: cause as NonNullable<NormalizedOrder['rush']>['cause'],
    };
    if ('reason' in rush) r.reason = reason as string;
    if ('responsible' in rush) r.responsible = responsible as string;
    out.rush = r;
  }
  if ('line' in input) out.line = line as string;
  return out;
}
