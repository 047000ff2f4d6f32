/**
 * The working calendar: hand-checked cases (Shanghai shop hours, round the clock across DST)
 * and a property against a reference that computes each day's hours with luxon independently
 * and sums working time interval by interval.
 */
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, test } from 'vitest';
import { arbitraries } from '../../src/testing/index.js';
import { type CalendarSpec, parseHHmm, WorkingCalendar } from '../../src/time/calendar.js';
import { fcParams } from '../support/fc.js';

const HOUR = 3_600_000;
const shanghai: CalendarSpec = {
  zone: 'Asia/Shanghai',
  open: '09:00',
  close: '18:00',
  days: [1, 2, 3, 4, 5, 6],
};
const sh = (local: string) => Date.parse(`${local}:00+08:00`);

describe('shop hours in Shanghai, Monday to Saturday 09:00–18:00', () => {
  const cal = new WorkingCalendar(shanghai);

  test('working time counts only opening hours and skips Sunday', () => {
    expect(cal.workingBetween(sh('2026-11-24T10:00'), sh('2026-11-24T12:30'))).toBe(2.5 * HOUR);
    expect(cal.workingBetween(sh('2026-11-24T07:00'), sh('2026-11-24T20:00'))).toBe(9 * HOUR);
    expect(cal.workingBetween(sh('2026-11-28T17:00'), sh('2026-11-30T10:00'))).toBe(2 * HOUR);
    expect(cal.workingBetween(sh('2026-11-29T10:00'), sh('2026-11-29T15:00'))).toBe(0);
  });

  test('work ending at the close ends at the close; work starting there starts at the next opening', () => {
    const c = cal.coord(sh('2026-11-28T18:00'));
    expect(cal.timeAt(c)).toBe(sh('2026-11-28T18:00'));
    expect(cal.startAt(c)).toBe(sh('2026-11-30T09:00'));
    expect(cal.addWorking(sh('2026-11-28T16:00'), 3 * HOUR)).toBe(sh('2026-11-30T10:00'));
    expect(cal.addWorking(sh('2026-11-24T06:00'), HOUR)).toBe(sh('2026-11-24T10:00'));
  });

  test('production day, day of, next working day', () => {
    expect(cal.productionDay(sh('2026-11-24T07:00')).date).toBe('2026-11-24');
    expect(cal.productionDay(sh('2026-11-24T12:00'))).toEqual({
      date: '2026-11-24',
      working: true,
      open: sh('2026-11-24T09:00'),
      close: sh('2026-11-24T18:00'),
    });
    expect(cal.productionDay(sh('2026-11-24T18:00')).date).toBe('2026-11-25');
    expect(cal.productionDay(sh('2026-11-29T12:00')).date).toBe('2026-11-30');
    expect(cal.dayOf(sh('2026-11-29T12:00'))).toEqual({ date: '2026-11-29', working: false });
    expect(cal.nextWorkingDay(sh('2026-11-28T10:00')).date).toBe('2026-11-30');
    expect(cal.nextWorkingDay(sh('2026-11-24T23:59')).date).toBe('2026-11-25');
  });

  test('coordinates handed out stay valid when the table grows backwards and forwards', () => {
    const fresh = new WorkingCalendar(shanghai);
    const t = sh('2026-11-24T12:00');
    const c = fresh.coord(t);
    fresh.coord(sh('2025-01-01T12:00'));
    fresh.coord(sh('2027-06-01T12:00'));
    expect(fresh.coord(t)).toBe(c);
    expect(fresh.timeAt(c)).toBe(t);
  });
});

