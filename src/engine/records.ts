import type { AtRiskReport, Decision, NormalizedOrder, OrderClass } from '../domain/types.js';

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
    };

/**
 * The at-risk list of every order never reported at risk: one shared empty array, so a record
 * costs no array until it needs one. It is never written to; `EngineState.reportAtRisk` gives
 * the record its own array first.
 */
export const NEVER_AT_RISK: readonly AtRiskReport[] = Object.freeze([]);

/** The times of a record: their offsets in its row of `TimeColumns`. */
const SUBMITTED = 0;
const REQUESTED = 1;
const PROMISED = 2;
const STARTED = 3;
const EXPECTED = 4;
const FINISHED = 5;
const ROW = 6;

/**
 * The times of every order, a row of six per order in one growing Float64Array. A time held in
 * an object field costs a 16-byte boxed number besides its slot; here it costs 8 bytes, and
 * making a record allocates no number at all. A time not yet known is NaN.
 */
export class TimeColumns {
  f = new Float64Array(ROW * 1024);

  /** Makes room for row `i`; existing rows keep their values. */
  ensure(i: number): void {
    if ((i + 1) * ROW <= this.f.length) return;
    let n = this.f.length;
    while ((i + 1) * ROW > n) n *= 2;
    const f = new Float64Array(n);
    f.set(this.f);
    this.f = f;
  }
}

const known = (v: number): number | undefined => (Number.isNaN(v) ? undefined : v);

/**
 * Everything the engine keeps about one order, from submission to finish. Its times live in
 * the engine's `TimeColumns`, in the row of its submission sequence number (unique per order);
 * the accessors read and write them there.
 */
export class OrderRecord {
  cls: OrderClass = 'normal';
  /** Working milliseconds at the line's present capacity. */
  work: number;
  /** No rush accepted and no ship or pickup time: first uploaded, first made applies. */
  plain = false;
  status: 'queued' | 'in-production' | 'finished' = 'queued';
  /** Ledger handle while queued, else 0. */
  handle = 0;
  outcome: Decision['outcome'] = 'queued';
  /** The counter-offer of a declined rush. */
  earliest: number | undefined = undefined;
  /** The facts of a rush decision; absent for an order without a rush. */
  why: Why | undefined = undefined;
  /** A decision restored from a snapshot, kept as it was written. */
  stored: Decision | undefined = undefined;
  /** Every time it was reported at risk. Once reported, its slack no longer blocks new work. */
  atRisk: AtRiskReport[] = NEVER_AT_RISK as AtRiskReport[];

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
    times.ensure(seq);
    const f = times.f;
    const b = seq * ROW;
    f[b + SUBMITTED] = submittedAt;
    f[b + REQUESTED] = 0;
    f[b + PROMISED] = 0;
    f[b + STARTED] = Number.NaN;
    f[b + EXPECTED] = Number.NaN;
    f[b + FINISHED] = Number.NaN;
  }

  /** When it was submitted and decided. */
  get submittedAt(): number {
    return this.times.f[this.seq * ROW + SUBMITTED] as number;
  }
  get requestedBy(): number {
    return this.times.f[this.seq * ROW + REQUESTED] as number;
  }
  set requestedBy(v: number) {
    this.times.f[this.seq * ROW + REQUESTED] = v;
  }
  get promisedBy(): number {
    return this.times.f[this.seq * ROW + PROMISED] as number;
  }
  set promisedBy(v: number) {
    this.times.f[this.seq * ROW + PROMISED] = v;
  }
  get startedAt(): number | undefined {
    return known(this.times.f[this.seq * ROW + STARTED] as number);
  }
  set startedAt(v: number | undefined) {
    this.times.f[this.seq * ROW + STARTED] = v ?? Number.NaN;
  }
  get expectedFinish(): number | undefined {
    return known(this.times.f[this.seq * ROW + EXPECTED] as number);
  }
  set expectedFinish(v: number | undefined) {
    this.times.f[this.seq * ROW + EXPECTED] = v ?? Number.NaN;
  }
  get finishedAt(): number | undefined {
    return known(this.times.f[this.seq * ROW + FINISHED] as number);
  }
  set finishedAt(v: number | undefined) {
    this.times.f[this.seq * ROW + FINISHED] = v ?? Number.NaN;
  }
}
