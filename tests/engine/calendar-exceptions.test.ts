/**
 * Calendar exceptions (issue 18, item 5): the lab closes for the Spring Festival, works a half
 * day before it, and stays open late when the work asks for it. Every deadline counts working
 * time through the exceptions, each scheduler sees its own exceptions only, and a snapshot
 * keeps them.
 */
import { describe, expect, test } from 'vitest';
import {
  type CalendarSpec,
  createScheduler,
  restoreScheduler,
  type SchedulerConfig,
} from '../../src/index.js';
import { WorkingCalendar } from '../../src/time/calendar.js';
import { issuesOf } from '../support/issues.js';
import { order, T } from '../support/orders.js';

/** Epoch ms of a Shanghai wall-clock time `yyyy-MM-ddTHH:mm`. */
const at = (local: string): number => Date.parse(`${local}:00+08:00`);

const shop = { zone: 'Asia/Shanghai', open: '09:00', close: '18:00', days: [1, 2, 3, 4, 5, 6] };

/** The Spring Festival of 2027: closed Saturday 6 to Friday 12 February, a half day on Friday 5. */
const festival: CalendarSpec = {
  ...shop,
  exceptions: [
    { date: '2027-02-05', open: '09:00', close: '13:30' },
    ...['06', '07', '08', '09', '10', '11', '12'].map((d) => ({
      date: `2027-02-${d}`,
      closed: true as const,
    })),
  ],
};

/** Tuesday 2026-11-24 is an overtime day until 21:00. */
const overtime: CalendarSpec = {
  ...shop,
  exceptions: [{ date: '2026-11-24', open: '09:00', close: '21:00' }],
};

describe('closed days: the Spring Festival', () => {
  test('a next-day rush asked for on the half day before the holiday is due at the close of the first day after it', () => {
    const s = createScheduler({ calendar: festival });
    const plain = createScheduler({ calendar: shop });
    const rush = { urgency: 'next-day' as const, cause: 'client' as const };
    const o = {
      id: 'n1',
      clientId: 'c1',
      tier: 'regular' as const,
      product: 'print',
      quantity: 10,
    };
    s.submit({ ...o, uploadedAt: at('2027-02-05T10:00'), rush }, at('2027-02-05T10:00'));
    plain.submit({ ...o, uploadedAt: at('2027-02-05T10:00'), rush }, at('2027-02-05T10:00'));
    expect(s.rushRegister()[0]?.deadline).toBe(at('2027-02-13T18:00'));
    expect(plain.rushRegister()[0]?.deadline).toBe(at('2027-02-06T18:00'));
  });

  test('work that does not fit before the holiday is promised after it: the turnaround counts working time through the closed days', () => {
    const s = createScheduler({ calendar: festival });
    // 12,000 prints are 10 working hours at 1,200 an hour; the half day holds 3.5 after 10:00.
    const d = s.submit(
      order({ id: 'big', tier: 'key', quantity: 12_000, uploadedAt: at('2027-02-05T10:00') }),
      at('2027-02-05T10:00'),
    );
    // 3.5 h on the 5th, the rest (6.5 h) from the opening of the 13th.
    expect(d.promisedBy).toBe(at('2027-02-13T15:30'));
    const without = createScheduler({ calendar: shop }).submit(
      order({ id: 'big2', tier: 'key', quantity: 12_000, uploadedAt: at('2027-02-05T10:00') }),
      at('2027-02-05T10:00'),
    );
    expect(without.promisedBy).toBe(at('2027-02-06T11:00'));
  });

  test('a rework of prints registered on a closed day is due at the close of the next working day', () => {
    const s = createScheduler({ calendar: festival });
    s.submit(
      order({
        id: 'rw',
        uploadedAt: at('2027-02-08T10:00'),
        rush: { cause: 'rework', reason: 'colour cast', responsible: 'Li' },
      }),
      at('2027-02-08T10:00'),
    );
    expect(s.reworkRegister()[0]?.deadline).toBe(at('2027-02-13T18:00'));
  });
});

describe('rework hours are clock hours; the holiday decides whether the work fits by them', () => {
  test('an album rework on the half day: due 24 clock hours on, on a closed day, and pushed past the holiday when its work does not fit', () => {
    const s = createScheduler({ calendar: festival });
    // 180 albums are 2 working hours at 90 an hour; the half day has 1.5 left after 12:00.
    const d = s.submit(
      order({
        id: 'rw-album',
        product: 'album',
        quantity: 180,
        uploadedAt: at('2027-02-05T12:00'),
        rush: { cause: 'rework', reason: 'glue', responsible: 'Wang' },
      }),
      at('2027-02-05T12:00'),
    );
    expect(s.reworkRegister()[0]?.deadline).toBe(at('2027-02-06T12:00'));
    // 1.5 h on the 5th, the last half hour from the first opening after the holiday (the 13th).
    expect(d.promisedBy).toBe(at('2027-02-13T09:30'));
    expect(d.reasons[0]?.rule).toBe('company-fault');
    // The same rework that fits on the half day keeps its clock deadline.
    const small = s.submit(
      order({
        id: 'rw-small',
        product: 'crystal',
        quantity: 1,
        uploadedAt: at('2027-02-05T12:00'),
        rush: { cause: 'rework' },
      }),
      at('2027-02-05T12:00'),
    );
    expect(small.promisedBy).toBe(at('2027-02-07T12:00'));
  });
});

