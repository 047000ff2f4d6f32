/**
 * The orders of the benchmarks: a deterministic, realistic mix (three tiers, lognormal-ish
 * print quantities, about 15% client rushes, about 1% company rushes, some pickups) on one
 * round-the-clock print line sized so a queue of N spans about a week.
 */
import type { Order, SchedulerConfig, Tier, Urgency } from '../dist/index.js';

export const START = Date.UTC(2026, 10, 23);

/** A small LCG: the benchmarks must not depend on a library's generator changing. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 2 ** 32;
  };
}

const TIERS: Tier[] = ['key', 'special', 'regular', 'regular', 'regular'];
const URGENCIES: Urgency[] = ['immediate', 'half-day', 'same-day', 'next-day'];

export function config(n: number, extra: Partial<SchedulerConfig> = {}): SchedulerConfig {
  return {
    calendar: { zone: 'UTC', open: '00:00', close: '24:00', days: [1, 2, 3, 4, 5, 6, 7] },
    // About 40 items an order: n orders in about a week of production.
    lines: [{ id: 'print', products: ['print'], unitsPerHour: Math.max(60, (n * 40) / 168) }],
    policy: { rush: { quotaShare: 0.5 } },
    ...extra,
  };
}

/** N orders uploaded during the hour before START, submitted at START (a morning's backlog). */
export function backlog(n: number, seed = 1, rushes = true): Order[] {
  const r = rng(seed);
  const out: Order[] = [];
  for (let i = 0; i < n; i++) {
    const u = r();
    const o: Order = {
      id: `o${i}`,
      clientId: `c${Math.floor(r() * Math.max(10, n / 20))}`,
      tier: TIERS[Math.floor(r() * TIERS.length)] as Tier,
      product: 'print',
      quantity: Math.max(1, Math.round(Math.exp(3 + r() * 1.4))),
      uploadedAt: START - Math.floor((1 - i / n) * 3_600_000),
    };
    if (rushes && u < 0.01) o.rush = { cause: r() < 0.5 ? 'missing' : 'damaged' };
    else if (rushes && u < 0.16)
      o.rush = { urgency: URGENCIES[Math.floor(r() * 4)] as Urgency, cause: 'client' };
    else if (u > 0.9) o.pickupAt = START + Math.floor((24 + r() * 72) * 3_600_000);
    out.push(o);
  }
  return out;
}

/** Rush requests for the backlog's instant (uploaded at START). */
export function rushRequests(k: number, seed = 2): Order[] {
  const r = rng(seed);
  return Array.from({ length: k }, (_, i) => ({
    id: `r${i}`,
    clientId: `rc${i}`,
    tier: TIERS[Math.floor(r() * TIERS.length)] as Tier,
    product: 'print',
    quantity: 1 + Math.floor(r() * 50),
    uploadedAt: START,
    rush: { urgency: URGENCIES[Math.floor(r() * 4)] as Urgency, cause: 'client' as const },
  }));
}
