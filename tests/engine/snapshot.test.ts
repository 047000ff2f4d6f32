/**
 * Snapshots hold every string a caller gave as a key: a client or a line called `__proto__`,
 * `constructor` or `toString` comes back from `restoreScheduler` with its history, so the
 * restored engine decides as the original (rules.md §7.8). The snapshot written in pieces is
 * the same text as the snapshot written whole.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, test } from 'vitest';
import { createScheduler, restoreScheduler, type Scheduler } from '../../src/index.js';
import { arbitraries, runTrace } from '../../src/testing/index.js';
import { fcParams } from '../support/fc.js';
import { expectPrototypeUntouched, HOSTILE_KEYS } from '../support/hostile.js';
import { busyLab } from '../support/labs.js';
import { order, T } from '../support/orders.js';

afterAll(expectPrototypeUntouched);

/** Schedulers restored from `s`'s snapshot: through JSON text, as a store keeps it, and as the object. */
const restored = (s: Scheduler) => [
  restoreScheduler(JSON.parse(JSON.stringify(s.snapshot()))),
  restoreScheduler(s.snapshot()),
];

describe('caller strings as keys survive a snapshot', () => {
  test.each(HOSTILE_KEYS)(
    'client %s: its rushes count after a restore, so the frequent-rusher gate decides alike',
    (clientId) => {
      // Every line is tight, so a fifth accepted rush in the window is declined (gate 4).
      const a = createScheduler({ policy: { rush: { tightLoad: 0 } } });
      for (let i = 0; i < 6; i++) {
        const next = order({ id: `${clientId}-${i}`, clientId, rush: { urgency: 'next-day' } });
        const at = T('09:00') + i * 60_000;
        const copies = restored(a);
        const d = a.submit(next, at);
        expect(d.reasons[0]?.rule).toBe(i < 4 ? 'accepted' : 'frequent-rusher');
        for (const b of copies) {
          expect(b.submit(next, at)).toEqual(d);
          expect(b.snapshot()).toEqual(a.snapshot());
        }
      }
    },
  );

  test.each(HOSTILE_KEYS)(
    "line %s: the day's accepted rush units count after a restore, so the quota decides alike",
    (line) => {
      // 10 units an hour, nine hours: a quota of 22.5 rush units a day (quotaShare 0.25).
      const a = createScheduler({ lines: [{ id: line, products: ['print'], unitsPerHour: 10 }] });
      const rush = (id: string, quantity: number) =>
        order({ id, quantity, rush: { urgency: 'next-day' } });
      expect(a.submit(rush('r1', 20), T('09:00')).outcome).toBe('rush-accepted');
      const copies = restored(a);
      const r2 = rush('r2', 5);
      const d = a.submit(r2, T('09:01'));
      expect(d.reasons[0]?.rule).toBe('daily-rush-quota');
      for (const b of copies) {
        expect(b.submit(r2, T('09:01'))).toEqual(d);
        expect(b.rushRegister()).toEqual(a.rushRegister());
      }
    },
  );
});

describe('the snapshot as text, in pieces (the checkpoint thread writes it so)', () => {
  test('the pieces joined are exactly the snapshot as JSON, with orders in every status and the registers past retention', () => {
    fc.assert(
      fc.property(
        arbitraries.orderStreams(busyLab, {
          companyShare: 0.1,
          lifecycle: true,
          lifeChanges: true,
          linesDown: true,
          clients: 6,
        }),
        fc.boolean(),
        fc.integer({ min: 0, max: 2 }),
        (stream, drain, retention) => {
          const s = createScheduler({ ...busyLab, retention });
          runTrace(busyLab, stream, { drain, scheduler: s });
          const pieces = [...s.snapshotText()];
          expect(pieces.join('')).toBe(JSON.stringify(s.snapshot()));
          // One piece an order at most: the text is never built whole.
          expect(pieces.length).toBeGreaterThan(s.snapshot().orders.length);
        },
      ),
      fcParams(80),
    );
  });

  test('an empty engine, and one holding only a line down, are written alike', () => {
    const s = createScheduler();
    expect([...s.snapshotText()].join('')).toBe(JSON.stringify(s.snapshot()));
    s.setCapacity(s.lineIds()[0] as string, 0, T('09:00'));
    expect([...s.snapshotText()].join('')).toBe(JSON.stringify(s.snapshot()));
  });
});
