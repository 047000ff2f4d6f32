/**
 * A season: days and warm-up days, weekday and holiday load, clients with their own rush
 * habits, and the rush policy's gates at work on the built-in `season` (issue 20).
 */
import { describe, expect, test } from 'vitest';
import {
  parseScenario,
  type Scenario,
  type SimulationResult,
  season,
  simulate,
  ValidationError,
} from '../../src/index.js';
import { expectedArrivals } from '../../src/simulation/_internal/arrivals.js';

const kpi = (r: SimulationResult, id: string) => r.summary.kpis.find((k) => k.id === id);

const GATES = [
  'daily-rush-quota',
  'frequent-rusher',
  'large-rush-under-load',
  'would-break-promises',
] as const;

/** A flat week: ten orders an hour, every day, no breakdowns. */
const week: Scenario = {
  ...season,
  name: 'A flat week',
  start: '2026-12-01T00:00:00+08:00',
  days: 7,
  warmUpDays: 1,
  arrivals: { perHour: 10 },
  load: {},
  capacityEvents: [],
};

describe('the load of a season', () => {
  test('weekday factors multiply the rates on their local days, Monday first', () => {
    // 2026-12-01 is a Tuesday: the week holds each weekday once.
    const flat = expectedArrivals(parseScenario(week));
    expect(flat).toBeCloseTo(10 * 24 * 7, 6);
    const saturdays = expectedArrivals(
      parseScenario({ ...week, load: { weekday: [1, 1, 1, 1, 1, 3, 1] } }),
    );
    expect(saturdays).toBeCloseTo(10 * 24 * 9, 6);
  });

  test('the holiday ramp rises linearly to its peak on the eve and stops at the holiday', () => {
    const s = parseScenario({
      ...week,
      days: 4,
      warmUpDays: 0,
      load: { holiday: { date: '2026-12-04', peak: 3, rampDays: 2 } },
    });
    // 1 Dec (3 days before): 1; 2 Dec: 2; 3 Dec, the eve: 3; 4 Dec, the holiday: 1.
    expect(expectedArrivals(s)).toBeCloseTo(10 * 24 * (1 + 2 + 3 + 1), 6);
  });

  test('days or durationHours, one of them; a holiday on a real date', () => {
    const issues = (input: unknown) => {
      try {
        parseScenario(input);
        return [];
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        return error.issues.map((i) => i.path);
      }
    };
    expect(issues({ ...week, durationHours: 24 })).toEqual(['durationHours']);
    const { days: _, ...neither } = week;
    expect(issues(neither)).toEqual(['durationHours']);
    expect(issues({ ...week, warmupHours: 4 })).toEqual(['warmUpDays']);
    expect(
      issues({ ...week, load: { holiday: { date: '2026-02-30', peak: 2, rampDays: 3 } } }),
    ).toEqual(['load.holiday.date']);
    const s = parseScenario(week);
    expect([s.durationHours, s.warmupHours]).toEqual([7 * 24, 24]);
  });
});

describe('the season at the default policy', () => {
  // Two replications of the full season (about 40,000 orders): the measured shares over ten
  // are in docs/simulation.md; these two must already show every gate at work.
  const r = simulate(season, { seed: 1, replications: 2 });
  const d = r.summary.rushDecisions;
  const clientRequests = Object.entries(d.total)
    .filter(([rule]) => rule !== 'company-fault')
    .reduce((a, [, n]) => a + n, 0);

  test('every client-rush gate of rules.md §4 decides at least 1% of client rush requests', () => {
    const shares = Object.fromEntries(GATES.map((g) => [g, (d.total[g] ?? 0) / clientRequests]));
    for (const g of GATES)
      expect(shares[g], `${g}: ${JSON.stringify(shares)}`).toBeGreaterThan(0.01);
  });

  test('key clients are accepted at least as often as regular ones', () => {
    const key = kpi(r, 'rushAcceptance.tier.key')?.mean as number;
    const regular = kpi(r, 'rushAcceptance.tier.regular')?.mean as number;
    expect(key).toBeGreaterThanOrEqual(regular);
  });

  test('the decisions add up: days to the total, rules to the KPIs, the quota within its limit', () => {
    const byDays: Record<string, number> = {};
    for (const day of d.days)
      for (const [rule, n] of Object.entries(day.rules)) byDays[rule] = (byDays[rule] ?? 0) + n;
    expect(byDays).toEqual({ ...d.total });
    expect(d.days.map((x) => x.day)).toEqual([...d.days.map((x) => x.day)].sort());
    // Counted client rush requests, over both replications, from the KPIs.
    const requests = kpi(r, 'orders.rush')?.values.reduce((a, v) => (a as number) + (v ?? 0), 0);
    expect(clientRequests).toBe(requests);
    const company = kpi(r, 'orders.company')?.values.reduce((a, v) => (a as number) + (v ?? 0), 0);
    expect(d.total['company-fault']).toBe(company);
    for (const g of GATES) {
      const shares = kpi(r, `rushDeclined.${g}`)?.values as number[];
      const rushes = kpi(r, 'orders.rush')?.values as number[];
      const fromKpis = shares.reduce((a, s, i) => a + Math.round(s * (rushes[i] as number)), 0);
      expect(d.total[g], g).toBe(fromKpis);
    }
    // Key clients may use their reserve (10% on 25%): never more than 1.4 times the quota.
    for (const q of d.quota) expect(q.used).toBeLessThanOrEqual(q.limit * 1.4 + 1e-9);
    expect(d.quota.some((q) => q.used > q.limit * 0.95)).toBe(true);
  });

  test('every client keeps one tier, and habitual rushers ask far more often than the others', () => {
    const tiers = new Map<string, string>();
    for (const o of r.orders) {
      expect(tiers.get(o.clientId) ?? o.tier).toBe(o.tier);
      tiers.set(o.clientId, o.tier);
    }
    const rate = (habitual: boolean) => {
      const mine = r.orders.filter((o) => o.habitual === habitual && o.cause !== 'damaged');
      return mine.filter((o) => o.class === 'rush').length / mine.length;
    };
    expect(rate(true)).toBeGreaterThan(2 * rate(false));
  });
});

test('a season is deterministic: the same seed gives byte-identical summary JSON', () => {
  const short = { ...week, name: 'Short season', load: season.load, days: 5 };
  const a = JSON.stringify(simulate(short, { seed: 5, replications: 2 }).summary);
  const b = JSON.stringify(simulate(short, { seed: 5, replications: 2 }).summary);
  expect(a).toBe(b);
});
