/** The seed of the property tests: fixed in every run, so a failure seen once is seen again. */
import { expect, test } from 'vitest';
import { CI_SEED, fcParams, seedFrom } from './fc.js';

test('every property run has a seed, with or without CI', () => {
  expect(fcParams(10).seed).toBe(CI_SEED);
  expect(fcParams(10).numRuns).toBe(10);
});

test('RUSHLINE_FC_SEED overrides the seed; anything but an integer is refused', () => {
  expect(seedFrom(undefined)).toBe(20261124);
  expect(seedFrom('')).toBe(20261124);
  expect(seedFrom('42')).toBe(42);
  expect(seedFrom('-7')).toBe(-7);
  expect(() => seedFrom('soon')).toThrow("RUSHLINE_FC_SEED: expected an integer, received 'soon'");
  expect(() => seedFrom('1.5')).toThrow(/expected an integer/);
});