describe('a half day', () => {
  test('halves the quota day: a rush the full day would take passes the half day quota', () => {
    const rush = { urgency: 'same-day' as const };
    const half = createScheduler({ calendar: festival });
    const full = createScheduler({ calendar: shop });
    // A full day of print is 9 h × 1,200 = 10,800 units, a quarter of it 2,700; the half day
    // (4.5 h) holds 5,400 units, a quarter of it 1,350.
    const o = {
      tier: 'regular' as const,
      quantity: 1_400,
      uploadedAt: at('2027-02-05T09:00'),
      rush,
    };
    const h = half.submit(order({ id: 'h1', ...o }), at('2027-02-05T09:00'));
    const f = full.submit(order({ id: 'f1', ...o }), at('2027-02-05T09:00'));
    expect(f.outcome).toBe('rush-accepted');
    expect(h.outcome).toBe('rush-declined');
    expect(h.reasons[0]?.rule).toBe('daily-rush-quota');
    expect(half.rushRegister()[0]?.quota).toEqual({ used: 0, limit: 1_350 });
  });

  test('a same-day rush on the half day is due at its early close, and its cutoff keeps its distance from the close', () => {
    const s = createScheduler({ calendar: festival });
    const d = s.submit(
      order({ id: 'sd', uploadedAt: at('2027-02-05T10:00'), rush: { urgency: 'same-day' } }),
      at('2027-02-05T10:00'),
    );
    expect(s.rushRegister()[0]?.deadline).toBe(at('2027-02-05T13:30'));
    expect(d.outcome).toBe('rush-accepted');
    // The usual cutoff is 2 h before the close: on a day closing at 13:30 it is 11:30.
    const late = s.submit(
      order({ id: 'sd2', uploadedAt: at('2027-02-05T11:45'), rush: { urgency: 'same-day' } }),
      at('2027-02-05T11:45'),
    );
    expect(late.outcome).toBe('rush-declined');
    expect(late.reasons[0]?.message).toContain('after the same-day cutoff');
  });
});

describe('overtime', () => {
  test('lets a same-day rush fit that the usual close would not', () => {
    // 3,300 prints are 2 h 45 min of work: from 15:30 they end at 18:15. Within the overtime
    // day's quota (a quarter of 12 h × 1,200 is 3,600 units).
    const rush = { urgency: 'same-day' as const };
    const o = { quantity: 3_300, uploadedAt: T('15:30'), rush };
    const usual = createScheduler({ calendar: shop }).submit(order({ id: 'u', ...o }), T('15:30'));
    const late = createScheduler({ calendar: overtime });
    const d = late.submit(order({ id: 'l', ...o }), T('15:30'));
    expect(usual.reasons[0]?.rule).toBe('deadline-unreachable');
    expect(d.outcome).toBe('rush-accepted');
    expect(d.promisedBy).toBe(T('21:00'));
  });

  test('moves the same-day cutoff with the close: 17:00 is before it, 19:30 after it', () => {
    const s = createScheduler({ calendar: overtime });
    const before = s.submit(
      order({ id: 'b', uploadedAt: T('17:00'), rush: { urgency: 'same-day' } }),
      T('17:00'),
    );
    expect(before.outcome).toBe('rush-accepted');
    expect(before.promisedBy).toBe(T('21:00'));
    const after = s.submit(
      order({ id: 'a', uploadedAt: T('19:30'), rush: { urgency: 'same-day' } }),
      T('19:30'),
    );
    expect(after.reasons[0]?.rule).toBe('deadline-unreachable');
  });

  test('on a day that is not a working weekday makes it one, and adds its hours to the quota day', () => {
    // Sunday 2026-11-29 is closed by the weekdays; overtime opens it 10:00–14:00.
    const s = createScheduler({
      calendar: { ...shop, exceptions: [{ date: '2026-11-29', open: '10:00', close: '14:00' }] },
    });
    s.submit(
      order({ id: 'sun', uploadedAt: at('2026-11-29T10:00'), rush: { urgency: 'same-day' } }),
      at('2026-11-29T10:00'),
    );
    const e = s.rushRegister()[0];
    expect(e?.outcome).toBe('rush-accepted');
    expect(e?.deadline).toBe(at('2026-11-29T14:00'));
    expect(e?.quota.limit).toBe(1_200); // 4 h × 1,200 × 25 %
  });
});

