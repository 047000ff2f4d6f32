/**
 * `parsePolicy` reads every key it is given, as zod's strict objects read them: a `__proto__`
 * key where the policy has fixed fields is an unknown field, named; in a per-product table it
 * is a product like any other.
 */
import { afterAll, describe, expect, test } from 'vitest';
import { parsePolicy, parsePolicyText } from '../../src/index.js';
import { expectPrototypeUntouched } from '../support/hostile.js';
import { issuesOf } from '../support/issues.js';

afterAll(expectPrototypeUntouched);

describe('__proto__ in a policy', () => {
  test('where the policy has fixed fields, it is an unknown field, named', () => {
    // As JSON.parse and YAML give it: an own key, not the object's prototype.
    expect(issuesOf(() => parsePolicy(JSON.parse('{"__proto__": {"rush": {}}}')))).toEqual([
      { path: '', message: "unknown field '__proto__'" },
    ]);
    expect(
      issuesOf(() => parsePolicy(JSON.parse('{"rush": {"__proto__": {"quotaShare": 0.5}}}'))),
    ).toEqual([{ path: 'rush', message: "unknown field '__proto__'" }]);
    expect(
      issuesOf(() =>
        parsePolicy(JSON.parse('{"standardTurnaroundHours": {"__proto__": {"key": 1}}}')),
      ),
    ).toEqual([{ path: 'standardTurnaroundHours', message: "unknown field '__proto__'" }]);
    expect(() => parsePolicyText('__proto__:\n  rush:\n    quotaShare: 0.5\n')).toThrow(
      /^input:1:1: unknown field '__proto__'$/,
    );
  });

  test('in a per-product table, it is a product: kept, and checked', () => {
    const p = parsePolicy(
      JSON.parse(
        '{"rush": {"smallQuantity": {"__proto__": 7}}, "reworkSlaHours": {"__proto__": 12}}',
      ),
    );
    const proto: string = '__proto__';
    expect(Object.hasOwn(p.rush.smallQuantity, proto)).toBe(true);
    expect(p.rush.smallQuantity[proto]).toBe(7);
    expect(p.reworkSlaHours[proto]).toBe(12);
    expect(p.rush.smallQuantity.print).toBe(100);
    // Only the products given or defaulted are in the tables.
    expect(Object.hasOwn(p.rush.smallQuantity, 'constructor')).toBe(false);
    expect(
      issuesOf(() => parsePolicy(JSON.parse('{"rush": {"smallQuantity": {"__proto__": -1}}}'))),
    ).toEqual([{ path: 'rush.smallQuantity.__proto__', message: 'must be 0 or more items' }]);
  });
});

describe('numbers out of range', () => {
  test('Infinity and NaN are named as such, not as numbers of the wrong type', () => {
    expect(
      issuesOf(() =>
        parsePolicy({
          standardTurnaroundHours: { key: Number.POSITIVE_INFINITY },
          rush: { quotaShare: Number.NaN, immediateBufferMinutes: Number.NEGATIVE_INFINITY },
        }),
      ),
    ).toEqual([
      {
        path: 'standardTurnaroundHours.key',
        message: 'must be a finite number, received Infinity',
      },
      {
        path: 'rush.immediateBufferMinutes',
        message: 'must be a finite number, received -Infinity',
      },
      { path: 'rush.quotaShare', message: 'must be a finite number, received NaN' },
    ]);
    // YAML's .inf and JSON's 1e400 are Infinity.
    expect(() => parsePolicyText('rush:\n  halfDayHours: .inf\n')).toThrow(
      /rush\.halfDayHours: must be a finite number, received Infinity/,
    );
    expect(() => parsePolicyText('{"rush": {"frequentRushCount": 1e400}}')).toThrow(
      /rush\.frequentRushCount: must be a finite number, received Infinity/,
    );
  });
});
