/**
 * A rush never makes a promise later than the same order would get without one (rules.md §3,
 * §4, §9), and the same-day cutoff holds for every urgency (docs/rules.md). Times in the unit
 * tests are Shanghai wall-clock times on Tuesday 2026-11-24, a working day of the default
 * calendar (09:00–18:00 Monday to Saturday).
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  createScheduler,
  type Order,
  restoreScheduler,
  type SchedulerConfig,
} from '../../src/index.js';
import { arbitraries, runTrace } from '../../src/testing/index.js';
import { fcParams } from '../support/fc.js';
import { busyLab } from '../support/labs.js';
import { order, T } from '../support/orders.js';

/** Wednesday 2026-11-25 in Shanghai, the next working day after T. */
const W = (hhmm: string): number => Date.parse(`2026-11-25T${hhmm}:00+08:00`);

describe('an accepted rush keeps the earlier of its deadline and its normal request', () => {
  test("a key client's next-day rush at 09:00 is promised by the next day's 09:00 (its 24 h turnaround), not the next day's close", () => {
    const plain = createScheduler().submit(
      order({ id: 'plain', tier: 'key', uploadedAt: T('09:00') }),
      T('09:00'),
    );
    expect(plain.promisedBy).toBe(W('09:00'));

    const s = createScheduler();
    const d = s.submit(
      order({ id: 'rush', tier: 'key', uploadedAt: T('09:00'), rush: { urgency: 'next-day' } }),
      T('09:00'),
    );
    expect(d.outcome).toBe('rush-accepted');
    expect(d.reasons[0]?.rule).toBe('accepted');
    expect(d.promisedBy).toBe(W('09:00'));
    expect(d.requestedBy).toBe(W('09:00'));
    // The reason and the register say the promise is earlier than the urgency deadline, and why.
    expect(d.reasons[0]?.message).toContain('earlier than the next-day deadline');
    expect(d.reasons[0]?.message).toContain('24 h turnaround for key clients');
    const [entry] = s.rushRegister();
    expect(entry?.deadline).toBe(W('18:00'));
    expect(entry?.promisedBy).toBe(W('09:00'));
    expect(s.plan('print').find((p) => p.orderId === 'rush')?.promisedBy).toBe(W('09:00'));
  });

  test('a rush whose urgency deadline comes first is still promised by its deadline', () => {
    const d = createScheduler().submit(
      order({ uploadedAt: T('10:00'), rush: { urgency: 'same-day' } }),
      T('10:00'),
    );
    expect(d.outcome).toBe('rush-accepted');
    expect(d.promisedBy).toBe(T('18:00'));
    expect(d.reasons[0]?.message).toContain(`promised by`);
    expect(d.reasons[0]?.message).not.toContain('earlier than');
  });
});

/** The same lab round the clock in a zone with DST, and the lab's default hours and turnarounds. */
const labs = fc.constantFrom(
  { config: busyLab, start: arbitraries.STREAM_START },
  {
    config: {
      ...busyLab,
      calendar: {
        zone: 'Europe/Berlin',
        open: '00:00',
        close: '24:00',
        days: [1, 2, 3, 4, 5, 6, 7],
      },
    } as SchedulerConfig,
    start: Date.UTC(2026, 9, 24, 20, 0),
  },
  {
    config: { lines: busyLab.lines } as SchedulerConfig,
    start: arbitraries.STREAM_START,
  },
);

describe('a rush never makes a promise later', () => {
  test('from the same state, an order with a client rush is never promised later than the same order without it', () => {
    const cases = labs.chain((lab) =>
      fc.record({
        lab: fc.constant(lab),
        stream: arbitraries.orderStreams(lab.config, {
          start: lab.start,
          rushShare: 0.4,
          maxGapMinutes: 40,
          capacityChanges: true,
        }),
        urgency: fc.constantFrom('immediate', 'half-day', 'same-day', 'next-day' as const),
      }),
    );
    fc.assert(
      fc.property(cases, ({ lab, stream, urgency }) => {
        const last = stream[stream.length - 1] as { at: number; order: Order };
        const s = createScheduler(lab.config);
        runTrace(lab.config, stream.slice(0, -1), { scheduler: s, drain: false });
        const snap = JSON.stringify(s.snapshot());
        const { rush: _dropped, ...without } = last.order;
        const withRush: Order = { ...without, rush: { urgency, cause: 'client' } };
        const a = restoreScheduler(JSON.parse(snap)).submit(withRush, last.at);
        const b = restoreScheduler(JSON.parse(snap)).submit(without, last.at);
        expect(a.promisedBy).toBeLessThanOrEqual(b.promisedBy);
        if (a.outcome === 'rush-accepted') expect(a.requestedBy).toBeLessThanOrEqual(b.promisedBy);
      }),
      fcParams(200),
    );
  });
});

describe('the same-day cutoff holds for every urgency', () => {
  test('an immediate rush asked for after the cutoff is not promised for today: it is made first thing on the next working day', () => {
    const s = createScheduler();
    const d = s.submit(
      order({ tier: 'key', uploadedAt: T('16:30'), rush: { urgency: 'immediate' } }),
      T('16:30'),
    );
    expect(d.outcome).toBe('rush-accepted');
    expect(d.promisedBy).toBeGreaterThanOrEqual(W('09:00'));
    // Started at the next opening, 10 prints, plus the 60-minute buffer: before the next-day
    // close and before its 24 h turnaround.
    expect(d.promisedBy).toBeLessThanOrEqual(W('10:30'));
    expect(d.reasons[0]?.message).toContain('after the same-day cutoff 16:00');
    // A same-day rush at the same moment is declined: asking for more does not get more today.
    const sameDay = s.submit(
      order({ tier: 'key', uploadedAt: T('16:30'), rush: { urgency: 'same-day' } }),
      T('16:30'),
    );
    expect(sameDay.reasons[0]?.rule).toBe('deadline-unreachable');
  });

  test('an immediate rush at the cutoff itself is still promised for today', () => {
    const d = createScheduler().submit(
      order({ uploadedAt: T('16:00'), rush: { urgency: 'immediate' } }),
      T('16:00'),
    );
    expect(d.outcome).toBe('rush-accepted');
    expect(d.promisedBy).toBeLessThanOrEqual(T('18:00'));
    expect(d.reasons[0]?.message).not.toContain('cutoff');
  });
});
