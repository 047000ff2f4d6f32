/** The kit's arbitraries: scenarios are valid and simulate; hostile values sit at and beyond the limits. */
import fc from 'fast-check';
import { expect, test } from 'vitest';
import {
  MAX_QUANTITY,
  MAX_UNITS_PER_HOUR,
  MAX_UNITS_PER_ITEM,
  MIN_UNITS_PER_HOUR,
  MIN_UNITS_PER_ITEM,
} from '../../src/domain/limits.js';
import { createScheduler, parseScenario, peakDay, simulate } from '../../src/index.js';
import { arbitraries } from '../../src/testing/index.js';
import { MAX_MS, MIN_MS } from '../../src/time/units.js';
import { fcParams } from '../support/fc.js';

test('random small labs are valid scenarios and simulate', () => {
  fc.assert(
    fc.property(arbitraries.scenarios(), fc.integer({ min: 1, max: 1000 }), (s, seed) => {
      const r = simulate(s, { seed });
      expect(r.orders.every((o) => o.finishedAt >= o.startedAt)).toBe(true);
    }),
    fcParams(40),
  );
});

test('days around the peak day stay valid and keep its lab', () => {
  fc.assert(
    fc.property(arbitraries.scenarios(peakDay), (s) => {
      const r = parseScenario(s);
      expect(r.lines).toEqual(parseScenario(peakDay).lines);
      expect(r.perHour.reduce((a, b) => a + b, 0)).toBeGreaterThan(0.69 * 800);
    }),
    fcParams(100),
  );
});
test('extreme values sit at the limits, and beyond them unless asked for valid ones', () => {
  const cases = [
    { name: 'quantities', of: arbitraries.extremeQuantities, min: 1, max: MAX_QUANTITY },
    {
      name: 'rates',
      of: arbitraries.extremeRates,
      min: MIN_UNITS_PER_HOUR,
      max: MAX_UNITS_PER_HOUR,
    },
    {
      name: 'units per item',
      of: arbitraries.extremeUnitsPerItem,
      min: MIN_UNITS_PER_ITEM,
      max: MAX_UNITS_PER_ITEM,
    },
    {
      name: 'times',
      of: (o: { valid?: boolean }) =>
        arbitraries.extremeTimes(o).map((t) => (typeof t === 'number' ? t : Date.parse(t))),
      min: MIN_MS,
      max: MAX_MS,
    },
  ];
  for (const c of cases) {
    const within = (v: number) => v >= c.min && v <= c.max;
    const valid = fc.sample(c.of({ valid: true }), { numRuns: 100, seed: 1 });
    expect(
      valid.filter((v) => !within(v)),
      `valid ${c.name}`,
    ).toEqual([]);
    expect(valid, `valid ${c.name} reach both limits`).toEqual(
      expect.arrayContaining([c.min, c.max]),
    );
    const any = fc.sample(c.of({}), { numRuns: 200, seed: 1 });
    expect(
      any.some((v) => !within(v)),
      `${c.name} beyond the limits`,
    ).toBe(true);
  }
});

test('labs named with hostile strings at the limits are valid labs', () => {
  fc.assert(
    fc.property(arbitraries.hostileConfigs({ valid: true }), (config) => {
      const s = createScheduler(config);
      expect(s.lineIds()).toEqual(config.lines?.map((l) => l.id));
      for (const name of Object.keys(config.products ?? {}))
        expect(s.config.products).toHaveProperty([name]);
    }),
    fcParams(100),
  );
});
