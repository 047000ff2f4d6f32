/** What the configuration checks beyond its schemas: here, the spans of the policy. */
import { expect, test } from 'vitest';
import { MAX_POLICY_HOURS } from '../../src/domain/limits.js';
import { createScheduler, ValidationError } from '../../src/index.js';

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
