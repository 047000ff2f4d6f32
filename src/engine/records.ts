import type { AtRiskReport, Decision, NormalizedOrder, OrderClass } from '../domain/types.js';

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
  submittedAt: number;
  requestedBy: number;
  promisedBy: number;
  /** No rush accepted and no ship or pickup time: first uploaded, first made applies. */
  plain: boolean;
  status: 'queued' | 'in-production' | 'finished';
  /** Ledger handle while queued, else 0. */
  handle: number;
  decision: Decision;
  /** Every time it was reported at risk. Once reported, its slack no longer blocks new work. */
  atRisk: AtRiskReport[];
  startedAt?: number;
  expectedFinish?: number;
  finishedAt?: number;
}
