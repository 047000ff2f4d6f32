/**
 * What more than one benchmark uses: the raw heap (the yardstick of issue 4), the promise
 * ledger alone, production until the queue is empty, and the process's page-fault count.
 */
import TinyQueue from 'tinyqueue';
import type { Order, Scheduler } from '../dist/index.js';
import { NO_ORDER } from '../dist/queue/promise-ledger.js';
import { newPromiseLedger } from '../dist/queue/queues.js';
import { START } from './orders.js';

export const TIER = { key: 0, special: 1, regular: 2 } as const;

/** The yardstick: the orders through raw tinyqueue with the plain dispatch comparator. */
export function rawPushPop(orders: readonly Order[]): void {
  const q = new TinyQueue<{ cls: number; tier: number; up: number; seq: number }>(
    [],
    (a, b) => a.cls - b.cls || a.tier - b.tier || a.up - b.up || a.seq - b.seq,
  );
  orders.forEach((o, i) => {
    const company = o.rush !== undefined && o.rush.cause !== 'client';
    q.push({ cls: company ? 0 : 1, tier: TIER[o.tier], up: o.uploadedAt as number, seq: i });
  });
  while (q.length > 0) q.pop();
}

/**
 * The engine's own floor: its promise ledger alone (an order-statistics treap with subtree
 * sums), each order probed for its place, inserted, and later taken first and removed, with
 * the turnaround promise as the key. What the engine does per order beyond a heap's push and
 * pop starts here.
 */
export function ledgerAlone(orders: readonly Order[]): void {
  const ledger = newPromiseLedger();
  const hours = { key: 24, special: 36, regular: 48 } as const;
  orders.forEach((o, i) => {
    const company = o.rush !== undefined && o.rush.cause !== 'client';
    const key = {
      cls: company ? 0 : 1,
      seq: i + 1,
      promise: (o.uploadedAt as number) + hours[o.tier] * 3_600_000,
      tier: TIER[o.tier],
      uploadedAt: o.uploadedAt as number,
      id: o.id,
    };
    ledger.placeOf(key);
    ledger.admit(key, 60_000, key.promise - START, true);
  });
  while (ledger.dispatchNext() !== NO_ORDER);
}

/** Runs the print line until its queue is empty, each order finishing when projected. */
export function produceAll(s: Scheduler): void {
  let at = START;
  for (;;) {
    const started = s.next('print', at);
    if (!started) break;
    at = started.expectedFinish;
    s.complete(started.orderId, at);
  }
}

/**
 * Minor page faults of the process so far. A first touch of a page costs about 16 µs on the
 * benchmark machine, so the benchmarks say how many pages each part touched first.
 */
export const pageFaults = (): number => process.resourceUsage().minorPageFault;
