/**
 * The rush gates of rules.md §4 as one pure function: given the facts of a rush request, which
 * gate decides it. The engine gathers the facts from its ledger; this file holds the rules and
 * nothing else, so a lab can read them here in order.
 */
import type { Policy } from '../domain/policy.js';
import type { Tier } from '../domain/types.js';

/** The ids of the built-in gates, in the order they are tried. */
export type GateRule =
  | 'company-fault'
  | 'deadline-unreachable'
  | 'daily-rush-quota'
  | 'frequent-rusher'
  | 'large-rush-under-load'
  | 'would-break-promises'
  | 'accepted';

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
}

/** The quota, in units, that applies to a tier. */
export function quotaLimit(policy: Policy, tier: Tier, dailyCapacity: number): number {
  return (
    (policy.rush.quotaShare + (tier === 'key' ? policy.rush.keyReserveShare : 0)) * dailyCapacity
  );
}

/** Runs the gates in order and answers the deciding rule and whether the rush is accepted. */
export function decideRush(
  facts: RushFacts,
  policy: Policy,
): { rule: GateRule; accepted: boolean } {
  if (facts.companyCaused) return { rule: 'company-fault', accepted: true };
  if (!facts.deadlineReachable) return { rule: 'deadline-unreachable', accepted: false };
  if (facts.quotaUsed + facts.units > quotaLimit(policy, facts.tier, facts.dailyCapacity)) {
    return { rule: 'daily-rush-quota', accepted: false };
  }
  if (facts.tight && facts.tier !== 'key' && facts.recentRushes >= policy.rush.frequentRushCount) {
    return { rule: 'frequent-rusher', accepted: false };
  }
  const small = policy.rush.smallQuantity[facts.product] ?? 0;
  if (facts.tight && facts.tier === 'regular' && facts.quantity > small) {
    return { rule: 'large-rush-under-load', accepted: false };
  }
  if (!facts.keepsPromises()) return { rule: 'would-break-promises', accepted: false };
  return { rule: 'accepted', accepted: true };
}
