/**
 * `checkGuarantees`: reads a trace and lists every guarantee of rules.md §7 it breaks. It
 * recomputes what it needs (production order, quota, lateness) from the trace and the
 * configuration alone, without asking the engine, so it can catch the engine out.
 *
 * Guarantees 6 (monotone fairness), 8 (determinism) and 9 (bad input) compare runs with each
 * other rather than read one trace; the property tests check them.
 */
import { readTime } from '../domain/time-input.js';
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
  | 'accounted-for';

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
  const quotaUsed = new Map<string, number>();
  const fmt = (t: number) => new Date(t).toISOString().slice(0, 16).replace('T', ' ');

  for (const e of trace.events) {
    switch (e.kind) {
      case 'submit': {
        lives.set(e.order.id, { submit: e, reports: [] });
        const cause = e.order.rush?.cause ?? (e.order.rush ? 'client' : undefined);
        if (cause && cause !== 'client') companyRush = true;
        if (cause === 'client' && e.decision.outcome === 'rush-accepted') {
          // Guarantee 5: accepted client-rush units per line and production day stay within the quota.
          const day = calendar.productionDay(e.at);
          const dayHours = (calendar.coord(day.close) - calendar.coord(day.open)) / MS_PER_HOUR;
          const units = e.order.quantity * (cfg.products[e.order.product]?.unitsPerItem ?? 1);
          const k = `${e.decision.line}|${day.date}`;
          const before = quotaUsed.get(k) ?? 0;
          const used = before + units;
          quotaUsed.set(k, used);
          const limit = quotaLimit(
            cfg.policy,
            e.order.tier,
            (rate.get(e.decision.line) ?? 0) * dayHours,
          );
          if (exceedsQuota(before, units, limit)) {
            out.push({
              guarantee: 'quota',
              orders: [e.order.id],
              message: `Rush ${e.order.id} was accepted on ${e.decision.line} for ${day.date} although it brought the day's rush units to ${used}, over the quota of ${limit.toFixed(1)}.`,
            });
          }
        }
        break;
      }
      case 'start': {
        const life = lives.get(e.orderId);
        if (life) life.start = e;
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
    }
  }

  const all = [...lives.values()];
  const isPlain = (l: Life) =>
    !l.submit.order.rush &&
    l.submit.order.shipBy === undefined &&
    l.submit.order.pickupAt === undefined;
  const isCompany = (l: Life) =>
    l.submit.order.rush !== undefined && (l.submit.order.rush.cause ?? 'client') !== 'client';
  const startIndex = (l: Life) => l.start?.index ?? Number.POSITIVE_INFINITY;

  // Guarantee 1: plain orders of one line and tier, submitted in upload order, start in upload order.
  const groups = new Map<string, Life[]>();
  for (const l of all) {
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
    if (!isCompany(c)) continue;
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
    // Guarantee 3: with no capacity drop and no company-caused rush, every order finishes by its promise.
    if (f && f.at > l.submit.decision.promisedBy && !capacityDropped && !companyRush) {
      out.push({
        guarantee: 'promises-kept',
        orders: [id],
        message: `${id} finished ${fmt(f.at)}, after its promise ${fmt(l.submit.decision.promisedBy)}, on a day with no capacity drop and no company-caused rush.`,
      });
    }
    // Guarantee 4: every order finished late was reported at risk before it finished.
    if (f && f.at > l.submit.decision.promisedBy && !l.reports.some((r) => r.cause < f.index)) {
      out.push({
        guarantee: 'no-silent-delay',
        orders: [id],
        message: `${id} finished late (${fmt(f.at)}, promised ${fmt(l.submit.decision.promisedBy)}) without having been reported at risk first.`,
      });
    }
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

  // Guarantee 7: every order is queued, in production or finished, and every rush decision is
  // registered. An order finished longer ago than the retention horizon (before the engine's
  // last time) has left memory, as it should: it is accounted for by its finish.
  const finalIds = new Set(trace.final.orders.map((o) => o.order.id));
  const register = new Map(trace.rushRegister.map((r) => [r.orderId, r]));
  const forgottenBy =
    (trace.final.lastTime ?? Number.NEGATIVE_INFINITY) - cfg.retention * MS_PER_DAY;
  for (const l of all) {
    const id = l.submit.order.id;
    if (!finalIds.has(id) && !(l.finish !== undefined && l.finish.at <= forgottenBy))
      out.push({
        guarantee: 'accounted-for',
        orders: [id],
        message: `${id} was submitted but the engine no longer knows it.`,
      });
    if (l.submit.order.rush) {
      const r = register.get(id);
      if (
        !r ||
        r.outcome !== l.submit.decision.outcome ||
        r.promisedBy !== l.submit.decision.promisedBy
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
