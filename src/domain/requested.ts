/**
 * The time an order asks to be made by (rules.md §3), before first uploaded, first made: the
 * standard turnaround of its tier from its upload, or its ship or pickup time when earlier.
 */
import { MS_PER_HOUR } from '../time/units.js';
import type { Policy } from './policy.js';
import type { NormalizedOrder } from './types.js';

/** Where a requested time comes from. */
export type RequestedSource = 'turnaround' | 'ship' | 'pickup';

export interface Requested {
  time: number;
  source: RequestedSource;
}

/** The time `order` asks for and where it comes from; a tie goes to the turnaround, then the ship time. */
export function requestedTime(order: NormalizedOrder, policy: Policy): Requested {
  let time = order.uploadedAt + policy.standardTurnaroundHours[order.tier] * MS_PER_HOUR;
  let source: RequestedSource = 'turnaround';
  if (order.shipBy !== undefined && order.shipBy < time) {
    time = order.shipBy;
    source = 'ship';
  }
  if (order.pickupAt !== undefined && order.pickupAt < time) {
    time = order.pickupAt;
    source = 'pickup';
  }
  return { time, source };
}
