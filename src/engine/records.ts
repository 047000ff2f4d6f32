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

/** Everything the engine keeps about one order, from submission to finish. */
export interface OrderRecord {
  order: NormalizedOrder;
  line: string;
  cls: OrderClass;
  /** Submission sequence number: the last key of every comparison. */
  seq: number;
  units: number;
  /** Working milliseconds at the line's present capacity. */
  work: number;
  /** When it was submitted and decided. */
  submittedAt: number;
  requestedBy: number;
  promisedBy: number;
  /** No rush accepted and no ship or pickup time: first uploaded, first made applies. */
  plain: boolean;
  status: 'queued' | 'in-production' | 'finished';
  /** Ledger handle while queued, else 0. */
  handle: number;
  outcome: Decision['outcome'];
  /** The counter-offer of a declined rush. */
  earliest: number | undefined;
  /** The facts of a rush decision; absent for an order without a rush. */
  why: Why | undefined;
  /** A decision restored from a snapshot, kept as it was written. */
  stored: Decision | undefined;
  /** Every time it was reported at risk. Once reported, its slack no longer blocks new work. */
  atRisk: AtRiskReport[];
  startedAt?: number;
  expectedFinish?: number;
  finishedAt?: number;
}