describe('round the clock across DST', () => {
  const berlin = new WorkingCalendar({
    zone: 'Europe/Berlin',
    open: '00:00',
    close: '24:00',
    days: [1, 2, 3, 4, 5, 6, 7],
  });
  const ny = new WorkingCalendar({
    zone: 'America/New_York',
    open: '00:00',
    close: '24:00',
    days: [1, 2, 3, 4, 5, 6, 7],
  });
  const local = (iso: string, zone: string) => DateTime.fromISO(iso, { zone }).toMillis();

  test('the spring day has 23 working hours, the autumn day 25', () => {
    expect(
      berlin.workingBetween(
        local('2026-03-29T00:00', 'Europe/Berlin'),
        local('2026-03-30T00:00', 'Europe/Berlin'),
      ),
    ).toBe(23 * HOUR);
    expect(
      berlin.workingBetween(
        local('2026-10-25T00:00', 'Europe/Berlin'),
        local('2026-10-26T00:00', 'Europe/Berlin'),
      ),
    ).toBe(25 * HOUR);
    expect(
      ny.workingBetween(
        local('2026-03-08T00:00', 'America/New_York'),
        local('2026-03-09T00:00', 'America/New_York'),
      ),
    ).toBe(23 * HOUR);
    expect(
      ny.workingBetween(
        local('2026-11-01T00:00', 'America/New_York'),
        local('2026-11-02T00:00', 'America/New_York'),
      ),
    ).toBe(25 * HOUR);
  });

  test('working time is elapsed time when the lab never closes', () => {
    const t = local('2026-10-24T22:00', 'Europe/Berlin');
    expect(berlin.addWorking(t, 10 * HOUR)).toBe(t + 10 * HOUR);
  });

  test('a 09:00–17:00 day on the DST change keeps its local hours', () => {
    const cal = new WorkingCalendar({
      zone: 'Europe/Berlin',
      open: '09:00',
      close: '17:00',
      days: [7],
    });
    const day = cal.dayOf(local('2026-03-29T12:00', 'Europe/Berlin'));
    expect(day.open).toBe(local('2026-03-29T09:00', 'Europe/Berlin'));
    expect((day.close as number) - (day.open as number)).toBe(8 * HOUR);
  });
});

describe('the window the calendar supports (issue 16, case 4)', () => {
  test('a calendar answers for every time of its window whatever it was asked before', () => {
    const lisbon: CalendarSpec = {
      zone: 'Europe/Lisbon',
      open: '09:00',
      close: '18:00',
      days: [1, 2, 3, 4, 5],
    };
    const t2010 = Date.parse('2010-03-01T10:00:00Z');
    const t2052 = Date.parse('2052-03-04T10:00:00Z');
    const first2052 = new WorkingCalendar(lisbon);
    first2052.coord(t2052);
    const fresh = new WorkingCalendar(lisbon);
    for (const cal of [first2052, fresh]) {
      // Monday 2010-03-01, 10:00 in Lisbon (UTC in winter): seven working hours left that day.
      expect(cal.workingBetween(t2010, t2010 + 24 * HOUR)).toBe(9 * HOUR);
      expect(cal.addWorking(t2010, 9 * HOUR)).toBe(Date.parse('2010-03-02T10:00:00Z'));
      expect(cal.productionDay(t2010).date).toBe('2010-03-01');
    }
    expect(first2052.workingBetween(t2010, t2052)).toBe(fresh.workingBetween(t2010, t2052));
  });

  test('it spans the years 2000 to 2600: the first and last instants a caller may give, and the projections after them', () => {
    const cal = new WorkingCalendar(shanghai);
    expect(cal.productionDay(Date.UTC(2000, 0, 1)).date).toBe('2000-01-01');
    expect(cal.dayOf(Date.UTC(2200, 0, 1)).date).toBe('2200-01-01');
    expect(cal.nextWorkingDay(Date.UTC(2200, 0, 1)).date).toBe('2200-01-02');
    const late = cal.productionDay(Date.UTC(2599, 11, 1)).open + HOUR;
    expect(cal.timeAt(cal.coord(late))).toBe(late);
    expect(() => cal.coord(Date.UTC(2700, 0, 1))).toThrow(RangeError);
    expect(() => cal.coord(Date.UTC(1990, 0, 1))).toThrow(/outside the years/);
  });
});

test('parseHHmm', () => {
  expect(parseHHmm('09:30')).toBe(570);
  expect(parseHHmm('24:00')).toBe(1440);
  expect(() => parseHHmm('24:30')).toThrow();
  expect(() => parseHHmm('9:30')).toThrow();
});

