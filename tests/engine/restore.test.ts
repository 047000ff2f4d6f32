/**
 * `restoreScheduler(snapshot, config)` takes the configuration the snapshot was made with
 * (rules.md §8); a different calendar, line set, product catalog or policy is refused, naming
 * each field that differs.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  createScheduler,
  defaultLines,
  restoreScheduler,
  type SchedulerConfig,
} from '../../src/index.js';
import { arbitraries, runTrace } from '../../src/testing/index.js';
import { fcParams } from '../support/fc.js';
import { issuesOf } from '../support/issues.js';
import { busyLab } from '../support/labs.js';
import { order, T } from '../support/orders.js';

const config: SchedulerConfig = {
  calendar: { zone: 'Asia/Shanghai', open: '08:00', close: '20:00', days: [1, 2, 3, 4, 5] },
  lines: [
    { id: 'print', products: ['print', 'album'], unitsPerHour: 100 },
    { id: 'gifts', products: ['crystal', 'frame'], unitsPerHour: 5 },
  ],
  products: { album: { unitsPerItem: 4 } },
  policy: { rush: { quotaShare: 0.3 } },
};

/** A snapshot of a scheduler made with `config`, after a capacity change, as stored. */
function saved() {
  const s = createScheduler(config);
  s.submit(order({ id: 'a', quantity: 300 }), T('09:00'));
  s.setCapacity('print', 50, T('09:30'));
  return { s, snap: JSON.parse(JSON.stringify(s.snapshot())) };
}

describe('restoreScheduler with a configuration', () => {
  test('the configuration the snapshot was made with is accepted, whole or in part', () => {
    const { s, snap } = saved();
    const next = order({ id: 'b', quantity: 5 });
    const expected = s.submit(next, T('10:00'));
    for (const given of [
      config,
      { ...config, clock: () => T('10:00') },
      { policy: config.policy },
      { calendar: config.calendar, products: config.products },
      { lines: config.lines, policy: undefined },
      {},
    ]) {
      const b = restoreScheduler(snap, given);
      // The line keeps the capacity the snapshot holds (setCapacity), not the configured one.
      expect(b.lineStatus('print').unitsPerHour).toBe(50);
      expect(b.submit(next, T('10:00'))).toEqual(expected);
    }
  });

  test('a different calendar, line set, catalog or policy is refused, naming each field', () => {
    const { snap } = saved();
    expect(
      issuesOf(() =>
        restoreScheduler(snap, {
          ...config,
          calendar: { zone: 'UTC', open: '08:00', close: '20:00', days: [1, 2, 3, 4, 5, 6] },
          policy: { rush: { quotaShare: 0.2, tightLoad: 0.5 } },
        }),
      ),
    ).toEqual([
      {
        path: 'config.calendar.zone',
        message: `must be the snapshot's "Asia/Shanghai", received "UTC"`,
      },
      {
        path: 'config.calendar.days',
        message: `must be the snapshot's [1,2,3,4,5], received [1,2,3,4,5,6]`,
      },
      {
        path: 'config.policy.rush.quotaShare',
        message: `must be the snapshot's 0.3, received 0.2`,
      },
      { path: 'config.policy.rush.tightLoad', message: `must be the snapshot's 0.8, received 0.5` },
    ]);
    expect(
      issuesOf(() =>
        restoreScheduler(snap, {
          lines: [
            { id: 'print', products: ['print'], unitsPerHour: 100 },
            { id: 'gifts', products: ['crystal', 'frame', 'album'], unitsPerHour: 5 },
          ],
          products: { album: { unitsPerItem: 2 } },
        }),
      ),
    ).toEqual([
      {
        path: 'config.lines.0.products',
        message: `must be the snapshot's ["print","album"], received ["print"]`,
      },
      {
        path: 'config.lines.1.products',
        message: `must be the snapshot's ["crystal","frame"], received ["crystal","frame","album"]`,
      },
      {
        path: 'config.products.album.unitsPerItem',
        message: `must be the snapshot's 4, received 2`,
      },
    ]);
    // The lab's default lines are a line set too: not this snapshot's two.
    expect(issuesOf(() => restoreScheduler(snap, { lines: [...defaultLines] }))).toEqual([
      {
        path: 'config.lines',
        message: expect.stringMatching(
          /^must be the snapshot's \[\{"id":"print","products":\["print","album"\]\},.*, received \[\{"id":"print","products":\["print"\]\},/,
        ),
      },
    ]);
  });

  test('a configuration that is not one is refused as createScheduler refuses it', () => {
    const { snap } = saved();
    expect(issuesOf(() => restoreScheduler(snap, { colour: 'red' } as never))).toEqual([
      { path: '', message: "unknown field 'colour'" },
    ]);
    expect(issuesOf(() => restoreScheduler(snap, 7 as never))).toEqual([
      {
        path: 'config',
        message:
          'expected { calendar?, lines?, products?, policy?, clock?, gates? }, received number',
      },
    ]);
  });
});

