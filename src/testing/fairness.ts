/**
 * Monotone fairness (rules.md §7.6), all else equal: a better tier, fewer recent rushes, a
 * smaller quantity and more capacity never turn an acceptance into a decline. The check takes a
 * day (a stream of calls), plays it on simulated lines without draining them, and asks the same
 * rush of clones of that one state, changing one thing at a time. It holds for the built-in
 * gates by construction; it is what a lab's custom gates must be checked for.
 */
import fc from 'fast-check';
import type { Decision, Order, Tier, Urgency } from '../domain/types.js';
import { resolveConfig, type SchedulerConfig } from '../engine/config.js';
import { createScheduler, Scheduler } from '../engine/scheduler.js';
import { MS_PER_MINUTE } from '../time/units.js';
import { orderStreams, STREAM_START } from './arbitraries.js';
import { runTrace, type StreamItem } from './run-trace.js';

/** The rush asked of every clone. */
export interface FairnessProbe {
  tier: Tier;
  product: string;
  quantity: number;
  urgency: Urgency;
  /** The client is `c<client>`, as in the generated streams. */
  client: number;
}

/** One case: a day, the rush asked after it, and the changes to compare it with. */
export interface FairnessCase {
  day: StreamItem[];
  probe: FairnessProbe;
  /** How many more items the larger rush has. */
  larger: number;
  /** Another client, to compare habits with. */
  otherClient: number;
  /** The capacity factor of the "more capacity" clone (> 1). */
  factor: number;
}

/** A broken §7.6 comparison. */
export interface FairnessViolation {
  guarantee: 'monotone-fairness';
  /** What was changed between the two requests. */
  dimension: 'tier' | 'recent-rushes' | 'quantity' | 'capacity';
  orders: string[];
  message: string;
}

const TIERS: readonly Tier[] = ['key', 'special', 'regular'];

/** Cases for a configuration: busy days (often tight lines) and rushes around the small-rush thresholds. */
export function fairnessCases(config: SchedulerConfig = {}): fc.Arbitrary<FairnessCase> {
  const cfg = resolveConfig(config);
  const products = [...new Set(cfg.lines.flatMap((l) => l.products))];
  const thresholds = products.map((p) => cfg.policy.rush.smallQuantity[p] ?? 1);
  const top = Math.max(...thresholds);
  return fc.record({
    day: orderStreams(config, {
      companyShare: 0.05,
      rushShare: 0.5,
      maxGapMinutes: 6,
      maxOrders: 30,
    }),
    probe: fc.record({
      tier: fc.constantFrom(...TIERS),
      product: fc.constantFrom(...products),
      // Small quantities often, around the small-rush thresholds sometimes.
      quantity: fc.oneof(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: Math.max(1, top - 10), max: top + 10 }),
      ),
      urgency: fc.constantFrom<Urgency>('immediate', 'half-day', 'same-day', 'next-day'),
      client: fc.integer({ min: 0, max: 5 }),
    }),
    larger: fc.oneof(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 60 })),
    otherClient: fc.integer({ min: 0, max: 5 }),
    factor: fc.constantFrom(1.1, 1.5, 2, 4),
  });
}

const describeRush = (p: FairnessProbe) =>
  `${p.urgency === 'immediate' ? 'an' : 'a'} ${p.urgency} rush for ${p.quantity} ${p.product} from a ${p.tier} client (c${p.client})`;
const why = (d: Decision) => `${d.reasons[0]?.rule}: ${d.reasons[0]?.message}`;

