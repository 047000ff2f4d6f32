/**
 * The simulator against queueing theory. One line open round the clock, Poisson arrivals, one
 * tier, no rushes: the real scheduler then serves orders first come, first served, and the
 * mean wait before production starts must match the M/G/1 formulas.
 *
 * Formulas (Kleinrock, *Queueing Systems, Vol. I: Theory*, 1975, §5.6–5.7; Cobham 1954; and
 * Kleinrock, *Vol. II: Computer Applications*, 1976, §3.6):
 *
 * - Pollaczek–Khinchine: a Poisson arrival finds, on average, the residual work of the order in
 *   production, W0 = λ·E[S²]/2 (the rate of orders times the mean area of one service's
 *   triangle S²/2), plus the work queued ahead, which by Little's law is ρ·Wq. So
 *   Wq = W0 + ρ·Wq, i.e. **Wq = λ·E[S²] / (2(1 − ρ))**.
 *   - M/M/1: E[S²] = 2/μ², which gives Wq = ρ / (μ − λ).
 *   - M/D/1: E[S²] = 1/μ², which gives Wq = ρ / (2μ(1 − ρ)).
 * - Cobham, two classes, non-preemptive, class 1 first: a class-1 arrival waits for W0 and the
 *   class-1 work queued ahead (ρ1·W1), so W1 = W0 / (1 − ρ1). A class-2 arrival also waits for
 *   the class-2 work ahead (ρ2·W2) and for class-1 work arriving while it waits (ρ1·W2):
 *   W2 = W0 + ρ1·W1 + ρ2·W2 + ρ1·W2, so **W2 = W0 / ((1 − ρ1)(1 − ρ))**.
 *
 * Sizes are whole items. A fixed size is exactly deterministic. The "exponential" size is an
 * exponential rounded up, a geometric variable: its exact first two moments are used in the
 * formulas (with a mean of 600 items they differ from the exponential's by under 0.1%).
 *
 * Tolerance. Each case runs R independent replications (after a warm-up that is not
 * counted) and takes the mean wait of each. Their spread gives the standard error of the
 * grand mean, and the test asks that the theory lie within 4 standard errors (a 99.8%
 * Student-t interval for R = 10) and that the standard error be under 4% of the theory, so a
 * systematic error of about 15% or more cannot pass. The run lengths follow from the
 * asymptotic variance of the M/M/1 mean wait (Whitt 1989): at ρ = 0.8 it takes about 1.3·10⁵
 * orders to reach a relative standard error of 3%.
 */
import { describe, expect, test } from 'vitest';
import { type Kpi, type Scenario, simulate } from '../../src/index.js';

/** 36,000 units an hour: each unit takes exactly 100 ms. */
const UNITS_PER_HOUR = 36_000;
const SECONDS_PER_UNIT = 0.1;

type Size = { dist: 'fixed'; value: number } | { dist: 'exponential'; mean: number };

/** E[S] and E[S²] of the service time in seconds. */
function moments(size: Size): { m1: number; m2: number } {
  if (size.dist === 'fixed') {
    const s = size.value * SECONDS_PER_UNIT;
    return { m1: s, m2: s * s };
  }
  // ceil(X) for X exponential with mean θ is geometric on 1, 2, … with q = e^(−1/θ):
  // E[Q] = 1/(1 − q), E[Q²] = (1 + q)/(1 − q)².
  const q = Math.exp(-1 / size.mean);
  const e1 = 1 / (1 - q);
  const e2 = (1 + q) / (1 - q) ** 2;
  return { m1: e1 * SECONDS_PER_UNIT, m2: e2 * SECONDS_PER_UNIT ** 2 };
}

function scenario(rho: number, size: Size, hours: number, companyShare = 0): Scenario {
  const { m1 } = moments(size);
  return {
    name: `M/G/1 at ρ = ${rho}`,
    start: '2026-01-05T00:00:00Z',
    durationHours: hours,
    warmupHours: 10,
    calendar: { zone: 'UTC', open: '00:00', close: '24:00', days: [1, 2, 3, 4, 5, 6, 7] },
    lines: [{ id: 'line', products: ['print'], unitsPerHour: UNITS_PER_HOUR }],
    // Long turnarounds: a promise never depends on the queue, so the order of service is
    // first come, first served within a class.
    policy: { standardTurnaroundHours: { key: 720, special: 720, regular: 720 } },
    arrivals: { perHour: (rho / m1) * 3600 },
    mix: {
      products: { print: 1 },
      tiers: { regular: 1 },
      quantity: { print: size },
      rush: {
        share: companyShare,
        urgency: { 'next-day': 1 },
        companyShare: 1,
        causes: { missing: 1, damaged: 1 },
      },
      clients: { count: 1000, habitualShare: 0 },
    },
  };
}

