/**
 * What the rush policy decided in a run, tallied from the engine's rush register as it grows:
 * counted requests by deciding rule, per production day, and each line's use of its daily
 * quota (`RushDecisions`); and how many entries were recorded with their reasons. The run
 * hands each entry over as it reads it, so no entry is kept once it is counted.
 */
import { dict } from '../../domain/keyed.js';
import type { Policy } from '../../domain/policy.js';
import type { RushRecord } from '../../domain/types.js';
import type { RushDecisions } from '../types.js';

/** An empty tally of rush decisions, for `mergeRushDecisions` to fill. */
export function emptyRushDecisions(): RushDecisions {
  return { total: dict(), days: [], quota: [] };
}

export class RushTally {
  private readonly total = dict<number>();
  private readonly days = new Map<string, Record<string, number>>();
  /** The quota per line and day: units accepted and the limit of a non-key client. */
  private readonly quota = new Map<
    string,
    { day: string; line: string; used: number; limit: number }
  >();
  /** Entries recorded with reasons, each reason with its message. */
  recorded = 0;

  constructor(private readonly policy: Policy) {}

  /** One entry of the register, of an order submitted after the warm-up. */
  add(r: RushRecord): void {
    if (r.reasons.length > 0 && r.reasons.every((x) => x.message)) this.recorded++;
    const rule = r.reasons[0]?.rule ?? 'unknown';
    this.total[rule] = (this.total[rule] ?? 0) + 1;
    let rules = this.days.get(r.day);
    if (!rules) {
      rules = dict<number>();
      this.days.set(r.day, rules);
    }
    rules[rule] = (rules[rule] ?? 0) + 1;
    if (r.cause !== 'client') return;
    const { quotaShare, keyReserveShare } = this.policy.rush;
    const k = `${r.day} ${r.line}`;
    let q = this.quota.get(k);
    // The key-client limit carries the key reserve on top of the others' quota.
    const limit =
      r.tier === 'key'
        ? (r.quota.limit * quotaShare) / (quotaShare + keyReserveShare)
        : r.quota.limit;
    if (!q) {
      q = { day: r.day, line: r.line, used: 0, limit };
      this.quota.set(k, q);
    }
    // A capacity change during the day changes the limit: the largest that applied is kept.
    if (limit > q.limit) q.limit = limit;
    if (r.outcome === 'rush-accepted') q.used += r.units;
  }

  /** The tally, with days and lines in order: read once, when the run is over. */
  decisions(): RushDecisions {
    return {
      total: this.total,
      days: sortedByKey(this.days).map(([day, rules]) => ({ day, rules })),
      quota: sortedByKey(this.quota).map(([, q]) => q),
    };
  }
}

/**
 * Adds one replication's tally to the run's. Days and lines are kept sorted; merged in
 * replication order, the sums are the same bytes however the replications were run.
 */
export function mergeRushDecisions(into: RushDecisions, from: RushDecisions): void {
  for (const [rule, n] of Object.entries(from.total))
    into.total[rule] = (into.total[rule] ?? 0) + n;
  const days = new Map(into.days.map((d) => [d.day, d.rules]));
  for (const d of from.days) {
    let rules = days.get(d.day);
    if (!rules) {
      rules = dict<number>();
      days.set(d.day, rules);
    }
    for (const [rule, n] of Object.entries(d.rules)) rules[rule] = (rules[rule] ?? 0) + n;
  }
  const quota = new Map(into.quota.map((q) => [`${q.day} ${q.line}`, q]));
  for (const q of from.quota) {
    const k = `${q.day} ${q.line}`;
    const prev = quota.get(k);
    if (prev) {
      prev.used += q.used;
      prev.limit += q.limit;
    } else quota.set(k, { ...q });
  }
  into.days = sortedByKey(days).map(([day, rules]) => ({ day, rules }));
  into.quota = sortedByKey(quota).map(([, q]) => q);
}

const sortedByKey = <T>(m: Map<string, T>) =>
  [...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
