/**
 * Every at-risk report, in the order made, kept in columns. A report costs about 40 bytes here
 * against about 150 as an object in two arrays (the engine's log and its order's list), and a
 * day with company rushes in front of many zero-slack promises makes one report per such order.
 * Reports are rendered as `AtRiskReport` objects only when read.
 *
 * The reports of one order are chained, newest first: the record holds the number of its latest
 * (`riskLatest`, `NOT_REPORTED` for none) and each report the number of the one before it of the
 * same order, so that adding one costs the same however often the order was reported.
 *
 * Reports are numbered from the engine's first on, and the log holds a window of them: when an
 * order leaves the engine's memory (its retention passed, `forget`), its reports lose their
 * record, and the oldest reports whose record is gone leave the log. A report keeps its order's
 * id and line, so that one still held whose order has left reads as it did.
 */
import type { AtRiskReport } from '../domain/types.js';
import { bound } from './_internal/held-window.js';
import { NOT_REPORTED, type OrderRecord } from './records.js';

const CAUSES: readonly AtRiskReport['cause'][] = ['company-rush', 'capacity-drop', 'line-delay'];

export class RiskLog {
  /** The order of each held report, or undefined once the order has left memory. */
  private recs: (OrderRecord | undefined)[] = [];
  private ids: string[] = [];
  private lines: string[] = [];
  private by: (string | undefined)[] = [];
  private at = new Float64Array(256);
  private cause = new Uint8Array(256);
  private prev = new Int32Array(256);
  /** The number of the report at index 0 of the columns. */
  private base = 0;
  /** How many reports at the front of the columns have left (their record is gone). */
  private lead = 0;

  /**
   * For a copy (`copy`): how many reports its columns held when it was made. It shares them
   * with the log it was made from, which may have added reports past them since.
   */
  private copied: number | undefined = undefined;

  /** How many reports have ever been made: the number the next one gets. */
  get length(): number {
    return this.base + (this.copied ?? this.recs.length);
  }

  /** The number of the oldest report held. */
  get start(): number {
    return this.base + this.lead;
  }

  /** Starts an empty log whose next report gets number `start` (a restore). */
  reset(start: number): void {
    this.base = start;
  }

  /**
   * Records a report at `at`, after the order's earlier reports; `rec` is undefined for a
   * report, read from a snapshot, of an order no longer held.
   */
  add(
    rec: OrderRecord | undefined,
    orderId: string,
    line: string,
    at: number,
    cause: AtRiskReport['cause'],
    by?: string,
  ): void {
    const i = this.recs.length;
    if (i === this.at.length) this.grow(i * 2);
    this.recs.push(rec);
    this.ids.push(orderId);
    this.lines.push(line);
    this.by.push(by);
    this.at[i] = at;
    this.cause[i] = CAUSES.indexOf(cause);
    this.prev[i] = rec ? rec.riskLatest : NOT_REPORTED;
    if (rec) rec.riskLatest = this.base + i;
  }

  /** Reports `rec` at `at`, after its earlier reports. */
  report(rec: OrderRecord, at: number, cause: AtRiskReport['cause'], by?: string): void {
    this.add(rec, rec.order.id, rec.line, at, cause, by);
  }

  /** The report numbered `n` (held), as a fresh object. */
  private render(n: number): AtRiskReport {
    const i = n - this.base;
    const by = this.by[i];
    const orderId = this.ids[i] as string;
    const line = this.lines[i] as string;
    const at = this.at[i] as number;
    const cause = CAUSES[this.cause[i] as number] as AtRiskReport['cause'];
    return by === undefined ? { orderId, line, at, cause } : { orderId, line, at, cause, by };
  }

  /**
   * The held reports from number `start` on (as `Array.prototype.slice` reads its start, over
   * every report ever made), as fresh objects.
   */
  slice(start: number): AtRiskReport[] {
    return [...this.from(start)];
  }

  /** The reports of `slice(start)`, made one at a time as they are taken. */
  *from(start: number): Generator<AtRiskReport> {
    const n = this.length;
    for (let k = Math.max(bound(start, 0, n), this.start); k < n; k++) yield this.render(k);
  }

  /** The reports of one held order, in making order, as fresh objects. */
  of(rec: OrderRecord): AtRiskReport[] {
    const out: AtRiskReport[] = [];
    for (let k = rec.riskLatest; k !== NOT_REPORTED; k = this.prev[k - this.base] as number)
      out.push(this.render(k));
    return out.reverse();
  }

  /** When the order was first reported at risk; the record must have been reported. */
  firstAt(rec: OrderRecord): number {
    let k = rec.riskLatest;
    while ((this.prev[k - this.base] as number) !== NOT_REPORTED)
      k = this.prev[k - this.base] as number;
    return this.at[k - this.base] as number;
  }

  /**
   * The order of `rec` leaves memory: its reports lose their record, and the oldest reports
   * whose record is gone leave the log. A held order's reports are all held (its chain never
   * reaches below `start`), since only reports without a record leave.
   */
  forget(rec: OrderRecord): void {
    for (let k = rec.riskLatest; k !== NOT_REPORTED; k = this.prev[k - this.base] as number)
      this.recs[k - this.base] = undefined;
    while (this.lead < this.recs.length && this.recs[this.lead] === undefined) this.lead++;
    // Compacted once the reports that left are as many as those held: amortized O(1) a report.
    if (this.lead >= 256 && this.lead * 2 >= this.recs.length) this.drop(this.lead);
  }

  /**
   * A copy of the log as it is now, which later reports and departures here do not reach. It
   * shares the columns, in O(1): a report is never changed once written but for its record
   * (which the copy does not read), a later report is written past the copy's end, and
   * compaction or growth makes new columns, leaving the copy's as they were.
   */
  copy(): RiskLog {
    const c = new RiskLog();
    c.copied = this.recs.length;
    c.recs = this.recs;
    c.ids = this.ids;
    c.lines = this.lines;
    c.by = this.by;
    c.at = this.at;
    c.cause = this.cause;
    c.prev = this.prev;
    c.base = this.base;
    c.lead = this.lead;
    return c;
  }

  /** How many reports are held. */
  get held(): number {
    return this.length - this.start;
  }

  /** The first `d` reports leave the log. */
  private drop(d: number): void {
    const rest = this.recs.length - d;
    this.recs = this.recs.slice(d);
    this.ids = this.ids.slice(d);
    this.lines = this.lines.slice(d);
    this.by = this.by.slice(d);
    const cap = Math.max(256, rest * 2);
    const at = new Float64Array(cap);
    at.set(this.at.subarray(d, d + rest));
    this.at = at;
    const cause = new Uint8Array(cap);
    cause.set(this.cause.subarray(d, d + rest));
    this.cause = cause;
    const prev = new Int32Array(cap);
    prev.set(this.prev.subarray(d, d + rest));
    this.prev = prev;
    this.base += d;
    this.lead = 0;
  }

  private grow(n: number): void {
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