/** Working ms in [a, b) computed day by day with luxon, independently of the table. */
function referenceWorking(spec: CalendarSpec, a: number, b: number): number {
  let total = 0;
  let day = DateTime.fromMillis(a, { zone: spec.zone }).startOf('day');
  const [oh, om] = spec.open.split(':').map(Number) as [number, number];
  const [ch, cm] = spec.close.split(':').map(Number) as [number, number];
  while (day.toMillis() < b) {
    const next = day.plus({ days: 1 }).startOf('day');
    if (spec.days.includes(day.weekday)) {
      const open = Math.max(day.toMillis(), day.set({ hour: oh, minute: om }).toMillis());
      const close =
        ch === 24
          ? next.toMillis()
          : Math.min(next.toMillis(), day.set({ hour: ch, minute: cm }).toMillis());
      total += Math.max(0, Math.min(close, b) - Math.max(open, a));
    }
    day = next;
  }
  return total;
}

test('property: working time, timeAt and startAt agree with a day-by-day reference, DST included', () => {
  const base = Date.UTC(2026, 5, 1);
  const instant = fc
    .integer({ min: -60 * 24 * 60, max: 60 * 24 * 60 })
    .map((m) => base + m * 60_000);
  fc.assert(
    fc.property(
      arbitraries.calendars(),
      instant,
      instant,
      fc.integer({ min: 0, max: 400 * 60 }),
      (spec, x, y, addMinutes) => {
        const [a, b] = x <= y ? [x, y] : [y, x];
        const cal = new WorkingCalendar(spec);
        expect(cal.workingBetween(a, b)).toBe(referenceWorking(spec, a, b));
        const c = cal.coord(a) + addMinutes * 60_000;
        const t = cal.timeAt(c);
        expect(cal.coord(t)).toBe(c);
        expect(cal.coord(t - 1)).toBeLessThan(c);
        const s = cal.startAt(c);
        expect(cal.coord(s)).toBe(c);
        // A start is inside working hours: one millisecond later, work has been done.
        expect(cal.coord(s + 1)).toBe(c + 1);
        expect(cal.addWorking(a, addMinutes * 60_000)).toBe(t);
      },
    ),
    fcParams(300),
  );
});

test('property: across the whole window, DST days included, the answers agree with the reference whatever was asked first', () => {
  const instant = fc
    .integer({ min: Date.UTC(2000, 0, 1) / 60_000, max: Date.UTC(2300, 0, 1) / 60_000 })
    .map((m) => m * 60_000);
  fc.assert(
    fc.property(
      arbitraries.calendars(),
      instant,
      fc.integer({ min: 0, max: 40 * 24 * 60 }),
      fc.integer({ min: -1000, max: 1000 }),
      fc.integer({ min: 0, max: 400 * 60 }),
      (spec, a, spanMinutes, daysAway, addMinutes) => {
        const b = a + spanMinutes * 60_000;
        // One calendar first asked about a time up to three years away, one asked nothing before.
        const asked = new WorkingCalendar(spec);
        asked.coord(
          Math.min(Date.UTC(2300, 0, 1), Math.max(Date.UTC(2000, 0, 1), a + daysAway * 86_400_000)),
        );
        const fresh = new WorkingCalendar(spec);
        for (const cal of [fresh, asked]) {
          expect(cal.workingBetween(a, b)).toBe(referenceWorking(spec, a, b));
          const c = cal.coord(a) + addMinutes * 60_000;
          const t = cal.timeAt(c);
          expect(cal.coord(t)).toBe(c);
          expect(cal.coord(t - 1)).toBeLessThan(c);
          expect(cal.endsBy(c, t)).toBe(true);
          expect(cal.endsBy(c, t - 1)).toBe(false);
        }
        expect(asked.timeAt(asked.coord(a) + addMinutes * 60_000)).toBe(
          fresh.timeAt(fresh.coord(a) + addMinutes * 60_000),
        );
        expect(asked.dayOf(a)).toEqual(fresh.dayOf(a));
      },
    ),
    fcParams(200),
  );
});
