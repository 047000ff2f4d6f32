/**
 * The orders of one simulated day, drawn from a scenario before the day is run: the day
 * depends on the seed only, so two policies compared on one seed see the same orders.
 */
import { DateTime, type Zone } from 'luxon';
import { MS_PER_DAY, MS_PER_HOUR, MS_PER_MINUTE } from '../../time/units.js';
import type { MinutesRange, ResolvedLifecycle, ResolvedScenario } from '../scenario.js';
import {
  CLIENT_RUSH,
  type Client,
  classOf,
  type FateColumns,
  newSheet,
  type OrderSheet,
  RUSH_CAUSES,
  URGENCIES,
} from './order-sheet.js';
import type { Rng } from './random.js';

/** Days since 1970-01-01 on the lab's clock, at an instant. */
function localDay(zone: Zone, t: number): number {
  return Math.floor((t + zone.offset(t) * MS_PER_MINUTE) / MS_PER_DAY);
}

/**
 * The holiday ramp's factor on a local day (days since 1970-01-01 on the lab's clock): 1 until
 * `rampDays` before the holiday, then linearly up to `peak` on its eve, and 1 again from the
 * holiday on.
 */
function ramp(s: ResolvedScenario, day: number, peak: number): number {
  const h = s.load.holiday;
  if (!h) return 1;
  const before = h.day - day;
  if (before < 1 || before > h.rampDays) return 1;
  return 1 + ((peak - 1) * (h.rampDays - before + 1)) / h.rampDays;
}

/** The factor of the arrival rates on a local day: the weekday's, times the holiday ramp's. */
export function loadFactor(s: ResolvedScenario, day: number): number {
  // 1970-01-01 was a Thursday, ISO weekday 4; `weekday` lists Monday first.
  const weekday = s.load.weekday[(((day + 3) % 7) + 7) % 7] ?? 1;
  return weekday * ramp(s, day, s.load.holiday?.peak ?? 1);
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
    each(t, next, (s.perHour[hour] ?? 0) * loadFactor(s, localDay(zone, t)));
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

/**
 * The clients of the run: tiers drawn from the mix, a share of them habitual rushers, and each
 * with its own factor on its group's rush propensity (1 unless `propensitySpread` is set; the
 * propensity itself is set by `drawOrders`, which knows the groups' rates).
 */
export function makeClients(s: ResolvedScenario, rng: Rng): Client[] {
  const clients: Client[] = [];
  const width = String(s.mix.clients.count).length;
  const spread = s.mix.clients.propensitySpread;
  // A lognormal factor of mean 1 and coefficient of variation `spread`.
  const sigma = Math.sqrt(Math.log(1 + spread * spread));
  for (let i = 0; i < s.mix.clients.count; i++) {
    clients.push({
      id: `C${String(i + 1).padStart(width, '0')}`,
      tier: rng.pick(s.mix.tiers),
      habitual: rng.uniform() < s.mix.clients.habitualShare,
      rushPropensity: spread > 0 ? Math.exp(-(sigma * sigma) / 2 + sigma * rng.normal()) : 1,
    });
  }
  return clients;
}

/**
 * How many orders `drawOrders` would draw from `rng`. It draws the clients and then the
 * times before anything else, so drawing those two here gives the same times.
 */
export function countArrivals(s: ResolvedScenario, rng: Rng): number {
  makeClients(s, rng);
  return arrivalTimes(s, rng).length;
}

/**
 * Draws every order of a run (a day, or a season of days) into an order sheet (`order-sheet.ts`),
 * in submission order: the orders first, and then, with `Scenario.lifecycle`, their fates.
 */
export function drawOrders(s: ResolvedScenario, rng: Rng): OrderSheet {
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
  for (const c of clients)
    c.rushPropensity = Math.min(
      1,
      c.rushPropensity * (c.habitual ? habitualRushShare : occasionalRush),
    );

  // Last-minute rushes: toward the holiday each client asks more often, up to `rushPeak` times.
  const rushPeak = s.load.holiday?.rushPeak ?? 1;
  const zone = DateTime.fromMillis(s.start, { zone: s.calendar.zone }).zone;

  const times = arrivalTimes(s, rng);
  const products = s.mix.products.map(([p]) => p);
  const quantities = products.map(
    (p) => s.mix.quantity[p] as NonNullable<(typeof s.mix.quantity)[string]>,
  );
  const causes = s.mix.rush.causes.map(([c]) => RUSH_CAUSES.indexOf(c));
  const urgencies = s.mix.rush.urgency.map(([u]) => URGENCIES.indexOf(u));
  const sheet = newSheet(
    times.length,
    { clients, products, lines: s.lines.map((l) => l.id) },
    s.lifecycle !== null,
  );
  const [lo, hi] = s.mix.pickupLeadHours;
  for (let i = 0; i < times.length; i++) {
    const at = times[i] as number;
    const u = rng.uniform() * total;
    let a = 0;
    let b = cumulative.length - 1;
    while (a < b) {
      const m = (a + b) >> 1;
      if ((cumulative[m] as number) > u) b = m;
      else a = m + 1;
    }
    const client = clients[a] as Client;
    const product = rng.pickIndex(s.mix.products);
    sheet.submittedAt[i] = at;
    sheet.client[i] = a;
    sheet.product[i] = product;
    sheet.quantity[i] = rng.quantity(quantities[product] as (typeof quantities)[number]);
    if (rng.uniform() < company) {
      sheet.rush[i] = causes[rng.pickIndex(s.mix.rush.causes)] as number;
    } else if (
      rng.uniform() <
      (rushPeak === 1
        ? client.rushPropensity
        : client.rushPropensity * ramp(s, localDay(zone, at), rushPeak))
    ) {
      sheet.rush[i] = CLIENT_RUSH;
      sheet.urgency[i] = urgencies[rng.pickIndex(s.mix.rush.urgency)] as number;
    }
    if (rng.uniform() < s.mix.pickupShare) {
      const hours = lo + (hi - lo) * rng.uniform();
      sheet.pickupAt[i] = at + Math.round((hours * MS_PER_HOUR) / 60_000) * 60_000;
    }
  }
  if (s.lifecycle && sheet.fate) drawFates(s.lifecycle, sheet, sheet.fate, rng);
  return sheet;
}

/**
 * Draws each order's lifecycle after every order is drawn, so that a scenario gets the same
 * orders with or without `lifecycle`, and one without it draws nothing more. Each order takes
 * the same six draws whatever they decide, so that changing one share moves no other order's
 * fate. A company-caused order is never held: the engine refuses it.
 */
function drawFates(life: ResolvedLifecycle, sheet: OrderSheet, fate: FateColumns, rng: Rng): void {
  const ms = ([a, b]: MinutesRange) => Math.round((a + (b - a) * rng.uniform()) * MS_PER_MINUTE);
  for (let i = 0; i < sheet.length; i++) {
    const at = sheet.submittedAt[i] as number;
    const cancel = rng.uniform() < life.cancelShare;
    const cancelAfter = ms(life.cancelAfterMinutes);
    const hold = rng.uniform() < life.holdShare;
    const holdAfter = ms(life.holdAfterMinutes);
    const holdMs = ms(life.holdMinutes);
    const handoverMs = ms(life.handoverDelayMinutes);
    const company = classOf(sheet, i) === 'company';
    fate.cancelAt[i] = cancel ? at + cancelAfter : -1;
    fate.holdAt[i] = hold && !company ? at + holdAfter : -1;
    fate.holdMs[i] = holdMs;
    fate.handoverMs[i] = handoverMs;
  }
}
