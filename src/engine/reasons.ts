/**
 * The sentences of decisions. The engine keeps a decision as numbers (the order's record and,
 * for a rush, its `Why`) and renders the sentences when they are asked for: at submit for the
 * caller's copy, and on `explain`, the rush register and snapshots. The policy and calendar of
 * an engine never change, so a decision renders the same every time.
 */

import { type RequestedSource, requestedTime } from '../domain/requested.js';
import type { Decision, NormalizedOrder, Reason, RushRecord } from '../domain/types.js';
import { handedOut } from './_internal/handed-out.js';
import type { OrderRecord, RushEntry, Why } from './records.js';
import type { EngineState } from './state.js';

/** The decision of an order, as a fresh object the caller may change. */
export function decisionOf(st: EngineState, rec: OrderRecord): Decision {
  const why = rec.why;
  if (why?.kind === 'stored') return structuredClone(why.decision);
  let reasons: Reason[];
  if (why === undefined) reasons = normalReasons(st, rec, undefined);
  else if (why.kind === 'company') reasons = companyReasons(st, rec, why);
  else {
    const first = clientReason(st, rec, why);
    reasons = rec.outcome === 'rush-declined' ? normalReasons(st, rec, first) : [first];
  }
  const atRisk = why?.kind === 'company' ? [...why.atRisk] : [];
  // On a line that is down the order's own promise is at risk from the start, and its decision
  // says so at once (docs/rules.md, "A line down").
  if (rec.decidedDown) atRisk.push(rec.order.id);
  // `earliestPossible` keeps its place among the keys.
  return rec.earliest !== undefined
    ? {
        orderId: rec.order.id,
        line: rec.line,
        outcome: rec.outcome,
        promisedBy: rec.promisedBy,
        reasons,
        atRisk,
        earliestPossible: rec.earliest,
        decidedAt: rec.submittedAt,
        requestedBy: rec.requestedBy,
      }
    : {
        orderId: rec.order.id,
        line: rec.line,
        outcome: rec.outcome,
        promisedBy: rec.promisedBy,
        reasons,
        atRisk,
        decidedAt: rec.submittedAt,
        requestedBy: rec.requestedBy,
      };
}

/**
 * A rush register entry with its sentences, as a fresh object. An entry whose sentences are
 * rendered on read is rendered from its order's decision: the order `orderOf` finds (by default
 * the one the state holds; a snapshot cut at an earlier moment finds it as it was then).
 */
export function rushRecordOf(
  st: EngineState,
  e: RushEntry,
  orderOf: (id: string) => OrderRecord | undefined = (id) => st.orders.get(id),
): RushRecord {
  if (e.reasons !== undefined) return structuredClone(e) as RushRecord;
  const d = handedOut(decisionOf(st, orderOf(e.orderId) as OrderRecord));
  // Every other field is a primitive but the quota; the reasons and at-risk list are fresh.
  // The keys keep their places: `reasons` and `atRisk` are in the entry, undefined.
  return { ...e, reasons: d.reasons, atRisk: d.atRisk, quota: { ...e.quota } } as RushRecord;
}

/** The sources of a requested time, by their index in the sentence table's keys. */
const TIER_SOURCE = { key: 0, special: 1, regular: 2 } as const;
const SHIP = 3;
const PICKUP = 4;
const FCFS = 5;
/** The three sentences of `normalReasons`, by their index in the sentence table's keys. */
const AS_ASKED = 0;
const AVAILABLE = 1;
const RAISED = 2;

/**
 * The promise of an order queued with its normal promise (rules.md §3): the time asked for
 * (turnaround, ship or pickup time), raised by first uploaded, first made when an earlier
 * upload of the same tier was promised later, and the promise the line can keep.
 */
