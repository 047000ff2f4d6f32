/** Orders for the unit tests, on Tuesday 2026-11-24 in Shanghai (a working day of the default calendar). */
import type { Order } from '../../src/index.js';

/** Epoch ms of a Shanghai wall-clock time on Tuesday 2026-11-24. */
export const T = (hhmm: string): number => Date.parse(`2026-11-24T${hhmm}:00+08:00`);

let n = 0;
/** A fresh regular-tier print order of 10 uploaded at 08:00, with `over` laid on top; ids never repeat within a test file. */
export function order(over: Partial<Order> = {}): Order {
  n++;
  return {
    id: `o${n}`,
    clientId: `c${n}`,
    tier: 'regular',
    product: 'print',
    quantity: 10,
    uploadedAt: T('08:00'),
    ...over,
  };
}
