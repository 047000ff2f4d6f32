/**
 * The order lifecycle in the simulator (`Scenario.lifecycle`): orders cancelled and held at
 * their drawn times, every order made handed over, and the hand-over KPIs read back from what the
 * engine recorded of each hand-over.
 */
import { describe, expect, test } from 'vitest';
import {
  parseScenario,
  peakDay,
  type Scenario,
  safeParseScenario,
  simulate,
  ValidationError,
} from '../../src/index.js';
import { drawOrders } from '../../src/simulation/_internal/arrivals.js';
import { arrivalOf, recordsOf } from '../../src/simulation/_internal/order-sheet.js';
import { runDay } from '../../src/simulation/_internal/run-day.js';
import { dayKpis } from '../../src/simulation/kpis.js';
import { replicationStream } from '../../src/simulation/simulate.js';

/**
 * Replication 0 of a scenario, run by hand: its arrivals (with their fates), drawn a second
 * time from the same stream, and its day, with the records of its orders.
 */
function day(scenario: Scenario, seed: number) {
  const s = parseScenario(scenario);
  const again = drawOrders(s, replicationStream(seed, 0));
  const drawn = Array.from({ length: again.length }, (_, i) => arrivalOf(again, i));
  const run = runDay(s, drawOrders(s, replicationStream(seed, 0)), 15);
  return { s, drawn, run: Object.assign(run, { orders: recordsOf(run.sheet) }) };
}

const busyDay: Scenario = {
  ...peakDay,
  lifecycle: {
    cancelShare: 0.1,
    cancelAfterMinutes: [0, 300],
    holdShare: 0.2,
    holdAfterMinutes: [0, 60],
    holdMinutes: [30, 180],
    handoverDelayMinutes: [0, 120],
  },
};

