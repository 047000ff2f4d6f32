/**
 * The state of one production line: its promise ledger (which is also its dispatch order), the
 * order in production, and the per-day count of accepted client-rush units. The line's state
 * changes only through its methods: `enqueue`, `dequeue`, `withdraw`, `start`, `finish`,
 * `setRate`.
 */
import type { LineSpec, NormalizedOrder, Tier } from '../domain/types.js';
import type { FcfsIndex } from '../queue/fcfs-index.js';
import { NO_ORDER, type PromiseLedger } from '../queue/promise-ledger.js';
import { newFcfsIndex, newPromiseLedger } from '../queue/queues.js';
import { MS_PER_HOUR } from '../time/units.js';
import type { OrderRecord } from './records.js';

export class Line {
  readonly id: string;
  readonly products: readonly string[];
  /**
   * The rate the line's work is counted at, in units per working hour: its capacity while it
   * runs, and the capacity it had while it is down (work is never counted at rate 0, so the
   * ledger's sums stay finite).
   */
  unitsPerHour: number;
  /** The time (ms) the line went down, while its capacity is 0 (`setCapacity(line, 0)`). */
  private downAt: number | undefined = undefined;
  /** The coordinate at which the line went down: the order in production has made nothing since. */
  private downFrom = 0;
  readonly ledger: PromiseLedger = newPromiseLedger();
  /** Queued orders by ledger handle. */
  readonly byHandle: (OrderRecord | undefined)[] = [];
  private making: OrderRecord | undefined = undefined;
  private makingUntil = 0;
  /** Queued plain orders per tier, for first uploaded, first made. */
  readonly fcfs: Record<Tier, FcfsIndex> = {
    key: newFcfsIndex(),
    special: newFcfsIndex(),
    regular: newFcfsIndex(),
  };
  /** Accepted client-rush units per production day (`yyyy-MM-dd`). */
  readonly rushUnits = new Map<string, number>();

  constructor(spec: LineSpec) {
    this.id = spec.id;
    this.products = [...spec.products];
    this.unitsPerHour = spec.unitsPerHour;
  }

  /**
   * A copy of what a snapshot reads of the line (its rate, whether and since when it is down,
   * its rush units per day), which later changes here do not reach. Its queues are this line's:
   * the copy is read for a snapshot and nothing else.
   */
  copy(): Line {
    return Object.assign(Object.create(Line.prototype) as Line, this, {
      rushUnits: new Map(this.rushUnits),
    });
  }

  /** The order in production, if any. */
  get busy(): OrderRecord | undefined {
    return this.making;
  }

  /** Whether the line is down: its capacity is 0 and it makes nothing until it returns. */
  get down(): boolean {
    return this.downAt !== undefined;
  }

  /** The time the line went down, while it is down. */
  get downSince(): number | undefined {
    return this.downAt;
  }

  /** The line's capacity now, in units per working hour: 0 while it is down. */
  get capacity(): number {
    return this.downAt === undefined ? this.unitsPerHour : 0;
  }

  /**
   * The line goes down at coordinate `now` (time `at`): it makes nothing from then on, and the
   * order in production keeps the work it had left. Work stays counted at the rate the line
   * had, so that the ledger and every projection stay finite: a projection on a down line
   * reads as if the line came back at the time asked about. Going down twice changes nothing.
   */
  stop(now: number, at: number): void {
    if (this.downAt !== undefined) return;
    this.downAt = at;
    this.downFrom = now;
  }

  /** Working ms of the order in production left at coordinate `now` (0 when free or overrun). */
  private remaining(now: number): number {
    if (this.making === undefined) return 0;
    return Math.max(0, this.makingUntil - (this.downAt === undefined ? now : this.downFrom));
  }

  /** Coordinate at which the order in production is expected to finish (0 when free). */
  get busyFinish(): number {
    return this.makingUntil;
  }

  /**
   * Starts making `rec`, taken off the queue, at coordinate `start`; returns the coordinate at
   * which it is expected to finish.
   */
  start(rec: OrderRecord, start: number): number {
    this.making = rec;
    this.makingUntil = start + rec.work;
    return this.makingUntil;
  }

