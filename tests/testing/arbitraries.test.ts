/** The kit's scenario arbitrary: every generated scenario is valid and simulates. */
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { parseScenario, peakDay, simulate } from '../../src/index.js';
import { arbitraries } from '../../src/testing/index.js';
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