function normalReasons(st: EngineState, rec: OrderRecord, before: Reason | undefined): Reason[] {
  const o = rec.order;
  const asked = requestedTime(o, st.config.policy);
  let requested = asked.time;
  let source = sourceOf(o, asked.source);
  let own: Reason | undefined;
  // The record keeps the time asked for after first uploaded, first made; it is later than the
  // order's own time exactly when the rule raised it.
  if (rec.requestedBy > requested) {
    own = {
      rule: 'first-uploaded-first-made',
      message: sentence(st, RAISED, source, requested, rec.requestedBy, o.tier),
    };
    requested = rec.requestedBy;
    source = FCFS;
  }
  const promise = rec.promisedBy;
  const reason: Reason =
    promise === requested
      ? {
          rule: 'requested-time',
          message: sentence(st, AS_ASKED, source, requested, promise, o.tier),
        }
      : {
          rule: 'available-to-promise',
          message: sentence(st, AVAILABLE, source, requested, promise, o.tier),
        };
  if (before === undefined) return own ? [reason, own] : [reason];
  return own ? [before, reason, own] : [before, reason];
}

/**
 * One sentence of `normalReasons`. Its text follows from the sentence, the source and the two
 * times' minutes (`t` shows minutes), so it is kept in the engine's sentence table and shared
 * between decisions: strings cannot be changed, so no caller can tell.
 */
function sentence(
  st: EngineState,
  kind: number,
  source: number,
  requested: number,
  promise: number,
  tier: NormalizedOrder['tier'],
): string {
  const table = st.sentences;
  const a = kind * 8 + source;
  const cached = table.get(a, requested, promise);
  if (cached !== undefined) return cached;
  const from = sourceText(st, source, tier);
  return table.put(
    kind === AS_ASKED
      ? `promised by ${st.t(promise)}, as asked by ${from}.`
      : kind === AVAILABLE
        ? `${from} asks for ${st.t(requested)}, which the line cannot keep without delaying promised orders; promised by ${st.t(promise)}, the earliest it can.`
        : `${from} (${st.t(requested)}) is raised to ${st.t(promise)}, the promise of an earlier upload of the same tier.`,
  );
}

/** Where a requested time comes from, in words. */
function sourceText(st: EngineState, source: number, tier: NormalizedOrder['tier']): string {
  return source <= 2
    ? `the ${st.config.policy.standardTurnaroundHours[tier]} h turnaround for ${tier} clients`
    : source === SHIP
      ? 'the ship time'
      : source === PICKUP
        ? 'the pickup time'
        : 'first uploaded, first made';
}

/** The source index of the time `order` asks for on its own. */
function sourceOf(order: NormalizedOrder, source: RequestedSource): number {
  return source === 'ship' ? SHIP : source === 'pickup' ? PICKUP : TIER_SOURCE[order.tier];
}

function companyReasons(
  st: EngineState,
  rec: OrderRecord,
  why: Extract<Why, { kind: 'company' }>,
): Reason[] {
  const o = rec.order;
  const rush = o.rush as NonNullable<NormalizedOrder['rush']>;
  const reasons: Reason[] = [
    {
      rule: 'company-fault',
      message: `${rush.cause} is the company's own fault: handled as the most urgent, produced before every client order, outside the rush quota.`,
    },
  ];
  if (why.pushed) {
    let deadlineText = 'the immediate deadline';
    if (rush.cause === 'rework') {
      const sla = st.config.policy.reworkSlaHours[o.product] ?? 'same-day';
      deadlineText =
        sla === 'same-day'
          ? `the rework deadline for ${o.product} (the same working day)`
          : `the rework deadline for ${o.product} (${sla} h)`;
    }
    reasons.push({
      rule: 'available-to-promise',
      message: `${deadlineText} ${st.t(why.deadline)} cannot be met even first in line; the earliest finish is ${st.t(rec.promisedBy)}.`,
    });
  }
  const atRisk = why.atRisk;
  if (atRisk.length > 0) {
    reasons.push({
      rule: 'company-fault',
      message: `puts ${atRisk.length} promised order${atRisk.length === 1 ? '' : 's'} at risk: ${atRisk.slice(0, 10).join(', ')}${atRisk.length > 10 ? ', …' : ''}.`,
    });
  }
  return reasons;
}