describe('the order lifecycle', () => {
  test('each order is cancelled and held exactly when drawn, unless it was past that by then', () => {
    const { drawn, run } = day(busyDay, 1);
    let cancelled = 0;
    let held = 0;
    let cancelledInProduction = 0;
    run.orders.forEach((o, i) => {
      const fate = drawn[i]?.fate;
      if (!fate) throw new Error(`order ${o.id} has no fate`);
      if (o.cancelledAt >= 0) {
        cancelled++;
        expect(o.cancelledAt, o.id).toBe(fate.cancelAt);
        if (o.startedAt >= 0) cancelledInProduction++;
      } else if (fate.cancelAt >= 0) {
        // Too late to cancel: it had finished (a finish comes before a cancel at one instant).
        expect(o.finishedAt, o.id).toBeGreaterThanOrEqual(0);
        expect(o.finishedAt, o.id).toBeLessThanOrEqual(fate.cancelAt);
      }
      if (o.heldAt >= 0) {
        held++;
        expect(o.heldAt, o.id).toBe(fate.holdAt);
        expect(o.class, o.id).not.toBe('company');
        // Not made while held: it starts after its release, or is cancelled.
        if (o.startedAt >= 0) expect(o.startedAt).toBeGreaterThanOrEqual(o.heldAt + fate.holdMs);
      } else if (fate.holdAt >= 0) {
        // Too late to hold: it had started before, or was cancelled by then.
        const started = o.startedAt >= 0 && o.startedAt < fate.holdAt;
        const gone = o.cancelledAt >= 0 && o.cancelledAt <= fate.holdAt;
        expect(started || gone, o.id).toBe(true);
      }
    });
    expect(cancelled).toBeGreaterThan(10);
    expect(held).toBeGreaterThan(10);
    // Cancelling the order in production freed its line, which started another at once.
    expect(cancelledInProduction).toBeGreaterThan(0);
    for (const o of run.orders.filter((x) => x.startedAt >= 0 && x.cancelledAt >= 0)) {
      const next = run.orders.filter((x) => x.line === o.line && x.startedAt === o.cancelledAt);
      const waiting = run.orders.some(
        (x) =>
          x.line === o.line &&
          x.submittedAt <= o.cancelledAt &&
          x.startedAt > o.cancelledAt &&
          x.heldAt < 0,
      );
      if (waiting) expect(next.length, o.id).toBe(1);
    }
  });

  test('with no delay, the realised shares are the configured ones', () => {
    const { run } = day(
      {
        ...peakDay,
        lifecycle: {
          cancelShare: 0.1,
          cancelAfterMinutes: [0, 0],
          holdShare: 0.25,
          holdAfterMinutes: [0, 0],
        },
      },
      2,
    );
    const n = run.orders.length;
    const cancelled = run.orders.filter((o) => o.cancelledAt >= 0).length;
    // A hold comes after a cancel at one instant; company-caused orders are never held.
    const holdable = run.orders.filter((o) => o.cancelledAt < 0 && o.class !== 'company');
    const held = holdable.filter((o) => o.heldAt >= 0).length;
    // About 800 orders: three standard deviations of a binomial share are about 0.03.
    expect(n).toBeGreaterThan(600);
    expect(Math.abs(cancelled / n - 0.1)).toBeLessThan(0.03);
    expect(Math.abs(held / holdable.length - 0.25)).toBeLessThan(0.045);
  });

  test('a cancelled order never finishes nor is handed over; every other order is, once', () => {
    const { run } = day(busyDay, 3);
    for (const o of run.orders) {
      if (o.cancelledAt >= 0) {
        expect(o.finishedAt, o.id).toBe(-1);
        expect(o.deliveredAt, o.id).toBe(-1);
      } else {
        expect(o.finishedAt, o.id).toBeGreaterThanOrEqual(o.startedAt);
        expect(o.deliveredAt, o.id).toBeGreaterThanOrEqual(o.finishedAt);
        expect(o.dueBy, o.id).toBeGreaterThanOrEqual(0);
      }
    }
  });

  test('the hand-over KPIs equal a recount of the hand-overs the engine recorded on each order', () => {
    const { s, drawn, run } = day(busyDay, 4);
    const kpis = dayKpis(
      run,
      s.lines.map((l) => l.id),
    );
    const value = (id: string) => kpis.find((k) => k.def.id === id);
    const byId = new Map(run.orders.map((o, i) => [o.id, { o, fate: drawn[i]?.fate }]));
    // Each register entry, checked against the order: shipped or picked up after its drawn
    // delay, due by its pickup time or else its promise in force.
    const tally = new Map<string, [number, number]>();
    const count = (key: string, onTime: boolean) => {
      const t = tally.get(key) ?? [0, 0];
      tally.set(key, [t[0] + (onTime ? 1 : 0), t[1] + 1]);
    };
    // The hand-overs as the engine recorded them on each order (its register forgets them with
    // the orders, at the simulator's short retention).
    const deliveries = run.orders
      .filter((o) => o.deliveredAt >= 0)
      .map((o) => ({
        orderId: o.id,
        deliveredAt: o.deliveredAt,
        dueBy: o.dueBy,
        onTime: o.deliveredAt <= o.dueBy,
      }));
    for (const d of deliveries) {
      const entry = byId.get(d.orderId);
      if (!entry?.fate) throw new Error(`${d.orderId} is not a simulated order`);
      const { o, fate } = entry;
      expect(d.deliveredAt).toBe(o.finishedAt + fate.handoverMs);
      expect(d.dueBy).toBe(o.pickupAt >= 0 ? o.pickupAt : o.promisedBy);
      if (!o.counted) continue;
      count('all', d.onTime);
      count(`tier.${o.tier}`, d.onTime);
      count(`class.${o.class}`, d.onTime);
    }
    const recount = (key: string) => {
      const [n, d] = tally.get(key) ?? [0, 0];
      return { value: d > 0 ? n / d : null, trials: d };
    };
    const of = (id: string) => {
      const k = value(id);
      return { value: k?.value, trials: k?.trials };
    };
    expect(of('delivered.onTime')).toEqual(recount('all'));
    for (const t of ['key', 'special', 'regular'])
      expect(of(`delivered.onTime.tier.${t}`)).toEqual(recount(`tier.${t}`));
    for (const c of ['company', 'rush', 'normal'])
      expect(of(`delivered.onTime.class.${c}`)).toEqual(recount(`class.${c}`));
    // Some hand-overs were late, so the KPI can tell.
    expect(recount('all').value).toBeLessThan(1);
    expect(value('orders.cancelled')?.value).toBe(
      run.orders.filter((o) => o.counted && o.cancelledAt >= 0).length,
    );
    expect(value('orders.held')?.value).toBe(
      run.orders.filter((o) => o.counted && o.heldAt >= 0).length,
    );
  });

  test('the same seed gives the same bytes; the lifecycle leaves the orders drawn as they were', () => {
    const a = simulate(busyDay, { seed: 5, replications: 2 });
    const b = simulate(busyDay, { seed: 5, replications: 2 });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    const plain = simulate(peakDay, { seed: 5 });
    const drawnAs = (r: typeof a) =>
      r.orders.map((o) => [o.id, o.clientId, o.product, o.quantity, o.submittedAt, o.pickupAt]);
    expect(drawnAs(a)).toEqual(drawnAs(plain));
    // Without a lifecycle nothing is cancelled or held, and every order is handed over.
    expect(plain.orders.every((o) => o.cancelledAt < 0 && o.heldAt < 0 && o.deliveredAt >= 0)).toBe(
      true,
    );
  });

  test('bad lifecycle options are validation errors naming the field', () => {
    const issues = (lifecycle: unknown) => {
      const r = safeParseScenario({ ...peakDay, lifecycle });
      if (r.success) throw new Error('accepted');
      return r.error.issues;
    };
    expect(issues({ cancelShare: 1.5 })).toEqual([
      { path: 'lifecycle.cancelShare', message: expect.stringContaining('between 0 and 1') },
    ]);
    expect(issues({ holdMinutes: [120, 30] })).toEqual([
      { path: 'lifecycle.holdMinutes', message: 'must be [shortest, longest] minutes' },
    ]);
    expect(issues({ handoverDelayMinutes: [0, -5] })[0]?.path).toBe(
      'lifecycle.handoverDelayMinutes.1',
    );
    expect(issues({ cancelRate: 0.1 })[0]?.message).toContain('cancelRate');
    expect(() => parseScenario({ ...peakDay, lifecycle: { holdShare: 'a lot' } })).toThrow(
      ValidationError,
    );
    // Minutes are checked against their bounds: four weeks at most.
    expect(issues({ cancelAfterMinutes: [0, 1e9] })[0]?.path).toBe(
      'lifecycle.cancelAfterMinutes.1',
    );
    expect(parseScenario(busyDay).lifecycle).toEqual({
      cancelShare: 0.1,
      cancelAfterMinutes: [0, 300],
      holdShare: 0.2,
      holdAfterMinutes: [0, 60],
      holdMinutes: [30, 180],
      handoverDelayMinutes: [0, 120],
    });
    expect(parseScenario({ ...peakDay, lifecycle: {} }).lifecycle).toEqual({
      cancelShare: 0,
      cancelAfterMinutes: [0, 240],
      holdShare: 0,
      holdAfterMinutes: [0, 60],
      holdMinutes: [30, 240],
      handoverDelayMinutes: [0, 0],
    });
    expect(parseScenario(peakDay).lifecycle).toBeNull();
  });
});
