/**
 * Strings a caller may use as an id, a client id, a line or a product that name what every
 * plain JavaScript object inherits, or its prototype; and a check that nothing the engine did
 * with them reached `Object.prototype`.
 */
import { expect } from 'vitest';
import { HOSTILE_IDS } from '../../src/testing/arbitraries.js';

/** The five names of `HOSTILE_IDS` that every plain object answers to. */
export const HOSTILE_KEYS = HOSTILE_IDS.slice(0, 5);

const names = () => Object.getOwnPropertyNames(Object.prototype).sort();
const pristine = new Map(
  names().map((k) => [k, Object.getOwnPropertyDescriptor(Object.prototype, k)]),
);

/** `Object.prototype` has exactly the properties it had when this module loaded, unchanged. */
export function expectPrototypeUntouched(): void {
  expect(names()).toEqual([...pristine.keys()].sort());
  for (const [k, d] of pristine)
    expect(Object.getOwnPropertyDescriptor(Object.prototype, k)).toEqual(d);
  expect(Object.getPrototypeOf(Object.prototype)).toBe(null);
  expect(Object.getPrototypeOf({})).toBe(Object.prototype);
}
