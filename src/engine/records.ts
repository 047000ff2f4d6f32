import type { Decision, NormalizedOrder, OrderClass, Reason, RushRecord } from '../domain/types.js';

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

type Status = 'queued' | 'in-production' | 'finished';
const CLASSES: readonly OrderClass[] = ['normal', 'rush', 'company'];
const STATUSES: readonly Status[] = ['queued', 'in-production', 'finished'];
const OUTCOMES: readonly Decision['outcome'][] = ['queued', 'rush-accepted', 'rush-declined'];

/** The times of a record: their offsets in its row of `TimeColumns`. */
const SUBMITTED = 0;
const REQUESTED = 1;
const PROMISED = 2;
const STARTED = 3;
const EXPECTED = 4;
const FINISHED = 5;
const ROW = 6;

/** Rows per page of `TimeColumns`: 4,096 rows of six times, 192 KiB. */
const PAGE_BITS = 12;
const PAGE_ROWS = 1 << PAGE_BITS;
const ROW_MASK = PAGE_ROWS - 1;

/**
 * The times of every order, a row of six per order, in pages of one Float64Array each. A time
 * held in an object field costs a 16-byte boxed number besides its slot; here it costs 8 bytes,
 * and making a record allocates no number at all. A time not yet known is NaN.
 *
 * Pages, not one array that doubles: growing by copying writes every row again into fresh
 * memory, and a first touch of fresh memory is dear on a virtual machine (about 13 µs per
 * 4 KiB page on the benchmark machine). A row never moves.
 */
export class TimeColumns {
  readonly pages: Float64Array[] = [];

  /** The page holding row `i`, made when first needed; earlier rows keep their values. */
  page(i: number): Float64Array {
    const k = i >>> PAGE_BITS;
    while (this.pages.length <= k) this.pages.push(new Float64Array(PAGE_ROWS * ROW));
    return this.pages[k] as Float64Array;
  }
}

const known = (v: number): number | undefined => (Number.isNaN(v) ? undefined : v);

/**
 * Everything the engine keeps about one order, from submission to finish. Its times live in
 * the engine's `TimeColumns`, in the row of its submission sequence number (unique per order);
 * the accessors read and write them there.
 */
export class OrderRecord {
  /**
   * The class, status, outcome and plain flag in one small integer (see the accessors): a
   * record is kept for every order ever submitted, and four fields of their own would cost it
   * 24 bytes more.
   */
  private flags = 0;
  /** Working milliseconds at the line's present capacity. */
  work: number;
  /** Ledger handle while queued, else 0. */
  handle = 0;
  /**
   * The facts of a rush decision, or the decision itself as a snapshot stored it; absent for
   * an order without a rush, decided here.
   */
  why: Why | Stored | undefined = undefined;
  /**
   * The index of its latest at-risk report in the engine's `RiskLog`, or -1: once reported, its
   * slack no longer blocks new work.
   */
  riskLatest = -1;

  constructor(
    private readonly times: TimeColumns,
    readonly order: NormalizedOrder,
    readonly line: string,
    /** Submission sequence number: the last key of every comparison. */
    readonly seq: number,
    readonly units: number,
    work: number,
    submittedAt: number,
  ) {
    this.work = work;
    const f = times.page(seq);
    const b = (seq & ROW_MASK) * ROW;
    f[b + SUBMITTED] = submittedAt;
    f[b + REQUESTED] = 0;
    f[b + PROMISED] = 0;
    f[b + STARTED] = Number.NaN;
    f[b + EXPECTED] = Number.NaN;
    f[b + FINISHED] = Number.NaN;
  }

  private time(field: number): number {
    const seq = this.seq;
    return (this.times.pages[seq >>> PAGE_BITS] as Float64Array)[
      (seq & ROW_MASK) * ROW + field
    ] as number;
  }

  private setTime(field: number, v: number): void {
    const seq = this.seq;
    (this.times.pages[seq >>> PAGE_BITS] as Float64Array)[(seq & ROW_MASK) * ROW + field] = v;
  }

  /** The two bits at `shift` of the flags, as an index into their list of values. */
  private field(shift: number): number {
    return (this.flags >> shift) & 3;
  }

  private setField(shift: number, code: number): void {
    this.flags = (this.flags & ~(3 << shift)) | (code << shift);
  }

  get cls(): OrderClass {
    return CLASSES[this.field(0)] as OrderClass;
  }
  set cls(v: OrderClass) {
    this.setField(0, CLASSES.indexOf(v));
  }
  get status(): Status {
    return STATUSES[this.field(2)] as Status;
  }
  set status(v: Status) {
    this.setField(2, STATUSES.indexOf(v));
  }
  get outcome(): Decision['outcome'] {
    return OUTCOMES[this.field(4)] as Decision['outcome'];
  }
  set outcome(v: Decision['outcome']) {
    this.setField(4, OUTCOMES.indexOf(v));
  }
  /** No rush accepted and no ship or pickup time: first uploaded, first made applies. */
  get plain(): boolean {
    return (this.flags & 64) !== 0;
  }
  set plain(v: boolean) {
    this.flags = v ? this.flags | 64 : this.flags & ~64;
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
