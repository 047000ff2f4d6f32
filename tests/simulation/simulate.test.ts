/**
 * `simulate` on the built-in scenarios: determinism, complete order records, the KPIs read
 * back from the records, capacity events, replications, and a peak day that really strains
 * the lab.
 */
import { DateTime } from 'luxon';
import { describe, expect, test } from 'vitest';
import {
  averageDay,
  breakdown,
  peakDay,
  type SimulatedOrder,
  type SimulationResult,
  simulate,
  ValidationError,
} from '../../src/index.js';

const kpi = (r: SimulationResult, id: string) => r.summary.kpis.find((k) => k.id === id);

describe('simulate', () => {
  test('the same scenario and seed give a byte-identical result; another seed, another day', () => {
    const a = JSON.stringify(simulate(averageDay, { seed: 3 }));
    const b = JSON.stringify(simulate(averageDay, { seed: 3 }));
    const c = JSON.stringify(simulate(averageDay, { seed: 4 }));
    expect(a).toBe(b);
    expect(c).not.toBe(a);
  });

  test('every order is recorded from submission to finish, with its class and decision', () => {
    const r = simulate(peakDay, { seed: 2 });
    expect(r.orders.length).toBeGreaterThan(500);
    expect(new Set(r.orders.map((o) => o.id)).size).toBe(r.orders.length);
    const lines = new Set(r.scenario.lines.map((l) => l.id));
    for (const o of r.orders) {
      expect(lines.has(o.line)).toBe(true);
      expect(o.startedAt).toBeGreaterThanOrEqual(o.submittedAt);
      expect(o.finishedAt).toBeGreaterThan(o.startedAt);
      expect(o.late).toBe(o.finishedAt > o.promisedBy);
      const expected = o.cause === undefined ? 'normal' : o.cause === 'client' ? 'rush' : 'company';
      expect(o.class).toBe(expected);
      if (o.class === 'normal') expect(o.outcome).toBe('queued');
      if (o.class === 'company') expect(o.outcome).toBe('rush-accepted');
      expect(o.rule).not.toBe('');
    }
    // A line makes one order at a time: its intervals do not overlap.
    for (const line of lines) {
      const runs = r.orders
        .filter((o) => o.line === line)
        .sort((x, y) => x.startedAt - y.startedAt);
      for (let i = 1; i < runs.length; i++) {
        expect(runs[i]?.startedAt).toBeGreaterThanOrEqual(runs[i - 1]?.finishedAt as number);
      }
    }
  });

  test('orders are made when first read, then stay one array the caller owns', () => {
    const r = simulate(averageDay, { seed: 6 });
    // In its place among the result's keys before and after it is read.
    expect(Object.keys(r)).toEqual(['scenario', 'seed', 'summary', 'orders', 'timeline']);
    const text = JSON.stringify(r);
    const orders = r.orders;
    expect(r.orders).toBe(orders);
    expect(Object.getOwnPropertyDescriptor(r, 'orders')).toMatchObject({
      value: orders,
      writable: true,
      enumerable: true,
    });
    expect(JSON.stringify(r)).toBe(text);
    expect(orders).toHaveLength(kpi(r, 'orders')?.mean as number);
    (orders[0] as SimulatedOrder).late = !(orders[0] as SimulatedOrder).late;
    expect(r.orders[0]).toBe(orders[0]);
    // A copy made before the first read carries them too, and so does one of the result.
    const fresh = simulate(averageDay, { seed: 6 });
    expect(JSON.stringify({ ...fresh })).toBe(text);
    expect(structuredClone(simulate(averageDay, { seed: 6 })).orders).toHaveLength(orders.length);
    // Set before it is read, it is what was set.
    const set = simulate(averageDay, { seed: 6 });
    set.orders = [];
    expect(set.orders).toEqual([]);
  });

  test('the KPIs agree with the order records', () => {
    const r = simulate(peakDay, { seed: 5 });
    const rushes = r.orders.filter((o) => o.class === 'rush');
    const accepted = rushes.filter((o) => o.outcome === 'rush-accepted');
    expect(kpi(r, 'orders')?.mean).toBe(r.orders.length);
    expect(kpi(r, 'orders.rush')?.mean).toBe(rushes.length);
    expect(kpi(r, 'rushAcceptance')?.mean).toBeCloseTo(accepted.length / rushes.length, 12);
    const key = r.orders.filter((o) => o.tier === 'key');
    expect(kpi(r, 'keyOnTime')?.mean).toBeCloseTo(
      key.filter((o) => !o.late).length / key.length,
      12,
    );
    const sameDay = rushes.filter((o) => o.urgency === 'same-day');
    expect(kpi(r, 'rushAcceptance.urgency.same-day')?.mean).toBeCloseTo(
      sameDay.filter((o) => o.outcome === 'rush-accepted').length / sameDay.length,
      12,
    );
    const declined = Object.fromEntries(
      r.summary.kpis.filter((k) => k.id.startsWith('rushDeclined.')).map((k) => [k.id, k.mean]),
    );
    const byRule = rushes.filter((o) => o.outcome === 'rush-declined').length / rushes.length;
    expect(Object.values(declined).reduce((a, b) => (a ?? 0) + (b ?? 0), 0)).toBeCloseTo(
      byRule,
      12,
    );
    // The register is read from the engine: every rush is there, with reasons.
    expect(kpi(r, 'rushRecorded')?.mean).toBe(1);
    const waits = r.orders.map((o) => (o.startedAt - o.submittedAt) / 60_000);
    expect(kpi(r, 'wait.mean')?.mean).toBeCloseTo(
      waits.reduce((a, b) => a + b, 0) / waits.length,
      9,
    );
  });

  test('the peak day strains the lab: print demand above capacity around lunch, cleared by evening', () => {
    for (const seed of [1, 2, 3]) {
      const r = simulate(peakDay, { seed, bucketMinutes: 60 });
      const zone = r.scenario.calendar.zone;
      const printLines = r.scenario.lines
        .filter((l) => l.products.includes('print'))
        .map((l) => l.id);
      const hourOf = (t: number) => DateTime.fromMillis(t, { zone }).hour;
      const lunch = r.timeline.buckets.filter(
        (b) =>
          hourOf(b.start) >= 10 && hourOf(b.start) < 15 && b.start < r.scenario.start + 86_400_000,
      );
      const loads = lunch.map((b) => {
        const arrived = printLines.reduce((a, id) => a + (b.lines[id]?.arrivedUnits ?? 0), 0);
        const capacity = printLines.reduce((a, id) => a + (b.lines[id]?.unitsPerHour ?? 0), 0);
        return arrived / capacity;
      });
      expect(Math.max(...loads), `seed ${seed}`).toBeGreaterThan(1.2);
      const queued = (b: (typeof lunch)[number]) =>
        printLines.reduce((a, id) => a + (b.lines[id]?.queued ?? 0), 0);
      expect(Math.max(...lunch.map(queued)), `seed ${seed}`).toBeGreaterThan(20);
      const evening = r.timeline.buckets.filter(
        (b) =>
          hourOf(b.start) >= 16 && hourOf(b.start) <= 20 && b.start < r.scenario.start + 86_400_000,
      );
      expect(
        Math.min(...evening.map(queued)),
        `seed ${seed}: the lunch backlog clears by evening`,
      ).toBeLessThanOrEqual(2);
    }
  });

  test('a capacity event changes the line from its time on, and the day gets harder', () => {
    const normal = simulate(averageDay, { seed: 8, bucketMinutes: 60 });
    const broken = simulate(breakdown, { seed: 8, bucketMinutes: 60 });
    const eleven = Date.parse('2026-10-14T11:00:00+08:00');
    for (const b of broken.timeline.buckets) {
      expect(b.lines.minilab?.unitsPerHour).toBe(b.end <= eleven ? 1200 : 600);
    }
    // The same orders arrive (the day depends on the seed only); they wait longer.
    expect(broken.orders.map((o) => o.id)).toEqual(normal.orders.map((o) => o.id));
    expect(kpi(broken, 'wait.mean')?.mean as number).toBeGreaterThan(
      kpi(normal, 'wait.mean')?.mean as number,
    );
    expect(kpi(broken, 'utilization.minilab')?.mean as number).toBeGreaterThan(
      kpi(normal, 'utilization.minilab')?.mean as number,
    );
  });

  test('replications give every KPI a mean, a 95% interval around it and one value per day', () => {
    const progress: number[] = [];
    const r = simulate(averageDay, {
      seed: 1,
      replications: 4,
      onProgress: (p) => progress.push(p.done / p.total),
    });
    expect(r.summary.replications).toBe(4);
    for (const k of r.summary.kpis) {
      expect(k.values).toHaveLength(4);
      if (k.values.filter((v) => v !== null).length >= 2) {
        const [lo, hi] = k.ci95 as [number, number];
        expect(lo).toBeLessThanOrEqual(k.mean as number);
        expect(hi).toBeGreaterThanOrEqual(k.mean as number);
      }
    }
    // A share's interval stays a share.
    for (const k of r.summary.kpis.filter((k) => k.unit === 'share' && k.ci95)) {
      expect((k.ci95 as [number, number])[0], k.id).toBeGreaterThanOrEqual(0);
      expect((k.ci95 as [number, number])[1], k.id).toBeLessThanOrEqual(1);
    }
    // Every day at 100% still leaves the doubt its counts leave.
    const key = kpi(r, 'keyOnTime');
    expect(key?.values).toEqual([1, 1, 1, 1]);
    expect(key?.ci95?.[0] ?? 1).toBeLessThan(1);
    const orders = kpi(r, 'orders')?.values as number[];
    expect(new Set(orders).size).toBeGreaterThan(1);
    expect(progress.at(-1)).toBe(1);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
  });

  test('orders in the warm-up are simulated but not counted', () => {
    const r = simulate({ ...averageDay, warmupHours: 12 }, { seed: 2 });
    const noon = Date.parse('2026-10-14T12:00:00+08:00');
    for (const o of r.orders) expect(o.counted).toBe(o.submittedAt >= noon);
    expect(kpi(r, 'orders')?.mean).toBe(r.orders.filter((o) => o.counted).length);
  });

  test('a run larger than the limits is refused before any work, saying how to change it', () => {
    let progressed = false;
    const onProgress = () => {
      progressed = true;
    };
    expect(() => simulate(averageDay, { replications: 1001, onProgress })).toThrow(
      'replications: must be a whole number from 1 to 1000, received 1001',
    );
    // The average day expects about 290 orders.
    expect(() => simulate(averageDay, { replications: 4, maxOrders: 1000, onProgress })).toThrow(
      'simulate options: maxOrders: the run expects about 1160 orders (290 a day × 4 replications), more than the limit of 1000; lower the arrival rates, durationHours or replications, or raise maxOrders (--max-orders) if the machine has the memory (about 350 bytes an order)',
    );
    expect(() => simulate({ ...averageDay, arrivals: { perHour: 1e6 } }, { onProgress })).toThrow(
      /about 24000000 orders .* more than the limit of 2000000/,
    );
    expect(() =>
      simulate({ ...averageDay, durationHours: 24 * 366 }, { onProgress, maxOrders: 1e9 }),
    ).toThrow(
      'bucketMinutes: 8784 hours of arrivals make 35136 timeline buckets of 15 minutes, more than the limit of 10000; shorten durationHours or widen bucketMinutes',
    );
    expect(() => simulate(averageDay, { maxOrders: 0 })).toThrow(
      'maxOrders: must be a whole number of at least 1, received 0',
    );
    expect(progressed).toBe(false);
    // At the limit, the run goes ahead.
    expect(simulate(averageDay, { maxOrders: 291 }).orders.length).toBeGreaterThan(200);
  });

  test('the timeline stops at its limit when the lines drain for months, and every order still counts', () => {
    const slow = simulate(
      { ...peakDay, capacityEvents: [{ at: '13:00', line: 'minilab', unitsPerHour: 0.01 }] },
      { seed: 1 },
    );
    expect(slow.timeline.buckets).toHaveLength(10_000);
    const last = Math.max(...slow.orders.map((o) => o.finishedAt));
    expect(last).toBeGreaterThan((slow.timeline.buckets.at(-1) as { end: number }).end);
    expect(kpi(slow, 'orders')?.mean).toBe(slow.orders.length);
  });

  test('a day across a DST change in a zone whose clocks move by half an hour', () => {
    // Lord Howe Island goes from +11:00 back to +10:30 at 02:00 on 5 April 2026.
    const r = simulate(
      {
        ...averageDay,
        start: '2026-04-04T12:00:00+11:00',
        calendar: {
          zone: 'Australia/Lord_Howe',
          open: '00:00',
          close: '24:00',
          days: [1, 2, 3, 4, 5, 6, 7],
        },
      },
      { seed: 1 },
    );
    expect(r.orders.length).toBeGreaterThan(200);
  });

  test('bad options are rejected with the option named', () => {
    expect(() => simulate(averageDay, { replications: 0 })).toThrow(ValidationError);
    expect(() => simulate(averageDay, { replications: 0 })).toThrow(
      /replications: must be a whole number/,
    );
    expect(() => simulate(averageDay, { seed: 1.5 })).toThrow(/seed: must be an integer/);
  });
});
