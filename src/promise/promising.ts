/**
 * Promise-making on a line's ledger (rules.md §3): is a promise keepable, and what is the
 * earliest keepable one. Both are a few O(log n) descents of the ledger; neither walks the
 * queue.
 *
 * `c0` is the coordinate at which the line can start on its queue (now, or the end of the
 * order in production), `w` the new order's work, both in working milliseconds.
 */
import type { LedgerKey, PromiseLedger } from '../queue/promise-ledger.js';
import type { WorkingCalendar } from '../time/calendar.js';

/**
 * Whether an order with `key` (its promise included) and work `w` can be promised: it finishes
 * by its own promise, and every on-time order after it still does.
 */
export function keepsPromises(
  ledger: PromiseLedger,
  key: LedgerKey,
  due: number,
  w: number,
  c0: number,
): boolean {
  const place = ledger.placeOf(key);
  return c0 + place.workAhead + w <= due && place.leastSlackBehind >= c0 + w;
}

/**
 * The earliest promise, at or after `requested`, that the line can keep for a new class-1
 * order with `key` (its promise aside) without making any on-time order late
 * (available-to-promise).
 *
 * The candidates are positions k in the queue (the order placed after the first k orders).
 * Position k is possible iff k is at least the position of `requested`, no on-time order after
 * k has less slack than `c0 + w`, and the order's finish `c0 + prefix_k + w` does not pass the
 * promise of the order at k (the room test). The earliest promise at position k is then the
 * later of `requested` and that finish; it grows with k, so the first possible position gives
 * the earliest promise.
 *
 * That promise never sorts before the order at k-1: either `requested` already sorts after it,
 * or that order has too little slack or room for the new order to go first, which means the new
 * finish is after its promise. It can tie with the promise of the order at k, and then the
 * tie-break may put the new order after it: position k is then not possible, and the search
 * goes on from k+1.
 */
export function earliestPromise(
  ledger: PromiseLedger,
  calendar: WorkingCalendar,
  key: LedgerKey,
  w: number,
  requested: number,
  c0: number,
): number {
  // The candidate: the order's key with the promise being tried.
  const candidate: LedgerKey = {
    cls: key.cls,
    seq: key.seq,
    promise: requested,
    tier: key.tier,
    uploadedAt: key.uploadedAt,
    id: key.id,
  };
  let place = ledger.placeOf(candidate);
  const threshold = c0 + w;
  if (c0 + place.workAhead + w <= calendar.coord(requested) && place.leastSlackBehind >= threshold)
    return requested;

  let from = Math.max(place.ahead, ledger.lastDelayedBy(threshold));
  for (;;) {
    const fit = ledger.firstFitFrom(from, threshold);
    candidate.promise = Math.max(requested, calendar.timeAt(c0 + fit.workAhead + w));
    place = ledger.placeOf(candidate);
    if (place.ahead === fit.position) return candidate.promise;
    if (fit.position >= ledger.length) {
      // Unreachable by the argument above; kept so that a broken invariant cannot loop forever:
      // just after the last promise is always keepable.
      return Math.max(candidate.promise, ledger.lastPromise() + 1);
    }
    from = fit.position + 1;
  }
}
