/**
 * `checkGuarantees`: reads a trace and lists every guarantee of rules.md §7 it breaks. It
 * recomputes what it needs (production order, quota, lateness) from the trace and the
 * configuration alone, without asking the engine, so it can catch the engine out.
 *
 * Guarantees 6 (monotone fairness), 8 (determinism) and 9 (bad input) compare runs with each
 * other rather than read one trace; the property tests check them.
 */
import { readTime } from '../domain/time-input.js';
import type { Decision, RushRecord } from '../domain/types.js';
import { resolveConfig } from '../engine/config.js';
import { exceedsQuota, quotaLimit } from '../policy/gates.js';
import { WorkingCalendar } from '../time/calendar.js';
import { MS_PER_DAY, MS_PER_HOUR } from '../time/units.js';
import type { Trace, TraceEvent } from './run-trace.js';

/** The guarantees of rules.md §7 that one trace can show broken. */
export type GuaranteeId =
  | 'fcfs'
  | 'company-first'
  | 'promises-kept'
  | 'no-silent-delay'
  | 'quota'
  | 'accounted-for'
  | 'late-told-once';

/** One broken guarantee: which, the orders involved, and a sentence for a lab manager. */
export interface Violation {
  guarantee: GuaranteeId;
  orders: string[];
  message: string;
}

type Submit = Extract<TraceEvent, { kind: 'submit' }>;

interface Life {
  submit: Submit;
  start?: Extract<TraceEvent, { kind: 'start' }>;
  finish?: Extract<TraceEvent, { kind: 'finish' }>;
  reports: Extract<TraceEvent, { kind: 'at-risk' }>[];
  /** The promise in force: the submission's, or the latest release's or amendment's. */
  promisedBy: number;
  /** The latest rush decision (the submission's, or a release's) and how many were made. */
  rushDecision: Decision;
  rushDecisions: number;
  /** Its quantity as it stands. */
  quantity: number;
  /** The quota its accepted client rush counts against, while it counts. */
  counted?: { key: string; units: number; limit: number };
  /** Cancelled or held at some time: then first uploaded, first made no longer ranks it. */
  changed: boolean;
  cancelled?: Extract<TraceEvent, { kind: 'cancel' }>;
  /** Since when it is held, while it is. */
  heldSince?: number;
  /** A start while it was held or after it was cancelled. */
  startedAnyway: boolean;
  late: Extract<TraceEvent, { kind: 'late' }>[];
}

