/**
 * First uploaded, first made (rules.md §3): the queued plain orders of one line and tier, each
 * with its upload time and promise, so that a new plain order never asks ahead of one uploaded
 * before it. `newFcfsIndex` (`queues.ts`) makes one.
 */
export interface FcfsIndex {
  /** Number of orders held. */
  readonly length: number;
  /** Holds a queued plain order, named by its upload time and submission sequence number. */
  add(uploadedAt: number, seq: number, promise: number): void;
  /** Lets go of an order that left the queue. */
  remove(uploadedAt: number, seq: number): void;
  /** The latest promise among the orders uploaded strictly before `uploadedAt`, or -Infinity. */
  latestPromiseBefore(uploadedAt: number): number;
}