/** The §7.6 comparisons for one case; empty when all hold. */
export function checkMonotoneFairness(
  config: SchedulerConfig,
  c: FairnessCase,
): FairnessViolation[] {
  const cfg = resolveConfig(config);
  // The day on simulated lines, left as it stands after its last call (not drained).
  const s = createScheduler(config);
  const snapshot = runTrace(config, c.day, { drain: false, scheduler: s }).final;
  const at = (c.day.at(-1)?.at ?? STREAM_START) + 5 * MS_PER_MINUTE;
  // The snapshot was taken from a scheduler of this very configuration, so the clones skip
  // restoreScheduler's validation of it (the expensive part) and load a deep copy directly.
  const clone = () => {
    const copy = new Scheduler(cfg);
    copy.load(structuredClone(snapshot));
    return copy;
  };
  const ask = (sched: Scheduler, p: FairnessProbe): Decision =>
    sched.submit(
      {
        id: 'probe',
        clientId: `c${p.client}`,
        tier: p.tier,
        product: p.product,
        quantity: p.quantity,
        uploadedAt: at,
        rush: { urgency: p.urgency, cause: 'client' },
      } satisfies Order,
      at,
    );
  const ok = (d: Decision) => d.outcome === 'rush-accepted';
  const out: FairnessViolation[] = [];
  const fail = (
    dimension: FairnessViolation['dimension'],
    better: FairnessProbe,
    worse: FairnessProbe,
    d: Decision,
    what: string,
  ) =>
    out.push({
      guarantee: 'monotone-fairness',
      dimension,
      orders: ['probe'],
      message: `${describeRush(worse)} is accepted, but ${describeRush(better)} is declined (${why(d)}): ${what} must never turn an acceptance into a decline.`,
    });

  // Every tier and (up to three) products for the one request: the breaking case of a rule
  // often needs a particular tier or product, and the state is the expensive part to find.
  const products = [c.probe.product, ...new Set(cfg.lines.flatMap((l) => l.products))]
    .filter((p, i, all) => all.indexOf(p) === i)
    .slice(0, 3);
  const count = (client: number) =>
    s
      .rushRegister()
      .filter(
        (x) => x.clientId === `c${client}` && x.cause === 'client' && x.outcome === 'rush-accepted',
      ).length;
  const [few, many] =
    count(c.probe.client) <= count(c.otherClient)
      ? [c.probe.client, c.otherClient]
      : [c.otherClient, c.probe.client];

  for (const product of products) {
    // Tier: key ≥ special ≥ regular.
    const byTier = TIERS.map((tier) => {
      const p = { ...c.probe, product, tier };
      return { p, d: ask(clone(), p) };
    });
    for (let i = 0; i + 1 < byTier.length; i++) {
      const better = byTier[i] as (typeof byTier)[number];
      const worse = byTier[i + 1] as (typeof byTier)[number];
      if (ok(worse.d) && !ok(better.d)) fail('tier', better.p, worse.p, better.d, 'a better tier');
    }
    for (const { p: v, d: base } of byTier) {
      // Recent rushes: the client with fewer accepted client rushes is not worse off.
      if (count(few) < count(many)) {
        const pm = { ...v, client: many };
        const pf = { ...v, client: few };
        const dm = ask(clone(), pm);
        const df = ask(clone(), pf);
        if (ok(dm) && !ok(df))
          fail(
            'recent-rushes',
            pf,
            pm,
            df,
            `fewer recent rushes (${count(few)} against ${count(many)})`,
          );
      }
      // Quantity: the smaller rush (the generated one, and a single item) is not worse off.
      for (const quantity of new Set([v.quantity, 1])) {
        const small = { ...v, quantity };
        const large = { ...v, quantity: quantity + c.larger };
        const dl = ask(clone(), large);
        if (!ok(dl)) continue;
        const ds = quantity === v.quantity ? base : ask(clone(), small);
        if (!ok(ds)) fail('quantity', small, large, ds, 'a smaller quantity');
      }
      // Capacity: the same rush on lines made faster.
      if (ok(base)) {
        const more = clone();
        for (const l of cfg.lines) more.setCapacity(l.id, l.unitsPerHour * c.factor, at);
        const d = ask(more, v);
        if (!ok(d))
          out.push({
            guarantee: 'monotone-fairness',
            dimension: 'capacity',
            orders: ['probe'],
            message: `${describeRush(v)} is accepted, but declined when every line is ${c.factor} times faster (${why(d)}): more capacity must never turn an acceptance into a decline.`,
          });
      }
    }
  }
  return out;
}