  /** Takes up again the making of `rec`, expected to finish at coordinate `finish` (a restore). */
  resume(rec: OrderRecord, finish: number): void {
    this.making = rec;
    this.makingUntil = finish;
  }

  /** The order in production is finished: the line is free. */
  finish(): void {
    this.making = undefined;
    this.makingUntil = 0;
  }

  /**
   * Runs the line at `unitsPerHour` (positive) from coordinate `now` on, back up if it was
   * down: the rest of the order in production and every queued order take the work of the new
   * rate. Promises stand.
   */
  setRate(unitsPerHour: number, now: number): void {
    if (this.downAt !== undefined) {
      // Back from down: the order in production takes up the work it had left from now.
      if (this.making !== undefined) this.makingUntil = now + this.remaining(now);
      this.downAt = undefined;
    }
    const b = this.making;
    if (b !== undefined) this.makingUntil = this.busyFinishAt(now, unitsPerHour);
    this.unitsPerHour = unitsPerHour;
    if (b !== undefined) b.work = this.workFor(b.units);
    this.ledger.changeWork((h) => {
      const rec = this.byHandle[h] as OrderRecord;
      rec.work = this.workFor(rec.units);
      return rec.work;
    });
  }

  /**
   * Processing time in working milliseconds at `unitsPerHour` (the line's own by default),
   * rounded up so that projections never flatter.
   */
  workFor(units: number, unitsPerHour = this.unitsPerHour): number {
    return Math.ceil((units * MS_PER_HOUR) / unitsPerHour);
  }

  /** The coordinate at which the order in production ends if the rest of it runs at `unitsPerHour` from `now`. */
  busyFinishAt(now: number, unitsPerHour: number): number {
    return now + Math.ceil((this.remaining(now) * this.unitsPerHour) / unitsPerHour);
  }

  /** The coordinate at which all the line's work ends if it runs at `unitsPerHour` from `now`: O(n). */
  endAt(now: number, unitsPerHour: number): number {
    let end = this.busy !== undefined ? this.busyFinishAt(now, unitsPerHour) : now;
    for (const rec of this.byHandle)
      if (rec !== undefined) end += this.workFor(rec.units, unitsPerHour);
    return end;
  }

  /**
   * The coordinate at which the line can start on its queue, given the coordinate of now (on a
   * down line: were it to come back now).
   */
  startCoord(now: number): number {
    return now + this.remaining(now);
  }

  enqueue(rec: OrderRecord, due: number, tierRank: number, onTime: boolean): void {
    const h = this.ledger.admit(
      {
        cls: rec.cls === 'company' ? 0 : 1,
        seq: rec.seq,
        promise: rec.promisedBy,
        tier: tierRank,
        uploadedAt: rec.order.uploadedAt,
        id: rec.order.id,
      },
      rec.work,
      due,
      onTime,
    );
    rec.handle = h;
    this.byHandle[h] = rec;
    if (rec.plain) this.fcfs[rec.order.tier].add(rec.order.uploadedAt, rec.seq, rec.promisedBy);
  }

  /**
   * Takes the first order off the queue. The ledger is the dispatch order: its comparison ends
   * in the submission sequence, so its first order is the one to make next, with no second
   * structure to keep in step.
   */
  dequeue(): OrderRecord | undefined {
    const h = this.ledger.dispatchNext();
    if (h === NO_ORDER) return undefined;
    const rec = this.byHandle[h] as OrderRecord;
    this.byHandle[h] = undefined;
    rec.handle = 0;
    if (rec.plain) this.fcfs[rec.order.tier].remove(rec.order.uploadedAt, rec.seq);
    return rec;
  }

  /**
   * Takes a queued order off the queue wherever it stands (it was cancelled, held or is being
   * amended): the ledger and the first-uploaded index let go of it, and the orders after it
   * only gain slack.
   */
  withdraw(rec: OrderRecord): void {
    this.ledger.withdraw(rec.handle);
    this.byHandle[rec.handle] = undefined;
    rec.handle = 0;
    if (rec.plain) this.fcfs[rec.order.tier].remove(rec.order.uploadedAt, rec.seq);
  }

  makes(order: NormalizedOrder): boolean {
    return this.products.includes(order.product);
  }
}