function clientReason(
  st: EngineState,
  rec: OrderRecord,
  why: Extract<Why, { kind: 'client' }>,
): Reason {
  const o = rec.order;
  const policy = st.config.policy;
  const urgency = o.rush?.urgency;
  const load = `${why.promisedPct}% of the rest of ${why.day} is promised`;
  const deadline = why.deadline as number;
  const earliest = rec.earliest as number;
  switch (why.rule) {
    case 'deadline-unreachable': {
      if (why.lineDownSince !== undefined)
        return {
          rule: why.rule,
          message: `line '${rec.line}' is down since ${st.t(why.lineDownSince)} and when it returns is not known, so no ${urgency} deadline can be promised; queued as an ordinary order and reported at risk.`,
        };
      const unreachable =
        why.closedDay !== undefined
          ? `the lab is closed for the rest of ${why.closedDay}`
          : why.askedAt !== undefined
            ? `asked for at ${why.askedAt}, after the same-day cutoff ${policy.rush.sameDayCutoff}`
            : `even produced next, ${o.quantity} ${o.product} would finish ${st.t(why.finish as number)}, after the ${urgency} deadline ${st.t(deadline)}`;
      return {
        rule: why.rule,
        message: `${unreachable}; the earliest the lab can promise is ${st.t(earliest)}.`,
      };
    }
    case 'daily-rush-quota':
      return {
        rule: why.rule,
        message: `${why.used} rush ${why.used === 1 ? 'unit' : 'units'} already accepted on ${rec.line} for ${why.day}; ${rec.units} more would pass the quota of ${Math.floor(why.limit)} (${Math.round((why.limit / Math.max(why.dailyCapacity, 1e-9)) * 100)}% of the day's ${Math.round(why.dailyCapacity)}).`,
      };
    case 'frequent-rusher':
      return {
        rule: why.rule,
        message: `the line is tight (${load}) and client ${o.clientId} has had ${why.recent} accepted rushes in the last ${policy.rush.frequencyWindowDays} days (limit ${policy.rush.frequentRushCount}).`,
      };
    case 'large-rush-under-load':
      return {
        rule: why.rule,
        message: `the line is tight (${load}) and ${o.quantity} ${o.product} is more than a small rush (${policy.rush.smallQuantity[o.product]}) for a regular client.`,
      };
    case 'would-break-promises':
      return {
        rule: why.rule,
        message: `promising ${st.t(deadline)} would make an order already promised late; the earliest the lab can promise without that is ${st.t(earliest)}.`,
      };
    case 'accepted': {
      const tight = why.tight ? ` (the line is tight: ${load})` : '';
      // An immediate rush asked for after the cutoff is made from the next working day's opening.
      const accepted =
        why.askedAt !== undefined
          ? `${urgency} rush accepted (asked for at ${why.askedAt}, after the same-day cutoff ${policy.rush.sameDayCutoff}, so made from the next working day's opening)`
          : `${urgency} rush accepted`;
      const promise = rec.promisedBy;
      if (promise === deadline)
        return {
          rule: why.rule,
          message: `${accepted}: ${o.quantity} ${o.product} promised by ${st.t(deadline)} without delaying any promised order${tight}.`,
        };
      // The order asked for less time on its own than the urgency gives, and a rush never
      // makes a promise later (rules.md §3).
      const asked = requestedTime(o, policy);
      const from = sourceText(st, sourceOf(o, asked.source), o.tier);
      const how =
        promise === rec.requestedBy
          ? `as ${from} asks`
          : `the earliest the line can keep after ${st.t(rec.requestedBy)}, which ${from} asks for`;
      return {
        rule: why.rule,
        message: `${accepted}: ${o.quantity} ${o.product} promised by ${st.t(promise)}, earlier than the ${urgency} deadline ${st.t(deadline)}, ${how}, without delaying any promised order${tight}.`,
      };
    }
    default:
      // A custom gate declined: its id is the rule, its sentence the message.
      return { rule: why.rule, message: why.message ?? '' };
  }
}
