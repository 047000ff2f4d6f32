/** The messages of the boundary's schemas for numbers that are not finite. */
import { describe, expect, test } from 'vitest';
import { createScheduler } from '../../src/index.js';
import { issuesOf } from '../support/issues.js';
import { order, T } from '../support/orders.js';

describe('Infinity and NaN', () => {
  test('in an order and in the configuration, the message says what came', () => {
    // 1e400 in a JSON body is Infinity.
    const body = JSON.parse(JSON.stringify(order()).replace('"quantity":10', '"quantity":1e400'));
    expect(issuesOf(() => createScheduler().submit(body, T('09:00')))).toEqual([
      { path: 'quantity', message: 'must be a finite number, received Infinity' },
    ]);
    expect(
      issuesOf(() => createScheduler().submit(order({ quantity: Number.NaN }), T('09:00'))),
    ).toEqual([{ path: 'quantity', message: 'must be a finite number, received NaN' }]);
    expect(
      issuesOf(() =>
        createScheduler({
          lines: [{ id: 'print', products: ['print'], unitsPerHour: Number.NEGATIVE_INFINITY }],
          products: { print: { unitsPerItem: Number.POSITIVE_INFINITY } },
        }),
      ),
    ).toEqual([
      // A number with a range says the range, and what came.
      {
        path: 'lines.0.unitsPerHour',
        message: 'must be from 0.01 to 10000000 units per working hour, received -Infinity',
      },
      {
        path: 'products.print.unitsPerItem',
        message: 'must be from 0.001 to 1000 units of work per item, received Infinity',
      },
    ]);
  });
});
