/**
 * The rush gates of rules.md §4 as one pure function: given the facts of a rush request, which
 * gate decides it. The engine gathers the facts from its ledger; this file holds the rules and
 * nothing else, so a lab can read them here in order.
 */
import { thrownText } from '../domain/errors.js';
import { own } from '../domain/keyed.js';
import type { Policy } from '../domain/policy.js';
import type { NormalizedOrder, Tier, Urgency } from '../domain/types.js';

/** The ids of the built-in gates, in the order they are tried. */
export type GateRule =
  | 'company-fault'
  | 'deadline-unreachable'
  | 'daily-rush-quota'
  | 'frequent-rusher'
  | 'large-rush-under-load'
  | 'would-break-promises'
  | 'accepted';

/** The ids of the built-in gates, which a custom gate may not take. */
export const BUILT_IN_GATES: readonly GateRule[] = [
  'company-fault',
  'deadline-unreachable',
  'daily-rush-quota',
  'frequent-rusher',
  'large-rush-under-load',
  'would-break-promises',
  'accepted',
];

/** The client rush a custom gate is asked about. */
export interface GateRequest {
  /** The order as validated (times in epoch ms); a copy, changing it changes nothing. */
  order: NormalizedOrder;
  urgency: Urgency;
}

/** The facts the built-in gates used, for a custom gate to decide on. */
export interface GateContext {
  /** The time of the decision (epoch ms). */
  at: number;
  /** The lab's production day the rush counts against, `yyyy-MM-dd`. */
  day: string;
  /** The line the order was assigned to. */
  line: string;
  /** Units of work of the order. */
  units: number;
  /** The deadline the rush asks for (epoch ms). */
  deadline: number;
  /** Whether the line is tight (rules.md §4). */
  tight: boolean;
  /** Client-rush units already accepted on the line for the day, and the limit for this tier. */
  quotaUsed: number;
  quotaLimit: number;
  /** The line's capacity for the day, in units. */
  dailyCapacity: number;
  /** The client's accepted client rushes within the frequency window. */
  recentRushes: number;
}

/**
 * A lab's own rush rule. It runs after the built-in gates 1–5 and before the feasibility gate,
 * for client rushes only, and can only decline: quota and promises stay the engine's to keep.
 */
export interface CustomGate {
  /** The rule id that appears in reasons, registers and `explain`; unique, not a built-in id. */
  id: string;
  /**
   * Returns a sentence saying why the rush is declined, or `undefined` to pass it on. A gate
   * that throws, or returns anything else, declines (fail closed) and the reason says so.
   */
  decline(request: GateRequest, context: GateContext): string | undefined;
}

/** What the gates look at. Facts that cost a ledger query are thunks, asked only when needed. */
export interface RushFacts {
  companyCaused: boolean;
  tier: Tier;
  product: string;
  quantity: number;
  units: number;
  /** Whether the order, produced next in its class, finishes by its urgency deadline. */
  deadlineReachable: boolean;
  /** Client-rush units already accepted on the line for the day. */
  quotaUsed: number;
  /** The line's daily capacity in units. */
  dailyCapacity: number;
  /** Whether the line is tight (rules.md §4). */
  tight: boolean;
  /** The client's accepted client rushes within the frequency window. */
  recentRushes: number;
  /** Whether promising the urgency deadline keeps every on-time order on time. */
  keepsPromises: () => boolean;
  /** What custom gates are given; asked only when there are custom gates to run. */
  custom?: () => { request: GateRequest; context: GateContext };
}

/** The verdict of the gates: a built-in rule, or a custom gate that declined with its reason. */
export type GateVerdict =
  | { rule: GateRule; accepted: boolean }
  | { rule: string; accepted: false; message: string };

function runCustom(
  gate: CustomGate,
  request: GateRequest,
  context: GateContext,
): string | undefined {
  let out: unknown;
  try {
    out = gate.decline(structuredClone(request), { ...context });
  } catch (error) {
    return `custom gate '${gate.id}' failed (${thrownText(error)}), so the rush is declined.`;
  }
  if (out === undefined || out === null) return undefined;
  if (typeof out === 'string' && out.length > 0) return out;
  return `custom gate '${gate.id}' returned ${typeof out === 'string' ? 'an empty string' : typeof out}, expected a reason or undefined, so the rush is declined.`;
}

/** The quota, in units, that applies to a tier. */
export function quotaLimit(policy: Policy, tier: Tier, dailyCapacity: number): number {
  return (
    (policy.rush.quotaShare + (tier === 'key' ? policy.rush.keyReserveShare : 0)) * dailyCapacity
  );
}

/** Quotas are compared in millionths of a unit, far finer than any quantity a lab orders. */
const QUOTA_STEP = 1e6;

/**
 * Whether a rush of `units` on top of `used` goes over the quota `limit`. Shares such as 0.35
 * have no exact binary value, so (0.25 + 0.10) × 10,800 computes to 3,779.999…; both sides are
 * rounded to millionths of a unit first, so a rush that lands exactly on the limit is within it.
 */
export function exceedsQuota(used: number, units: number, limit: number): boolean {
  return Math.round((used + units) * QUOTA_STEP) > Math.round(limit * QUOTA_STEP);
}

/** Runs the gates in order (the built-in ones, then `gates`, then feasibility) and answers the deciding rule and whether the rush is accepted. */
export function decideRush(
  facts: RushFacts,
  policy: Policy,
  gates: readonly CustomGate[] = [],
): GateVerdict {
  if (facts.companyCaused) return { rule: 'company-fault', accepted: true };
  if (!facts.deadlineReachable) return { rule: 'deadline-unreachable', accepted: false };
  if (
    exceedsQuota(facts.quotaUsed, facts.units, quotaLimit(policy, facts.tier, facts.dailyCapacity))
  ) {
    return { rule: 'daily-rush-quota', accepted: false };
  }
  if (facts.tight && facts.tier !== 'key' && facts.recentRushes >= policy.rush.frequentRushCount) {
    return { rule: 'frequent-rusher', accepted: false };
  }
  // The policy may be the caller's own object: only a product it names has a small quantity.
  const small = own(policy.rush.smallQuantity, facts.product) ?? 0;
  if (facts.tight && facts.tier === 'regular' && facts.quantity > small) {
    return { rule: 'large-rush-under-load', accepted: false };
  }
  if (gates.length > 0 && facts.custom) {
    const { request, context } = facts.custom();
    for (const gate of gates) {
      const why = runCustom(gate, request, context);
      if (why !== undefined) return { rule: gate.id, accepted: false, message: why };
    }
  }
  if (!facts.keepsPromises()) return { rule: 'would-break-promises', accepted: false };
  return { rule: 'accepted', accepted: true };
}
