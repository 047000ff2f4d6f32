import type {
  Decision,
  NormalizedOrder,
  OrderClass,
  OrderStatus,
  Reason,
  RushRecord,
} from '../domain/types.js';
import { type BitField, bitFields } from './_internal/bit-fields.js';
import { ROW } from './_internal/time-columns.js';

/** A rush register entry as kept: its reasons and at-risk list are the decision's, rendered on read. */
export type RushEntry = Omit<RushRecord, 'reasons' | 'atRisk'> & {
  reasons: Reason[] | undefined;
  atRisk: string[] | undefined;
};

/**
 * What a rush decision's reasons are rendered from, beyond the order's record. A decision's
 * sentences are not kept: they are rendered from these facts when asked for (the caller's copy
 * at submit, `explain`, the rush register, snapshots), so the engine keeps numbers, not text.
 */
export type Why =
  | {
      kind: 'company';
      /** The rework or immediate deadline asked for. */
      deadline: number;
      /** Whether the deadline could not be met even first in line. */
      pushed: boolean;
      atRisk: string[];
    }
  | {
      kind: 'client';
      /** The deciding rule: a built-in gate, `accepted`, or a custom gate's id. */
      rule: string;
      /** A custom gate's sentence. */
      message?: string;
      deadline: number | undefined;
      /** Why the deadline is out of reach: the lab is closed for the rest of `closedDay`, the request came after the cutoff at `askedAt` (HH:mm), or the order would finish at `finish`. */
      closedDay?: string;
      askedAt?: string;
      /** The time the line went down, when the rush came for a line that is down: no rush is promised. */
      lineDownSince?: number;
      finish?: number;
      day: string;
      promisedPct: number;
      tight: boolean;
      used: number;
      limit: number;
      dailyCapacity: number;
      recent: number;
      /** The counter-offer, when the rush was declined. */
      earliest?: number;
    };

/** A decision as a snapshot stored it: restored records render it as written. */
export interface Stored {
  kind: 'stored';
  decision: Decision;
}

type Status = OrderStatus;
const CLASSES: readonly OrderClass[] = ['normal', 'rush', 'company'];
const STATUSES: readonly Status[] = [
  'queued',
  'in-production',
  'finished',
  'held',
  'delivered',
  'cancelled',
];
const OUTCOMES: readonly Decision['outcome'][] = ['queued', 'rush-accepted', 'rush-declined'];

/** The times of a record: their places in its row of `TimeColumns`. */
const SUBMITTED = 0;
const REQUESTED = 1;
const PROMISED = 2;
const STARTED = 3;
const EXPECTED = 4;
const FINISHED = 5;

const [CLASS, STATUS, OUTCOME, PLAIN, DOWN] = bitFields(
  CLASSES.length,
  STATUSES.length,
  OUTCOMES.length,
  2,
  2,
) as [BitField, BitField, BitField, BitField, BitField];

/**
 * Whether an order is settled: nothing more will happen to it, so that once the retention
 * horizon has passed since `settledAt` it may leave the engine's memory. The one place that says
 * which statuses settle an order.
 */
export function isSettled(rec: OrderRecord): boolean {
  return rec.status === 'finished' || rec.status === 'delivered' || rec.status === 'cancelled';
}

/**
 * When a settled order was settled (its retention horizon runs from then): a cancelled order
 * when it was cancelled, a finished or delivered one when it finished (a hand-over keeps its
 * own entry in the delivery register for the horizon after it).
 */
export function settledAt(rec: OrderRecord): number {
  return rec.status === 'cancelled' ? (rec.statusAt as number) : (rec.finishedAt as number);
}

/** The value of `riskLatest` for an order never reported at risk. */
export const NOT_REPORTED = -1;

const known = (v: number): number | undefined => (Number.isNaN(v) ? undefined : v);

/** Where records read and write their times: the engine's columns, or a copy's own row. */
export interface RecordTimes {
  open(row: number, first: number, fill: number): void;
  get(row: number, field: number): number;
  set(row: number, field: number, v: number): void;
}

/** What the records of one engine share: the columns of their times, and the cut being read. */
export interface RecordsShared {
  readonly times: RecordTimes;
  /** The cut a snapshot is being read from (`snapshot.ts`), while one is. */
  cut: RecordCut | undefined;
}

/**
 * The orders and rush entries as they were at one moment (a checkpoint's entry), while the
 * engine goes on: a record of the cut is copied, as it was, just before its first change after
 * the cut or before it leaves memory, and a rush entry just before it is first marked. What is
 * unchanged since is read as it is. The cost is a copy per record or entry changed, paid by the
 * call that changes it: a cut costs nothing in proportion to the orders held, and a call no
 * more than in proportion to what it changes.
 */