/** Every violated guarantee of the trace; empty when all hold. */
export function checkGuarantees(trace: Trace): Violation[] {
  const out: Violation[] = [];
  const cfg = resolveConfig(trace.config);
  const calendar = new WorkingCalendar(cfg.calendar);
  const rate = new Map(cfg.lines.map((l) => [l.id, l.unitsPerHour]));
  const lives = new Map<string, Life>();
  let capacityDropped = false;
  let companyRush = false;
  let lastTime = Number.NEGATIVE_INFINITY;
  const quotaUsed = new Map<string, number>();
  const fmt = (t: number) => new Date(t).toISOString().slice(0, 16).replace('T', ' ');

  const unitsOf = (l: Life) =>
    l.quantity * (cfg.products[l.submit.order.product]?.unitsPerItem ?? 1);
  /**
   * Guarantee 5: an accepted client rush's units count against the quota of its line and of
   * the production day it was decided on, and stop counting when it is held or cancelled.
   */
  const count = (l: Life, at: number, decision: Decision) => {
    const cause = l.submit.order.rush?.cause ?? (l.submit.order.rush ? 'client' : undefined);
    if (cause !== 'client' || decision.outcome !== 'rush-accepted') return;
    const day = calendar.productionDay(at);
    const dayHours = (calendar.coord(day.close) - calendar.coord(day.open)) / MS_PER_HOUR;
    const k = `${decision.line}|${day.date}`;
    const limit = quotaLimit(
      cfg.policy,
      l.submit.order.tier,
      (rate.get(decision.line) ?? 0) * dayHours,
    );
    l.counted = { key: k, units: 0, limit };
    recount(l, unitsOf(l), `accepted on ${decision.line} for ${day.date}`);
  };
  /** Its counted units become `units`; an increase must stay within the quota. */
  const recount = (l: Life, units: number, what: string) => {
    const c = l.counted;
    if (!c) return;
    const before = (quotaUsed.get(c.key) ?? 0) - c.units;
    quotaUsed.set(c.key, before + units);
    if (units > c.units && exceedsQuota(before, units, c.limit)) {
      out.push({
        guarantee: 'quota',
        orders: [l.submit.order.id],
        message: `Rush ${l.submit.order.id} was ${what} although it brought the day's rush units to ${before + units}, over the quota of ${c.limit.toFixed(1)}.`,
      });
    }
    c.units = units;
  };
  const uncount = (l: Life) => {
    recount(l, 0, 'given back');
    l.counted = undefined;
  };

  for (const e of trace.events) {
    switch (e.kind) {
      case 'submit': {
        const life: Life = {
          submit: e,
          reports: [],
          promisedBy: e.decision.promisedBy,
          rushDecision: e.decision,
          rushDecisions: e.order.rush ? 1 : 0,
          quantity: e.order.quantity,
          changed: false,
          startedAnyway: false,
          late: [],
        };
        lives.set(e.order.id, life);
        const cause = e.order.rush?.cause ?? (e.order.rush ? 'client' : undefined);
        if (cause && cause !== 'client') companyRush = true;
        count(life, e.at, e.decision);
        break;
      }
      case 'cancel':
      case 'hold': {
        const life = lives.get(e.orderId);
        if (!life) break;
        life.changed = true;
        uncount(life);
        if (e.kind === 'cancel') {
          life.cancelled = e;
          life.heldSince = undefined;
        } else life.heldSince = e.at;
        break;
      }
      case 'release': {
        const life = lives.get(e.orderId);
        if (!life) break;
        life.heldSince = undefined;
        life.promisedBy = e.decision.promisedBy;
        if (life.submit.order.rush) {
          life.rushDecision = e.decision;
          life.rushDecisions++;
        }
        count(life, e.at, e.decision);
        break;
      }
      case 'amend': {
        const life = lives.get(e.orderId);
        if (!life) break;
        life.changed = true;
        if (e.changes.quantity !== undefined) life.quantity = e.changes.quantity;
        if (life.heldSince === undefined) life.promisedBy = e.decision.promisedBy;
        recount(life, unitsOf(life), 'amended');
        break;
      }
      case 'start': {
        const life = lives.get(e.orderId);
        if (life) {
          life.start = e;
          if (life.heldSince !== undefined || life.cancelled) life.startedAnyway = true;
        }
        break;
      }
      case 'finish': {
        const life = lives.get(e.orderId);
        if (life) life.finish = e;
        break;
      }
      case 'capacity':
        if (e.unitsPerHour < (rate.get(e.line) ?? 0)) capacityDropped = true;
        rate.set(e.line, e.unitsPerHour);
        break;
      case 'at-risk': {
        const life = lives.get(e.report.orderId);
        if (life) life.reports.push(e);
        break;
      }
      case 'late': {
        const life = lives.get(e.orderId);
        if (life) life.late.push(e);
        break;
      }
    }
    // The engine's time: the latest call (a 'late' or 'at-risk' event is not a call).
    if (e.kind !== 'late' && e.kind !== 'at-risk') lastTime = Math.max(lastTime, e.at);
  }

  const all = [...lives.values()];
  // Cancelled orders are never made, and the rank of a held or amended one was changed on
  // purpose: neither is late, dropped or out of turn (guarantee 7 counts them below).
  const ranked = all.filter((l) => !l.changed);
  const isPlain = (l: Life) =>
    !l.submit.order.rush &&
    l.submit.order.shipBy === undefined &&
    l.submit.order.pickupAt === undefined;
  const isCompany = (l: Life) =>
    l.submit.order.rush !== undefined && (l.submit.order.rush.cause ?? 'client') !== 'client';
  const startIndex = (l: Life) => l.start?.index ?? Number.POSITIVE_INFINITY;

  // Guarantee 1: plain orders of one line and tier, submitted in upload order, start in upload order.
  const groups = new Map<string, Life[]>();
  for (const l of ranked) {
    if (!isPlain(l)) continue;
    const k = `${l.submit.decision.line}|${l.submit.order.tier}`;
    const g = groups.get(k) ?? [];
    g.push(l);
    groups.set(k, g);
  }
  for (const g of groups.values()) {
    for (let i = 0; i < g.length; i++) {
      for (let j = i + 1; j < g.length; j++) {
        const a = g[i] as Life;
        const b = g[j] as Life;
        const ua = readTime(a.submit.order.uploadedAt) as number;
        const ub = readTime(b.submit.order.uploadedAt) as number;
        if (a.submit.index < b.submit.index && ua < ub && startIndex(b) < startIndex(a)) {
          out.push({
            guarantee: 'fcfs',
            orders: [a.submit.order.id, b.submit.order.id],
            message: `First uploaded, first made broken: ${b.submit.order.id} (uploaded ${fmt(ub)}) was started before ${a.submit.order.id} (uploaded ${fmt(ua)}), same line and tier.`,
          });
        }
      }
    }
  }

  // Guarantee 2: a company-caused order is produced before every order not yet in production when it arrived.
  for (const c of all) {
    if (!isCompany(c) || c.cancelled) continue;
    for (const o of all) {
      if (o === c || o.submit.decision.line !== c.submit.decision.line) continue;
      if (o.start && o.start.index < c.submit.index) continue;
      if (isCompany(o) && o.submit.index < c.submit.index) continue;
      if (startIndex(o) < startIndex(c)) {
        out.push({
          guarantee: 'company-first',
          orders: [c.submit.order.id, o.submit.order.id],
          message: `Company-caused ${c.submit.order.id} was not produced first: ${o.submit.order.id}, not yet started when it arrived, was started before it.`,
        });
      }
    }
  }

  for (const l of all) {
    const id = l.submit.order.id;
    const f = l.finish;
    // Guarantee 3: with no capacity drop and no company-caused rush, every order finishes by
    // its promise (the one in force: a release or an amendment gives a new one).
    if (f && f.at > l.promisedBy && !capacityDropped && !companyRush) {
      out.push({
        guarantee: 'promises-kept',
        orders: [id],
        message: `${id} finished ${fmt(f.at)}, after its promise ${fmt(l.promisedBy)}, on a day with no capacity drop and no company-caused rush.`,
      });
    }
    // Guarantee 4: every order finished late was reported at risk before it finished.
    if (f && f.at > l.promisedBy && !l.reports.some((r) => r.cause < f.index)) {
      out.push({
        guarantee: 'no-silent-delay',
        orders: [id],
        message: `${id} finished late (${fmt(f.at)}, promised ${fmt(l.promisedBy)}) without having been reported at risk first.`,
      });
    }
  }

  // Guarantee 4 as the events tell it (issue 18): a promise passing unfinished is told
  // 'late' exactly once, when time passes it, and never before the order was reported at risk.
  // An order held, cancelled or promised anew is counted by the second half only: whether its
  // promise passed depends on when it was held, cancelled or amended.
  for (const l of all) {
    const id = l.submit.order.id;
    const promise = l.submit.decision.promisedBy;
    const passed = l.finish ? l.finish.at > promise : lastTime > promise;
    const unchanged = !l.changed && l.promisedBy === promise;
    if (unchanged && l.late.length !== (passed ? 1 : 0))
      out.push({
        guarantee: 'late-told-once',
        orders: [id],
        message: `${id} (promised ${fmt(promise)}, ${l.finish ? `finished ${fmt(l.finish.at)}` : 'unfinished'}) was told late ${l.late.length} times; expected ${passed ? 'once' : 'never'}.`,
      });
    for (const late of l.late)
      if (!l.reports.some((r) => r.index < late.index))
        out.push({
          guarantee: 'no-silent-delay',
          orders: [id],
          message: `${id} was told late ${fmt(late.at)} without having been reported at risk before.`,
        });
  }

  // Guarantee 4, second half (rules.md §3): on lines driven as planned, only a company-caused
  // rush or a capacity change can put a promise at risk, and the call that did it names the
  // order at once.
  for (const e of trace.events) {
    if (e.kind !== 'at-risk') continue;
    const source = trace.events[e.cause];
    const id = e.report.orderId;
    const named =
      (source?.kind === 'submit' && source.decision.atRisk.includes(id)) ||
      (source?.kind === 'capacity' && source.atRisk.includes(id));
    if (!named) {
      out.push({
        guarantee: 'no-silent-delay',
        orders: [id],
        message: `${id} was reported at risk ${fmt(e.at)} by a ${source?.kind ?? 'missing'} event, not at once by the company rush or capacity change that caused it.`,
      });
    }
  }

  // Guarantee 7: every order is queued, held, in production, finished (or delivered) or
  // cancelled, as its calls left it; a held or cancelled order is not made; and every rush
  // decision (a release decides a held rush again) is registered. An order settled (finished
  // or cancelled) longer ago than the retention horizon before the engine's last time has left
  // memory, as it should: it is accounted for by its finish or its cancellation.
  const finalStatus = new Map(trace.final.orders.map((o) => [o.order.id, o.status]));
  const register = new Map<string, RushRecord[]>();
  for (const r of trace.rushRegister) {
    const list = register.get(r.orderId);
    if (list) list.push(r);
    else register.set(r.orderId, [r]);
  }
  const forgottenBy =
    (trace.final.lastTime ?? Number.NEGATIVE_INFINITY) - cfg.retention * MS_PER_DAY;
  for (const l of all) {
    const id = l.submit.order.id;
    const status = finalStatus.get(id);
    const expected = l.cancelled ? 'cancelled' : l.heldSince !== undefined ? 'held' : undefined;
    const settledAt = l.cancelled?.at ?? l.finish?.at;
    if (status === undefined && !(settledAt !== undefined && settledAt <= forgottenBy))
      out.push({
        guarantee: 'accounted-for',
        orders: [id],
        message: `${id} was submitted but the engine no longer knows it.`,
      });
    else if (status !== undefined && expected !== undefined && status !== expected)
      out.push({
        guarantee: 'accounted-for',
        orders: [id],
        message: `${id} should be ${expected} at the end, but the engine has it ${status}.`,
      });
    if (l.startedAnyway)
      out.push({
        guarantee: 'accounted-for',
        orders: [id],
        message: `${id} was started while it was held or after it was cancelled.`,
      });
    if (l.submit.order.rush) {
      const rs = register.get(id) ?? [];
      const r = rs.at(-1);
      if (
        !r ||
        rs.length !== l.rushDecisions ||
        r.outcome !== l.rushDecision.outcome ||
        r.promisedBy !== l.rushDecision.promisedBy
      ) {
        out.push({
          guarantee: 'accounted-for',
          orders: [id],
          message: `The rush decision on ${id} is missing from the rush register or differs from it.`,
        });
      }
    }
  }
  return out;
}
