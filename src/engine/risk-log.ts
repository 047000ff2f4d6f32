/**
 * Every at-risk report, in the order made, kept in columns. A report costs about 30 bytes here
 * against about 150 as an object in two arrays (the engine's log and its order's list), and a
 * day with company rushes in front of many zero-slack promises makes one report per such order.
 * Reports are rendered as `AtRiskReport` objects only when read.
 *
 * The reports of one order are chained, newest first: the record holds the index of its latest
 * (`riskLatest`, `NOT_REPORTED` for none) and each report the index of the one before it of the same order,
 * so that adding one costs the same however often the order was reported.
 */
import type { AtRiskReport } from '../domain/types.js';
import { NOT_REPORTED, type OrderRecord } from './records.js';

const CAUSES: readonly AtRiskReport['cause'][] = ['company-rush', 'capacity-drop', 'line-delay'];

export class RiskLog {
  private readonly recs: OrderRecord[] = [];
  private readonly by: (string | undefined)[] = [];
  private at = new Float64Array(256);
  private cause = new Uint8Array(256);
  private prev = new Int32Array(256);

  /** How many reports have been made. */
  get length(): number {
    return this.recs.length;
  }

  /** Records a report of `rec` at `at`, after its earlier reports. */
  add(rec: OrderRecord, at: number, cause: AtRiskReport['cause'], by?: string): void {
    const i = this.recs.length;
    if (i === this.at.length) this.grow();
    this.recs.push(rec);
    this.by.push(by);
    this.at[i] = at;
    this.cause[i] = CAUSES.indexOf(cause);
    this.prev[i] = rec.riskLatest;
    rec.riskLatest = i;
  }

  /** The `i`-th report, as a fresh object. */
  report(i: number): AtRiskReport {
    const rec = this.recs[i] as OrderRecord;
    const by = this.by[i];
    const at = this.at[i] as number;
    const cause = CAUSES[this.cause[i] as number] as AtRiskReport['cause'];
    return by === undefined
      ? { orderId: rec.order.id, line: rec.line, at, cause }
      : { orderId: rec.order.id, line: rec.line, at, cause, by };
  }

  /** The reports from `start` on (as `Array.prototype.slice` reads its start), as fresh objects. */
  slice(start: number): AtRiskReport[] {
    const n = this.length;
    const s = Math.trunc(start) || 0;
    const from = s < 0 ? Math.max(n + s, 0) : Math.min(s, n);
    const out: AtRiskReport[] = [];
    for (let i = from; i < n; i++) out.push(this.report(i));
    return out;
  }

  /** The reports of one order, in making order, as fresh objects. */
  of(rec: OrderRecord): AtRiskReport[] {
    const out: AtRiskReport[] = [];
    for (let i = rec.riskLatest; i !== NOT_REPORTED; i = this.prev[i] as number)
      out.push(this.report(i));
    return out.reverse();
  }

  /** When the order was first reported at risk; the record must have been reported. */
  firstAt(rec: OrderRecord): number {
    let i = rec.riskLatest;
    while ((this.prev[i] as number) !== NOT_REPORTED) i = this.prev[i] as number;
    return this.at[i] as number;
  }

  private grow(): void {
    const n = this.at.length * 2;
    const at = new Float64Array(n);
    at.set(this.at);
    this.at = at;
    const cause = new Uint8Array(n);
    cause.set(this.cause);
    this.cause = cause;
    const prev = new Int32Array(n);
    prev.set(this.prev);
    this.prev = prev;
  }
}