export class RecordCut {
  private readonly before = new Map<OrderRecord, OrderRecord>();
  private readonly entriesBefore = new Map<RushEntry, RushEntry>();
  /** The records of the cut that left memory since, by order id. */
  private readonly left = new Map<string, OrderRecord>();
  /** `lastSeq`: the last submission sequence number at the cut; later records are not in it. */
  constructor(private readonly lastSeq: number) {}

  /** The record as it was at the cut. */
  asOf(rec: OrderRecord): OrderRecord {
    return this.before.get(rec) ?? rec;
  }

  /** The rush entry as it was at the cut. */
  entryAsOf(e: RushEntry): RushEntry {
    return this.entriesBefore.get(e) ?? e;
  }

  /**
   * The order of id `id` held at the cut, as it was then: `now` is the one held now, if any.
   * Two orders of one id are never held at once, so one held now from before the cut is it.
   */
  orderAsOf(id: string, now: OrderRecord | undefined): OrderRecord | undefined {
    return now !== undefined && now.seq <= this.lastSeq ? this.asOf(now) : this.left.get(id);
  }

  /** A record of the cut is about to change: its copy is kept, unless one is already. */
  keep(rec: OrderRecord, copy: () => OrderRecord): void {
    if (rec.seq <= this.lastSeq && !this.before.has(rec)) this.before.set(rec, copy());
  }

  /** A record is about to leave memory: kept, and found by its id from now on. */
  keepLeaving(rec: OrderRecord, copy: () => OrderRecord): void {
    this.keep(rec, copy);
    if (rec.seq <= this.lastSeq) this.left.set(rec.order.id, this.asOf(rec));
  }

  /** A rush entry is about to be marked: its copy is kept, unless one is already. */
  keepEntry(e: RushEntry): void {
    if (!this.entriesBefore.has(e)) this.entriesBefore.set(e, { ...e });
  }
}

/** The times of a record's copy: its own row, which nothing writes. */
class SavedTimes implements RecordTimes {
  constructor(private readonly row: Float64Array) {}
  get(_row: number, field: number): number {
    return this.row[field] as number;
  }
  open(): void {
    throw new Error("a record's copy is read, never changed");
  }
  set(): void {
    throw new Error("a record's copy is read, never changed");
  }
}

/**
 * Everything the engine keeps about one order, from submission to finish. Its times live in
 * the engine's `TimeColumns`, in the row of its submission sequence number (unique per order);
 * the accessors read and write them there.
 *
 * Invariant: every field a snapshot reads changes only through a setter here, and every setter
 * first tells the cut being read (`willChange`), so that a snapshot cut at one moment reads the
 * record as it was then.
 */
export class OrderRecord {
  /** The class, status, outcome and plain flag, packed (see the accessors). */
  private flags = 0;
  /** Working milliseconds at the line's present capacity. */
  work: number;
  /** Ledger handle while queued, else 0. */
  handle = 0;
  private why_: Why | Stored | undefined = undefined;
  private riskLatest_ = NOT_REPORTED;
  private rushEntry_: RushEntry | undefined = undefined;
  private statusAt_: number | undefined = undefined;
  private order_: NormalizedOrder;
  private units_: number;

  constructor(
    private readonly shared: RecordsShared,
    order: NormalizedOrder,
    readonly line: string,
    /** Submission sequence number: the last key of every comparison. */
    readonly seq: number,
    units: number,
    work: number,
    submittedAt: number,
  ) {
    this.order_ = order;
    this.units_ = units;
    this.work = work;
    const times = shared.times;
    // A time not yet known is NaN; the requested and promised times are set by the decision.
    times.open(seq, submittedAt, Number.NaN);
    times.set(seq, REQUESTED, 0);
    times.set(seq, PROMISED, 0);
  }

  /** The order as it stands: `amend` may change its quantity, ship and pickup times. */
  get order(): NormalizedOrder {
    return this.order_;
  }
  set order(v: NormalizedOrder) {
    this.willChange();
    this.order_ = v;
  }
  /** Units of work of the order as it stands. */
  get units(): number {
    return this.units_;
  }
  set units(v: number) {
    this.willChange();
    this.units_ = v;
  }
  /**
   * The facts of a rush decision, or the decision itself as a snapshot stored it; absent for
   * an order without a rush, decided here.
   */
  get why(): Why | Stored | undefined {
    return this.why_;
  }
  set why(v: Why | Stored | undefined) {
    this.willChange();
    this.why_ = v;
  }
  /** The index of its latest at-risk report in the engine's `RiskLog`, or `NOT_REPORTED`. */
  get riskLatest(): number {
    return this.riskLatest_;
  }
  set riskLatest(v: number) {
    this.willChange();
    this.riskLatest_ = v;
  }
  /** Its latest entry in the rush register, for an order with a rush request. */
  get rushEntry(): RushEntry | undefined {
    return this.rushEntry_;
  }
  set rushEntry(v: RushEntry | undefined) {
    this.willChange();
    this.rushEntry_ = v;
  }
  /** When it was held (status `held`) or cancelled (status `cancelled`). */
  get statusAt(): number | undefined {
    return this.statusAt_;
  }
  set statusAt(v: number | undefined) {
    this.willChange();
    this.statusAt_ = v;
  }

