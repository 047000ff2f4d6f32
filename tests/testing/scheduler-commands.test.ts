/**
 * The model-based test of the engine, written with the kit's own `schedulerCommands`: random
 * sequences of submit / next / complete / setCapacity / setClient against the simple reference model, on
 * the default policy, on a tuned one with a custom gate, and through a wrapper.
 */
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { createScheduler, type SchedulerConfig } from '../../src/index.js';
import { schedulerCommands } from '../../src/testing/index.js';
import { fcParams } from '../support/fc.js';

const calendar = { zone: 'Asia/Shanghai', open: '09:00', close: '18:00', days: [1, 2, 3, 4, 5, 6] };
const lines = [
  { id: 'print', products: ['print'], unitsPerHour: 100 },
  { id: 'album', products: ['album'], unitsPerHour: 10 },
];

test('the engine agrees with the reference model on every decision and plan', () => {
  fc.assert(
    fc.property(schedulerCommands({ calendar, lines }), (program) => program.run()),
    fcParams(300),
  );
});

test('…with a tuned policy, products of several units and a custom gate', () => {
  const config: SchedulerConfig = {
    calendar,
    lines: [
      { id: 'print', products: ['print'], unitsPerHour: 100 },
      { id: 'gifts', products: ['album', 'crystal'], unitsPerHour: 12 },
    ],
    products: { album: { unitsPerItem: 2 } },
    policy: { rush: { quotaShare: 0.4, tightLoad: 0.5, frequentRushCount: 1, halfDayHours: 3 } },
    gates: [
      {
        id: 'no-big-albums-when-tight',
        decline: (r, c) =>
          c.tight && r.order.product === 'album' && r.order.quantity > 3
            ? 'albums over 3 wait when the line is tight'
            : undefined,
      },
    ],
  };
  fc.assert(
    fc.property(schedulerCommands(config), (program) => program.run()),
    fcParams(200),
  );
});

test('…with clients registered by the configuration, and setClient in the programs', () => {
  const config: SchedulerConfig = {
    calendar,
    lines,
    clients: [
      { id: 'c0', tier: 'key' },
      { id: 'c1', tier: 'regular' },
    ],
  };
  const programs = fc.sample(schedulerCommands(config), { numRuns: 30, seed: 7 });
  expect(programs.filter((p) => fc.stringify(p).includes('setClient(')).length).toBeGreaterThan(10);
  fc.assert(
    fc.property(schedulerCommands(config), (program) => program.run()),
    fcParams(200),
  );
});

test('a wrapper with a bug is caught, and the failing program shrinks to a few commands', () => {
  const config: SchedulerConfig = { calendar, lines };
  let failure = '';
  try {
    fc.assert(
      fc.property(schedulerCommands(config), (program) => {
        const s = createScheduler(config);
        // A wrapper that forgets to pass company-caused rushes on as rushes.
        program.run({
          submit: (o, at) =>
            s.submit(o.rush && o.rush.cause !== 'client' ? { ...o, rush: undefined } : o, at),
          next: (l, at) => s.next(l, at),
          complete: (id, at) => s.complete(id, at),
          setCapacity: (l, u, at) => s.setCapacity(l, u, at),
          setClient: (c, change, at) => s.setClient(c, change, at),
          plan: (l, at) => s.plan(l, at),
        });
      }),
      { ...fcParams(300), seed: 42 },
    );
  } catch (error) {
    failure = String(error);
  }
  expect(failure).toContain('Counterexample: [[submit(');
  expect(failure).toContain('"kind":"company"');
  const counterexample = /Counterexample: \[\[(.*)\]\]\n/.exec(failure)?.[1] ?? '';
  expect(counterexample.split('submit(').length - 1).toBeLessThanOrEqual(2);
});

test('…with cancel, hold, release and amend in the programs, each one done (not only refused) and agreeing', () => {
  // The engine behind a wrapper that counts the life calls it answered without refusing.
  const done = new Map<string, number>();
  const programs = fc.sample(schedulerCommands({ calendar, lines }), { numRuns: 60, seed: 11 });
  for (const p of programs) {
    const s = createScheduler({ calendar, lines });
    const counted =
      <A extends unknown[], R>(name: string, f: (...a: A) => R) =>
      (...a: A): R => {
        const r = f(...a);
        done.set(name, (done.get(name) ?? 0) + 1);
        return r;
      };
    p.run({
      submit: s.submit.bind(s),
      next: s.next.bind(s),
      complete: s.complete.bind(s),
      setCapacity: s.setCapacity.bind(s),
      plan: s.plan.bind(s),
      cancel: counted('cancel', s.cancel.bind(s)),
      hold: counted('hold', s.hold.bind(s)),
      release: counted('release', s.release.bind(s)),
      amend: counted('amend', s.amend.bind(s)),
    });
  }
  for (const call of ['cancel', 'hold', 'release', 'amend'])
    expect(done.get(call) ?? 0, call).toBeGreaterThan(5);
});