test('a snapshot whose times lie outside the window the engine decides in is refused as malformed', () => {
  const s = createScheduler();
  s.submit(order({ id: 'w1' }), T('09:00'));
  const snap = JSON.parse(JSON.stringify(s.snapshot()));
  snap.lastTime = Date.UTC(2400, 0, 1);
  expect(issuesOf(() => restoreScheduler(snap))).toEqual([
    { path: 'lastTime', message: 'must be an instant up to 2300-01-01T00:00:00.000Z' },
  ]);
});

describe("restoreScheduler with adopt: the snapshot's orders kept as given", () => {
  const aDay = arbitraries.orderStreams(busyLab, {
    companyShare: 0.1,
    lifecycle: true,
    capacityChanges: true,
    linesDown: true,
    clients: 5,
  });

  test('restores the snapshot as text, by copy or adopted, and both then answer alike', () => {
    fc.assert(
      fc.property(aDay, fc.integer({ min: 0, max: 2 }), (stream, retention) => {
        const s = createScheduler({ ...busyLab, retention });
        runTrace(busyLab, stream, { scheduler: s });
        const text = JSON.stringify(s.snapshot());
        const copied = restoreScheduler(JSON.parse(text));
        const adopted = restoreScheduler(JSON.parse(text), undefined, { adopt: true });
        // The journal and the durable stores compare answers as text, so a restore keeps every
        // key of every register entry in its place, not only the values.
        expect(JSON.stringify(copied.snapshot())).toBe(text);
        expect(JSON.stringify(adopted.snapshot())).toBe(text);
        const at = Math.max(s.snapshot().lastTime ?? 0, T('09:00')) + 60_000;
        const next = order({
          id: 'after',
          clientId: 'c1',
          uploadedAt: at,
          rush: { urgency: 'same-day' },
        });
        expect(adopted.submit(next, at)).toEqual(copied.submit(next, at));
        expect(adopted.snapshot()).toEqual(copied.snapshot());
      }),
      fcParams(60),
    );
  });

  test('a snapshot that does not pass is refused with the same issues as without adopt', () => {
    const { snap } = saved();
    // biome-ignore lint/suspicious/noExplicitAny: a snapshot damaged field by field
    const damaged: ((x: Record<string, any>) => void)[] = [
      (x) => {
        x.orders[0].units = -1;
      },
      (x) => {
        x.orders[0].extra = true;
        x.lastTime = 'noon';
      },
      (x) => {
        x.orders = {};
      },
      (x) => {
        x.seq = -1;
        x.orders[0].decision.reasons = [];
      },
    ];
    for (const damage of damaged) {
      const a = structuredClone(snap);
      damage(a);
      const issues = issuesOf(() => restoreScheduler(structuredClone(a)));
      expect(issues.length).toBeGreaterThan(0);
      expect(issuesOf(() => restoreScheduler(a, undefined, { adopt: true }))).toEqual(issues);
    }
  });

  test('a register entry with a field of the wrong kind, or one too many, is refused by name', () => {
    const s = createScheduler(config);
    s.submit(order({ id: 'r', quantity: 5, rush: { urgency: 'same-day' } }), T('09:00'));
    s.submit(
      order({ id: 'w', quantity: 5, rush: { cause: 'rework', reason: 'torn' } }),
      T('09:10'),
    );
    const snap = JSON.parse(JSON.stringify(s.snapshot()));
    expect(snap.rushRegister.length).toBe(2);
    expect(snap.reworkRegister.length).toBe(1);
    const bad = structuredClone(snap);
    bad.rushRegister[0].quota = 'lots';
    bad.rushRegister[1].colour = 'red';
    bad.reworkRegister[0].date = 20270205;
    for (const adopt of [false, true]) {
      expect(
        issuesOf(() => restoreScheduler(structuredClone(bad), undefined, { adopt })).map(
          (i) => i.path,
        ),
      ).toEqual(['rushRegister.0.quota', 'rushRegister.1', 'reworkRegister.0.date']);
    }
  });

  test('without adopt, the engine keeps nothing of the snapshot given', () => {
    const { snap } = saved();
    const r = restoreScheduler(snap);
    const before = JSON.stringify(r.snapshot());
    snap.orders[0].order.quantity = 999;
    snap.orders[0].decision.reasons[0].message = 'changed';
    expect(JSON.stringify(r.snapshot())).toBe(before);
  });
});
