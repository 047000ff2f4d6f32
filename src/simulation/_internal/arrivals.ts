/**
 * The orders of one simulated day, drawn from a scenario before the day is run: the day
 * depends on the seed only, so two policies compared on one seed see the same orders.
 */
import { DateTime } from 'luxon';
import type { Order, Tier } from '../../domain/types.js';
import { MS_PER_HOUR } from '../../time/units.js';
import type { ResolvedScenario } from '../scenario.js';
import type { Rng } from './random.js';

export interface Client {
  id: string;
  tier: Tier;
  habitual: boolean;
}

export interface Arrival {
  at: number;
  order: Order;
  client: Client;
}

/** Arrival instants of a Poisson process whose rate is constant within each local clock hour. */
export function arrivalTimes(s: ResolvedScenario, rng: Rng): number[] {
  const end = s.start + s.durationHours * MS_PER_HOUR;
  const times: number[] = [];
  let t = s.start;
  while (t < end) {
    // Calendar math at the edge: which local hour is this, and when does it end (DST-safe).
    const local = DateTime.fromMillis(t, { zone: s.calendar.zone });
    const next = Math.min(end, local.startOf('hour').plus({ hours: 1 }).toMillis());
    const rate = s.perHour[local.hour] ?? 0;
    if (rate > 0) {
      // The process is memoryless, so it can be restarted at each change of rate.
      const mean = MS_PER_HOUR / rate;
      let a = t + rng.exponential(mean);
      while (a < next) {
        times.push(Math.floor(a));
        a += rng.exponential(mean);
      }
    }
    t = next;
  }
  return times;
}

/** The clients of the day: tiers drawn from the mix, a share of them habitual rushers. */
export function makeClients(s: ResolvedScenario, rng: Rng): Client[] {
  const clients: Client[] = [];
  const width = String(s.mix.clients.count).length;
  for (let i = 0; i < s.mix.clients.count; i++) {
    clients.push({
      id: `C${String(i + 1).padStart(width, '0')}`,
      tier: rng.pick(s.mix.tiers),
      habitual: rng.uniform() < s.mix.clients.habitualShare,
    });
  }
  return clients;
}

/** Draws every order of a day. */
export function makeArrivals(s: ResolvedScenario, rng: Rng): Arrival[] {
  const clients = makeClients(s, rng);
  const { habitualWeight, habitualRushShare } = s.mix.clients;
  // Cumulative weights: a habitual client places `habitualWeight` orders for another's one.
  const cumulative: number[] = [];
  let total = 0;
  for (const c of clients) {
    total += c.habitual ? habitualWeight : 1;
    cumulative.push(total);
  }
  const habitualWeightTotal = clients.filter((c) => c.habitual).length * habitualWeight;
  const fromHabitual = habitualWeightTotal / total;
  // Company rushes take `share × companyShare` of orders. Client rushes take the rest of the
  // rush share; habitual clients rush at their own rate and the others make up the balance,
  // so the overall share holds on average (unless habitual clients alone exceed it).
  const company = s.mix.rush.share * s.mix.rush.companyShare;
  const clientShare = company < 1 ? (s.mix.rush.share - company) / (1 - company) : 0;
  const occasionalRush =
    fromHabitual < 1
      ? Math.min(
          1,
          Math.max(0, (clientShare - fromHabitual * habitualRushShare) / (1 - fromHabitual)),
        )
      : 0;

  const times = arrivalTimes(s, rng);
  const width = Math.max(6, String(times.length).length);
  const [lo, hi] = s.mix.pickupLeadHours;
  return times.map((at, i): Arrival => {
    const u = rng.uniform() * total;
    let a = 0;
    let b = cumulative.length - 1;
    while (a < b) {
      const m = (a + b) >> 1;
      if ((cumulative[m] as number) > u) b = m;
      else a = m + 1;
    }
    const client = clients[a] as Client;
    const product = rng.pick(s.mix.products);
    const quantity = rng.quantity(
      s.mix.quantity[product] as NonNullable<(typeof s.mix.quantity)[string]>,
    );
    const order: Order = {
      id: `O${String(i + 1).padStart(width, '0')}`,
      clientId: client.id,
      tier: client.tier,
      product,
      quantity,
      uploadedAt: at,
    };
    if (rng.uniform() < company) {
      const cause = rng.pick(s.mix.rush.causes);
      order.rush = cause === 'rework' ? { cause, reason: 'rework (simulated)' } : { cause };
    } else if (rng.uniform() < (client.habitual ? habitualRushShare : occasionalRush)) {
      order.rush = { urgency: rng.pick(s.mix.rush.urgency), cause: 'client' };
    }
    if (rng.uniform() < s.mix.pickupShare) {
      const hours = lo + (hi - lo) * rng.uniform();
      order.pickupAt = at + Math.round((hours * MS_PER_HOUR) / 60_000) * 60_000;
    }
    return { at, order, client };
  });
}
