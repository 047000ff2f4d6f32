/**
 * The orders of one simulated day, drawn from a scenario before the day is run: the day
 * depends on the seed only, so two policies compared on one seed see the same orders.
 */
import { DateTime } from 'luxon';
import type { Order, Tier } from '../../domain/types.js';
import { MS_PER_DAY, MS_PER_HOUR, MS_PER_MINUTE } from '../../time/units.js';
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

/**
 * Calls `each` for every stretch of the arrival window within one local clock hour, with that
 * hour's rate. Calendar math at the edge, read from the zone's offset at each instant: the
 * local hour starts where the local clock reads a whole hour, so a DST change moves the
 * boundaries with the clock, and every stretch ends later than it starts, also where the
 * clock goes back by half an hour (Lord Howe Island), on which luxon's `startOf('hour')`
 * answered the same instant again and the loop never ended.
 */
function eachHour(
  s: ResolvedScenario,
  each: (from: number, to: number, perHour: number) => void,
): void {
  const zone = DateTime.fromMillis(s.start, { zone: s.calendar.zone }).zone;
  const end = s.start + s.durationHours * MS_PER_HOUR;
  let t = s.start;
  while (t < end) {
    const local = t + zone.offset(t) * MS_PER_MINUTE;
    const intoHour = ((local % MS_PER_HOUR) + MS_PER_HOUR) % MS_PER_HOUR;
    const hour = Math.floor((((local % MS_PER_DAY) + MS_PER_DAY) % MS_PER_DAY) / MS_PER_HOUR);
    const next = Math.min(end, t - intoHour + MS_PER_HOUR);
    each(t, next, s.perHour[hour] ?? 0);
    t = next;
  }
}

/** How many orders a day of the scenario brings on average: known before any is drawn. */
export function expectedArrivals(s: ResolvedScenario): number {
  let n = 0;
  eachHour(s, (from, to, rate) => {
    n += (rate * (to - from)) / MS_PER_HOUR;
  });
  return n;
}

/** Arrival instants of a Poisson process whose rate is constant within each local clock hour. */
export function arrivalTimes(s: ResolvedScenario, rng: Rng): number[] {
  const times: number[] = [];
  eachHour(s, (from, to, rate) => {
    if (rate <= 0) return;
    // The process is memoryless, so it can be restarted at each change of rate.
    const mean = MS_PER_HOUR / rate;
    let a = from + rng.exponential(mean);
    while (a < to) {
      times.push(Math.floor(a));
      a += rng.exponential(mean);
    }
  });
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

/**
 * How many orders `makeArrivals` would draw from `rng`. It draws the clients and then the
 * times before anything else, so drawing those two here gives the same times.
 */
export function countArrivals(s: ResolvedScenario, rng: Rng): number {
  makeClients(s, rng);
  return arrivalTimes(s, rng).length;
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