/** Mean of the replications' values and its standard error. */
function grand(k: Kpi | undefined): { mean: number; se: number } {
  const xs = (k?.values ?? []).filter((v): v is number => v !== null);
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const variance = xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (xs.length - 1);
  return { mean, se: Math.sqrt(variance / xs.length) };
}

function expectClose(measured: { mean: number; se: number }, theory: number): void {
  expect(
    measured.se / theory,
    'standard error too large for the test to mean anything',
  ).toBeLessThan(0.04);
  expect(Math.abs(measured.mean - theory)).toBeLessThanOrEqual(4 * measured.se);
}

const REPLICATIONS = 10;
const kpi = (r: ReturnType<typeof simulate>, id: string) => r.summary.kpis.find((k) => k.id === id);

describe('single line, first come first served (Pollaczek–Khinchine)', () => {
  const cases = [
    { name: 'M/M/1', rho: 0.5, size: { dist: 'exponential', mean: 600 } as Size, orders: 6_000 },
    { name: 'M/M/1', rho: 0.8, size: { dist: 'exponential', mean: 600 } as Size, orders: 20_000 },
    { name: 'M/D/1', rho: 0.5, size: { dist: 'fixed', value: 600 } as Size, orders: 4_000 },
    { name: 'M/D/1', rho: 0.8, size: { dist: 'fixed', value: 600 } as Size, orders: 12_000 },
  ];
  for (const c of cases) {
    test(`${c.name} at ρ = ${c.rho}: mean wait within the run's own error of theory`, () => {
      const { m1, m2 } = moments(c.size);
      const lambda = c.rho / m1; // per second
      const hours = c.orders / (lambda * 3600);
      const r = simulate(scenario(c.rho, c.size, hours), {
        seed: 7,
        replications: REPLICATIONS,
        bucketMinutes: 240,
      });
      const theorySeconds = (lambda * m2) / (2 * (1 - c.rho));
      if (c.size.dist === 'exponential') {
        // The textbook M/M/1 value, for the reader: within 0.1% of the exact one used.
        expect(Math.abs(theorySeconds / ((c.rho * m1) / (1 - c.rho)) - 1)).toBeLessThan(0.001);
      }
      const measured = grand(kpi(r, 'wait.mean'));
      // The KPI is in minutes.
      expectClose({ mean: measured.mean * 60, se: measured.se * 60 }, theorySeconds);
      const util = grand(kpi(r, 'utilization.line'));
      expect(Math.abs(util.mean - c.rho)).toBeLessThanOrEqual(Math.max(4 * util.se, 0.005));
    });
  }
});

describe('company-caused orders first (Cobham, two classes, non-preemptive)', () => {
  test('20% company orders at ρ = 0.8: both classes wait as the formula says', () => {
    const size: Size = { dist: 'exponential', mean: 600 };
    const rho = 0.8;
    const { m1, m2 } = moments(size);
    const lambda = rho / m1;
    const hours = 20_000 / (lambda * 3600);
    const r = simulate(scenario(rho, size, hours, 0.2), {
      seed: 11,
      replications: REPLICATIONS,
      bucketMinutes: 240,
    });
    const w0 = (lambda * m2) / 2;
    const rho1 = 0.2 * rho;
    const w1 = w0 / (1 - rho1);
    const w2 = w0 / ((1 - rho1) * (1 - rho));
    const company = grand(kpi(r, 'wait.mean.company'));
    const normal = grand(kpi(r, 'wait.mean.normal'));
    expectClose({ mean: company.mean * 60, se: company.se * 60 }, w1);
    expectClose({ mean: normal.mean * 60, se: normal.se * 60 }, w2);
    // The priority is real: company orders wait about a fifth as long.
    expect(company.mean * 60).toBeLessThan(w2 / 3);
  });
});