  /** The order leaves memory: a cut being read keeps it as it was, its times included. */
  leaving(): void {
    this.shared.cut?.keepLeaving(this, () => this.copy());
  }

  /** Tells the cut being read, if any, that this record is about to change. */
  private willChange(): void {
    this.shared.cut?.keep(this, () => this.copy());
  }

  /** The record as it is now, with its times in a row of its own: what a cut keeps. */
  private copy(): OrderRecord {
    const row = new Float64Array(ROW);
    for (let f = 0; f < ROW; f++) row[f] = this.time(f);
    return Object.assign(Object.create(OrderRecord.prototype) as OrderRecord, this, {
      shared: { times: new SavedTimes(row), cut: undefined } satisfies RecordsShared,
    });
  }

  /** Whether it was reported at risk: its slack then no longer blocks new work. */
  get reportedAtRisk(): boolean {
    return this.riskLatest !== NOT_REPORTED;
  }

  private time(field: number): number {
    return this.shared.times.get(this.seq, field);
  }

  private setTime(field: number, v: number): void {
    this.willChange();
    this.shared.times.set(this.seq, field, v);
  }

  get cls(): OrderClass {
    return CLASSES[CLASS.read(this.flags)] as OrderClass;
  }
  set cls(v: OrderClass) {
    this.willChange();
    this.flags = CLASS.write(this.flags, CLASSES.indexOf(v));
  }
  get status(): Status {
    return STATUSES[STATUS.read(this.flags)] as Status;
  }
  set status(v: Status) {
    this.willChange();
    this.flags = STATUS.write(this.flags, STATUSES.indexOf(v));
  }
  get outcome(): Decision['outcome'] {
    return OUTCOMES[OUTCOME.read(this.flags)] as Decision['outcome'];
  }
  set outcome(v: Decision['outcome']) {
    this.willChange();
    this.flags = OUTCOME.write(this.flags, OUTCOMES.indexOf(v));
  }
  /** No rush accepted and no ship or pickup time: first uploaded, first made applies. */
  get plain(): boolean {
    return PLAIN.read(this.flags) === 1;
  }
  set plain(v: boolean) {
    this.willChange();
    this.flags = PLAIN.write(this.flags, v ? 1 : 0);
  }

  /**
   * Decided on a line that was down: its promise was counted as if the line came back at once,
   * and its decision reports the order itself at risk.
   */
  get decidedDown(): boolean {
    return DOWN.read(this.flags) === 1;
  }
  set decidedDown(v: boolean) {
    this.willChange();
    this.flags = DOWN.write(this.flags, v ? 1 : 0);
  }

  /** The counter-offer of a declined rush. */
  get earliest(): number | undefined {
    const w = this.why;
    return w === undefined
      ? undefined
      : w.kind === 'stored'
        ? w.decision.earliestPossible
        : w.kind === 'client'
          ? w.earliest
          : undefined;
  }

  /** When it was submitted and decided. */
  get submittedAt(): number {
    return this.time(SUBMITTED);
  }
  get requestedBy(): number {
    return this.time(REQUESTED);
  }
  set requestedBy(v: number) {
    this.setTime(REQUESTED, v);
  }
  get promisedBy(): number {
    return this.time(PROMISED);
  }
  set promisedBy(v: number) {
    this.setTime(PROMISED, v);
  }
  get startedAt(): number | undefined {
    return known(this.time(STARTED));
  }
  set startedAt(v: number | undefined) {
    this.setTime(STARTED, v ?? Number.NaN);
  }
  get expectedFinish(): number | undefined {
    return known(this.time(EXPECTED));
  }
  set expectedFinish(v: number | undefined) {
    this.setTime(EXPECTED, v ?? Number.NaN);
  }
  get finishedAt(): number | undefined {
    return known(this.time(FINISHED));
  }
  set finishedAt(v: number | undefined) {
    this.setTime(FINISHED, v ?? Number.NaN);
  }
}
