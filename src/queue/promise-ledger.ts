/**
 * The promise ledger of one line (rules.md §2–§3): its queued orders in production order, each
 * with its work and the coordinate of its promise, answering the questions a promise needs in
 * O(log n) without walking the queue. It is also the line's dispatch order: the order to make
 * next is its first.
 *
 * Times are working-time coordinates of the line's calendar (`WorkingCalendar.coord`). `start`
 * is the coordinate at which the line can start on its queue. An order's slack is its promise
 * less the work up to and including it: started at `start`, it is on time iff its slack is at
 * least `start`. Orders already reported at risk do not count: they do not block new work.
 *
 * Orders are named by handles, small positive integers that `admit` gives and that a later
 * order may reuse once `dispatchNext` has returned them or `withdraw` taken them; 0 (`NO_ORDER`) is never an order.
 * `newPromiseLedger` (`queues.ts`) makes one.
 */
/** What places an order in production order (rules.md §2). */
export interface LedgerKey {
  /** 0 company-caused, 1 every other order. */
  cls: number;
  /** Submission sequence number: the last key of every comparison, unique per order. */
  seq: number;
  /** The promise as a time (ms), which places class-1 orders; `due` is its coordinate. */
  promise: number;
  tier: number;
  uploadedAt: number;
  id: string;
}

/** Where an order with some key would go, as the ledger stands. */
export interface Placement {
  /** How many orders would come before it. */
  ahead: number;
  /** Their work. */
  workAhead: number;
  /** The least slack of the on-time orders that would come after it (Infinity for none). */
  leastSlackBehind: number;
}

/** A position where a new order fits, and the work of the orders before it. */
export interface Fit {
  position: number;
  workAhead: number;
}

export const NO_ORDER = 0;

export interface PromiseLedger {
  /** Number of queued orders. */
  readonly length: number;
  /** Total work queued. */
  readonly totalWork: number;
  /** Queues an order with its work, the coordinate of its promise, and whether it is on time; returns its handle. */
  admit(key: LedgerKey, work: number, due: number, onTime: boolean): number;
  /** Takes the order to make next off the queue: its handle, or `NO_ORDER` when empty. */
  dispatchNext(): number;
  /**
   * Takes a queued order off the queue wherever it stands (a cancelled, held or amended order):
   * the orders after it keep their promises and only gain slack. O(log n).
   */
  withdraw(handle: number): void;
  /** Where an order with `key` (not queued) would go. */
  placeOf(key: LedgerKey): Placement;
  /** Work of the company-caused orders queued: they come before every client order. */
  companyWork(): number;
  /** Work of the orders made before any client order promised after the time `t`. */
  workPromisedBy(t: number): number;
  /** Whether every on-time order keeps its promise when the line starts on the queue at `start`. */
  onTimeFrom(start: number): boolean;
  /**
   * The on-time orders that miss their promise when the line starts at `start`, in production
   * order; they are marked at risk and no longer count as on time.
   */
  takeAtRisk(start: number): number[];
  /**
   * The 1-based position of the last on-time order whose slack is below `threshold`, or 0: a
   * new order of work `w` placed before it, with `threshold = start + w`, would make it late.
   */
  lastDelayedBy(threshold: number): number;
  /**
   * The first 0-based position at or after `from` where a new order fits before the order
   * there finishing by that order's promise, with `threshold = start + w`: where that order's
   * promise less the work ahead of it is at least `threshold`; `length` when there is none.
   */
  firstFitFrom(from: number, threshold: number): Fit;
  /** The promise of the last order in production order, or -Infinity when empty. */
  lastPromise(): number;
  /** Handles in production order: O(n). */
  inProductionOrder(): number[];
  /** The 0-based position of a queued order. */
  positionOf(handle: number): number;
  /** Every order's work changed (a capacity change): `workOf` gives each handle's new work. O(n). */
  changeWork(workOf: (handle: number) => number): void;
}
