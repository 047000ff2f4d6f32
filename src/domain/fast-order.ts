/**
 * The common case of order validation without zod: a plain object whose fields are all of the
 * expected kinds, with times as epoch milliseconds. It answers exactly what `orderSchema` would
 * (the same fields, in the same order), or `undefined` whenever the input is anything else, and
 * then zod decides and explains. So the fast path can never accept what the schema rejects; a
 * property test holds the two to that.
 */

import { MAX_MS, MIN_MS } from '../time/units.js';
import { MAX_QUANTITY } from './limits.js';
import type { Cause, NormalizedOrder, Urgency } from './types.js';

/** A plain object, as the fast paths take: not null, not an array, not of a class. */
export const isPlain = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype;
const text = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
const ms = (v: unknown): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= MIN_MS && v <= MAX_MS;
/**
 * Every enumerable key, own or inherited, is a field of an order, as zod's strict object asks.
 * Checked once per submitted order, so it compares against the key names with a switch (the
 * keys are internalized strings) rather than hashing each one into a set. A known key holding
 * `undefined` needs no check here: every field's own check below declines it.
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
  }
  return true;
}

/** Every own key is known and none holds `undefined` (zod keeps such keys; leave them to it). */
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
  if (tier !== 'key' && tier !== 'special' && tier !== 'regular') return undefined;
  if (
    typeof quantity !== 'number' ||
    !Number.isInteger(quantity) ||
    quantity < 1 ||
    quantity > MAX_QUANTITY
  )
    return undefined;
  if (!ms(uploadedAt)) return undefined;
  const hasShipBy = 'shipBy' in input;
  const hasPickupAt = 'pickupAt' in input;
  const hasLine = 'line' in input;
  if (hasShipBy && !ms(shipBy)) return undefined;
  if (hasPickupAt && !ms(pickupAt)) return undefined;
  if (hasLine && !text(line)) return undefined;
  const out: NormalizedOrder = {
    id,
    clientId,
    tier,
    product,
    quantity,
    uploadedAt,
  };
  if (hasShipBy) out.shipBy = shipBy as number;
  if (hasPickupAt) out.pickupAt = pickupAt as number;
  if ('rush' in input) {
    const r = fastRush(rush);
    if (r === undefined) return undefined;
    out.rush = r;
  }
  if (hasLine) out.line = line as string;
  return out;
}

type Rush = NonNullable<NormalizedOrder['rush']>;

function fastRush(rush: unknown): Rush | undefined {
  if (!isPlain(rush) || !onlyRushKeys(rush)) return undefined;
  const { urgency, cause = 'client', reason, responsible } = rush;
  if ('urgency' in rush && !isUrgency(urgency)) return undefined;
  if (!isCause(cause)) return undefined;
  if ('reason' in rush && typeof reason !== 'string') return undefined;
  if ('responsible' in rush && typeof responsible !== 'string') return undefined;
  if (cause === 'client' && urgency === undefined) return undefined;
  // Two literals rather than a spread of an optional field: zod answers `urgency` first.
  const r: Rush = urgency !== undefined ? { urgency: urgency as Urgency, cause } : { cause };
  if ('reason' in rush) r.reason = reason as string;
  if ('responsible' in rush) r.responsible = responsible as string;
  return r;
}

function isUrgency(v: unknown): v is Urgency {
  return v === 'immediate' || v === 'half-day' || v === 'same-day' || v === 'next-day';
}

function isCause(v: unknown): v is Cause {
  return v === 'client' || v === 'missing' || v === 'damaged' || v === 'rework';
}
