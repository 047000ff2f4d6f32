/**
 * The configuration's catalog and policy tables are keyed by product names the lab chooses:
 * any name is a product, `__proto__` and `constructor` included, and only a name the lab
 * configured is one.
 */
import { afterAll, describe, expect, test } from 'vitest';
import { MAX_POLICY_HOURS } from '../../src/domain/limits.js';
import { createScheduler, restoreScheduler, ValidationError } from '../../src/index.js';
import { expectPrototypeUntouched, HOSTILE_KEYS } from '../support/hostile.js';
import { issuesOf } from '../support/issues.js';
import { order, T } from '../support/orders.js';

afterAll(expectPrototypeUntouched);

/**
 * A lab making only `name`, of 2 units of work per item, with every line tight (so a regular
 * client's rush above the small quantity, 3, is declined), as a configuration file gives it.
 */
const labMaking = (name: string) =>
  JSON.parse(
    JSON.stringify({
      lines: [{ id: name, products: [name], unitsPerHour: 10 }],
      products: { [name]: { unitsPerItem: 2 } },
      policy: {
        rush: { smallQuantity: { [name]: 3 }, tightLoad: 0 },
        reworkSlaHours: { [name]: 24 },
      },
    }),
  );

describe('product and line names', () => {
  test.each(HOSTILE_KEYS)(
    'a product and a line called %s are configured like any other, and survive a restore',
    (name) => {
      const s = createScheduler(labMaking(name));
      expect(Object.hasOwn(s.config.products, name)).toBe(true);
      expect(s.config.policy.rush.smallQuantity[name]).toBe(3);
      expect(s.config.policy.reworkSlaHours[name]).toBe(24);
      const rush = (id: string, quantity: number) =>
        order({ id, product: name, quantity, rush: { urgency: 'next-day' } });
      expect(s.submit(rush('small', 3), T('09:00')).reasons[0]?.rule).toBe('accepted');
      expect(s.submit(rush('large', 4), T('09:01')).reasons[0]?.rule).toBe('large-rush-under-load');
      // 4 items of 2 units each.
      expect(s.rushRegister().map((r) => r.units)).toEqual([6, 8]);
      const b = restoreScheduler(JSON.parse(JSON.stringify(s.snapshot())));
      const next = order({ id: 'after', product: name, quantity: 5 });
      expect(b.submit(next, T('09:02'))).toEqual(s.submit(next, T('09:02')));
      expect(b.plan()).toEqual(s.plan());
    },
  );

  test.each(HOSTILE_KEYS)('%s is not a product unless the catalog has it', (name) => {
    expect(
      issuesOf(() =>
        createScheduler({ lines: [{ id: 'l', products: ['print', name], unitsPerHour: 10 }] }),
      ),
    ).toEqual([
      {
        path: 'lines.0.products.1',
        message: `must be a product of the catalog (print, album, crystal, frame), received '${name}'`,
      },
    ]);
    expect(issuesOf(() => createScheduler().submit(order({ product: name }), T('09:00')))).toEqual([
      {
        path: 'product',
        message: `must be a product of the catalog (print, album, crystal, frame), received '${name}'`,
      },
    ]);
  });

  test.each(HOSTILE_KEYS)('a product %s needs its own entries in the policy', (name) => {
    const config = JSON.parse(JSON.stringify({ products: { [name]: { unitsPerItem: 1 } } }));
    expect(issuesOf(() => createScheduler(config))).toEqual([
      { path: `policy.rush.smallQuantity.${name}`, message: `is required for product '${name}'` },
      { path: `policy.reworkSlaHours.${name}`, message: `is required for product '${name}'` },
    ]);
  });
});

test('no span of the policy may be longer than a year, so that every promise made from one can be decided', () => {
  const year = MAX_POLICY_HOURS;
  expect(() =>
    createScheduler({
      policy: {
        standardTurnaroundHours: { regular: year },
        rush: { halfDayHours: year, immediateBufferMinutes: year * 60 },
        reworkSlaHours: { album: year },
      },
    }),
  ).not.toThrow();
  try {
    createScheduler({
      policy: {
        standardTurnaroundHours: { key: 1e300 },
        rush: { halfDayHours: year + 1, immediateBufferMinutes: year * 60 + 1 },
        reworkSlaHours: { crystal: year + 0.5 },
      },
    });
    expect.unreachable();
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    expect((e as ValidationError).issues).toEqual([
      {
        path: 'policy.standardTurnaroundHours.key',
        message: 'must be at most 8784 hours (a year), received 1e+300',
      },
      {
        path: 'policy.rush.halfDayHours',
        message: 'must be at most 8784 hours (a year), received 8785',
      },
      {
        path: 'policy.rush.immediateBufferMinutes',
        message: 'must be at most 527040 minutes (a year), received 527041',
      },
      {
        path: 'policy.reworkSlaHours.crystal',
        message: 'must be at most 8784 hours (a year), received 8784.5',
      },
    ]);
  }
});