describe('exceptions belong to one scheduler', () => {
  test('two schedulers in one process: one closed for the festival, one open, asked in turn', () => {
    const closed = createScheduler({ calendar: festival });
    const open = createScheduler({ calendar: shop });
    const rush = { urgency: 'next-day' as const };
    for (let i = 0; i < 3; i++) {
      const t = at(`2027-02-05T1${i}:00`);
      open.submit(order({ id: `o${i}x`, uploadedAt: t, rush }), t);
      closed.submit(order({ id: `c${i}x`, uploadedAt: t, rush }), t);
    }
    expect(open.rushRegister().map((e) => e.deadline)).toEqual(
      Array(3).fill(at('2027-02-06T18:00')),
    );
    expect(closed.rushRegister().map((e) => e.deadline)).toEqual(
      Array(3).fill(at('2027-02-13T18:00')),
    );
  });

  test('calendars of one spec share their days but not their exceptions, whichever is built first', () => {
    const t = at('2027-02-08T12:00');
    const a = new WorkingCalendar(festival);
    const b = new WorkingCalendar(shop);
    expect(b.dayOf(t).working).toBe(true);
    expect(a.dayOf(t).working).toBe(false);
    const c = new WorkingCalendar(shop);
    expect(c.dayOf(t).working).toBe(true);
    expect(a.workingBetween(at('2027-02-05T00:00'), at('2027-02-14T00:00'))).toBe(
      (4.5 + 9) * 3_600_000,
    );
  });
});

describe('snapshots keep the exceptions', () => {
  test('a restored scheduler decides through the same holidays', () => {
    const s = createScheduler({ calendar: festival });
    s.submit(order({ id: 'x', uploadedAt: at('2027-02-05T09:00') }), at('2027-02-05T09:00'));
    const snap = JSON.parse(JSON.stringify(s.snapshot()));
    expect(snap.config.calendar.exceptions).toEqual(festival.exceptions);
    const r = restoreScheduler(snap);
    const rush = { urgency: 'next-day' as const };
    const d1 = s.submit(
      order({ id: 'y1', uploadedAt: at('2027-02-05T10:00'), rush }),
      at('2027-02-05T10:00'),
    );
    const d2 = r.submit(
      { ...order({ uploadedAt: at('2027-02-05T10:00'), rush }), id: 'y1' },
      at('2027-02-05T10:00'),
    );
    expect(d2.promisedBy).toBe(d1.promisedBy);
    expect(r.rushRegister()[0]?.deadline).toBe(at('2027-02-13T18:00'));
    // Given again, the calendar must be the snapshot's, exceptions included.
    expect(issuesOf(() => restoreScheduler(snap, { calendar: shop })).map((i) => i.path)).toContain(
      'config.calendar.exceptions',
    );
    expect(() => restoreScheduler(snap, { calendar: festival })).not.toThrow();
  });
});

describe('bad exceptions are refused with the field named', () => {
  const bad = (exceptions: unknown): { path: string; message: string }[] =>
    issuesOf(() =>
      createScheduler({ calendar: { ...shop, exceptions } } as unknown as SchedulerConfig),
    );

  test('a bad date, a bad time, close not after open, a duplicate date, a date outside the window', () => {
    const issues = bad([
      { date: '2027-02-30', closed: true },
      { date: '2027-02-06', open: '9:00', close: '12:00' },
      { date: '2027-02-07', open: '12:00', close: '12:00' },
      { date: '2027-02-06', closed: true },
      { date: '2700-01-01', closed: true },
      { date: '2027-02-08', closed: false },
      { date: '2027-02-09', open: '10:00' },
      { date: '2027-02-10', closed: true, open: '10:00' },
      { date: '2027-02-11', closed: true, note: 'x' },
    ]);
    const byPath = Object.fromEntries(issues.map((i) => [i.path, i.message]));
    expect(byPath['calendar.exceptions.0.date']).toMatch(
      /must be a date YYYY-MM-DD.*received "2027-02-30"/,
    );
    expect(byPath['calendar.exceptions.1.open']).toMatch(/HH:mm.*received "9:00"/);
    expect(byPath['calendar.exceptions.2.close']).toBe(
      'must be later than open (12:00), received 12:00',
    );
    expect(byPath['calendar.exceptions.3.date']).toBe(
      'must be unique, 2027-02-06 is also exception 1',
    );
    expect(byPath['calendar.exceptions.4.date']).toMatch(/2599-12-31.*received "2700-01-01"/);
    expect(byPath['calendar.exceptions.5.closed']).toMatch(/must be true.*received false/);
    expect(byPath['calendar.exceptions.6.close']).toMatch(/is required/);
    expect(byPath['calendar.exceptions.7.open']).toMatch(/must be left out on a closed day/);
    expect(byPath['calendar.exceptions.8']).toBe("unknown field 'note'");
    expect(issues).toHaveLength(9);
  });

  test('exceptions that are not a list, or an exception that is not an object', () => {
    expect(bad('2027-02-06').map((i) => i.path)).toEqual(['calendar.exceptions']);
    expect(bad([null])).toEqual([
      {
        path: 'calendar.exceptions.0',
        message: 'expected { date, closed: true } or { date, open, close }, received null',
      },
    ]);
  });
});
