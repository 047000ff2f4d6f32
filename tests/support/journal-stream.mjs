/**
 * The calls of a journal test stream, from a seed: the stream's submissions, batches and
 * capacity changes, and after each of them one production step on the print line (start the
 * next order, or finish the one in production). Every call is one journal entry. Shared by the
 * child process and the tests that rebuild its run without interruption.
 *
 * The hostile stream (issue 16) is the same stream on a lab with a line called `__proto__` and a
 * product called `constructor`, made of calls that every scheduler must accept and decide:
 * clients and orders named `__proto__`, `constructor`, `toString`, …, and values at the limits
 * (uploads on the first instant of the time window, ship-by dates on its last, an order of the
 * largest quantity of the smallest product, a line at the smallest and at the largest rate, and
 * the last part of the stream moved to November 2199).
 */
import fc from 'fast-check';
import {
  MAX_QUANTITY,
  MAX_UNITS_PER_HOUR,
  MIN_UNITS_PER_HOUR,
  MIN_UNITS_PER_ITEM,
} from '../../dist/domain/limits.js';
import { arbitraries } from '../../dist/testing/index.js';
import { MAX_MS, MIN_MS } from '../../dist/time/units.js';
import { busyLab } from './labs-data.mjs';

/**
 * The busy lab with hostile names: its gifts line is called `__proto__`, and the print line also
 * makes a product called `constructor`, of the smallest size an item may have.
 */
export const hostileLab = {
  lines: [
    { id: 'print', products: ['print', 'constructor'], unitsPerHour: 40 },
    { id: '__proto__', products: ['album', 'crystal', 'frame'], unitsPerHour: 10 },
  ],
  products: { constructor: { unitsPerItem: MIN_UNITS_PER_ITEM } },
  policy: {
    ...busyLab.policy,
    rush: { ...busyLab.policy.rush, smallQuantity: { constructor: 5 } },
    reworkSlaHours: { constructor: 24 },
  },
};

/** The lab a stream runs on. */
export function labOf(options = {}) {
  return options.hostile ? hostileLab : busyLab;
}

export function streamCalls(seed, options = {}) {
  const lab = labOf(options);
  // The hostile stream has three clients, who rush often: each soon rushes habitually, so that
  // every rush decision depends on their history.
  const mix = options.hostile ? { clients: 3, rushShare: 0.4 } : {};
  const [drawn] = fc.sample(
    arbitraries.orderStreams(lab, {
      maxOrders: 120,
      capacityChanges: true,
      maxGapMinutes: 20,
      ...mix,
    }),
    { seed, numRuns: 1 },
  );
  const stream = options.hostile ? hostile(drawn) : drawn;
  const calls = [];
  for (const item of stream) {
    if ('order' in item) calls.push({ kind: 'submit', at: item.at, order: item.order });
    else if ('batch' in item) calls.push({ kind: 'submitBatch', at: item.at, orders: item.batch });
    else calls.push({ kind: 'setCapacity', at: item.at, ...item.capacity });
    calls.push({ kind: 'produce', at: item.at });
  }
  return calls;
}

/** The clients of the stream (`c0` to `c2`), renamed. */
const CLIENTS = ['__proto__', 'constructor', 'toString'];
/** Where in the stream, as a share of its items, each extreme call is made. */
const AT = { slowGifts: 0.2, giftsBack: 0.25, largest: 0.3, fastPrint: 0.45, lastMonth: 0.6 };

/** The stream made hostile: every change keeps each call valid, and times increasing. */
function hostile(stream) {
  const n = stream.length;
  const where = (share) => Math.floor(share * n);
  const spare = [...arbitraries.HOSTILE_IDS];
  let shift = 0;
  const out = [];
  stream.forEach((item, i) => {
    if (i === where(AT.lastMonth)) shift = Date.UTC(2199, 10, 1, 1) - item.at;
    const at = item.at + shift;
    const extra = (x) => out.push({ at, ...x });
    if (i === where(AT.slowGifts))
      extra({ capacity: { line: '__proto__', unitsPerHour: MIN_UNITS_PER_HOUR } });
    if (i === where(AT.giftsBack)) extra({ capacity: { line: '__proto__', unitsPerHour: 10 } });
    if (i === where(AT.fastPrint))
      extra({ capacity: { line: 'print', unitsPerHour: MAX_UNITS_PER_HOUR } });
    if (i === where(AT.largest)) {
      // The largest quantity of the smallest product: a thousand units, 25 hours of printing.
      const order = {
        id: 'largest',
        clientId: CLIENTS[0],
        tier: 'regular',
        product: 'constructor',
      };
      extra({ order: { ...order, quantity: MAX_QUANTITY, uploadedAt: at } });
    }
    if (!('order' in item)) {
      out.push({ ...item, at });
      return;
    }
    const o = {
      ...item.order,
      clientId: CLIENTS[Number(item.order.clientId.slice(1))],
      uploadedAt: i % 11 === 5 ? MIN_MS : item.order.uploadedAt + shift,
    };
    if (i % 5 === 2 && spare.length > 0) o.id = spare.shift();
    if (o.shipBy !== undefined) o.shipBy = i % 3 === 0 ? MAX_MS : o.shipBy + shift;
    if (o.pickupAt !== undefined) o.pickupAt += shift;
    out.push({ at, order: o });
  });
  return out;
}

/**
 * Runs one call on a scheduler (durable or not: the answers are awaited either way) and
 * returns `{ kind, result }`. `state.busy` is the order in production on the print line.
 */
export async function runCall(s, c, state) {
  if (c.kind === 'submit') return { kind: c.kind, result: await s.submit(c.order, c.at) };
  if (c.kind === 'submitBatch')
    return { kind: c.kind, result: await s.submitBatch(c.orders, c.at) };
  if (c.kind === 'setCapacity')
    return { kind: c.kind, result: await s.setCapacity(c.line, c.unitsPerHour, c.at) };
  if (state.busy === undefined) {
    const started = (await s.next('print', c.at)) ?? null;
    state.busy = started?.orderId;
    return { kind: 'next', result: started };
  }
  const done = await s.complete(state.busy, c.at);
  state.busy = undefined;
  return { kind: 'complete', result: done };
}
