/**
 * The simulator's event calendar: every future event of a run in one binary heap (tinyqueue),
 * so that finding the next event costs O(log n) in the events pending, not a scan of every
 * line: a lab of fifty lines costs per event about what a lab of five does.
 */
import TinyQueue from 'tinyqueue';

/**
 * What can happen, in the order things happen at the same instant: lines finish first, then
 * capacity changes, then orders arrive (the lab works to the plan: it clears what is done
 * before it takes in what is new). The order lifecycle (`Scenario.lifecycle`) comes after
 * the arrivals, so that at one instant an order arrives before it can be cancelled: cancels,
 * then holds, then releases, then hand-overs after a delay.
 */
export const EventKind = {
  finish: 0,
  capacity: 1,
  arrival: 2,
  cancel: 3,
  hold: 4,
  release: 5,
  handover: 6,
} as const;
export type EventKind = (typeof EventKind)[keyof typeof EventKind];

export interface SimEvent {
  at: number;
  kind: EventKind;
  /**
   * Order among events of one kind at the same instant: the line's index for a finish, the
   * index in the scenario's list for an arrival or a capacity change, the order's index among
   * the arrivals for a lifecycle event.
   */
  rank: number;
  /**
   * For a finish: the line's version when the finish was planned. A capacity change moves the
   * finish of the order in production; the line's version then moves on, and the finish
   * planned before it is stale and skipped when it comes up.
   */
  version: number;
}

const before = (a: SimEvent, b: SimEvent): number =>
  a.at - b.at || a.kind - b.kind || a.rank - b.rank;

export class EventCalendar {
  private readonly heap = new TinyQueue<SimEvent>([], before);

  schedule(at: number, kind: EventKind, rank: number, version = 0): void {
    this.heap.push({ at, kind, rank, version });
  }

  /** The next event, taken off the calendar; undefined when nothing is left to happen. */
  next(): SimEvent | undefined {
    return this.heap.pop();
  }

  /** The next event, left on the calendar. */
  peek(): SimEvent | undefined {
    return this.heap.peek();
  }

  get size(): number {
    return this.heap.length;
  }
}
