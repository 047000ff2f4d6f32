/**
 * The lab's working calendar: zone, opening hours and working weekdays.
 *
 * Calendar math (which local day is it, when does that day open and close) is done with
 * luxon at the edges, once per day of the table. Time math on the hot path (how much
 * working time lies between two instants, when will N working milliseconds have passed) is
 * done on plain integers against that table: `coord(t)` is the number of working
 * milliseconds from a fixed anchor to `t`, so working time between two instants is a
 * subtraction and "add working time" is one binary search.
 */
import { DateTime, IANAZone } from 'luxon';

export interface CalendarSpec {
  /** IANA zone name, e.g. `Asia/Shanghai`. */
  zone: string;
  /** Opening time, `HH:mm`. */
  open: string;
  /** Closing time, `HH:mm`, later than `open`; `24:00` means midnight at the end of the day. */
  close: string;
  /** Working weekdays as ISO numbers, 1 (Monday) to 7 (Sunday). */
  days: readonly number[];
}

/** One local day of the calendar. */
export interface CalendarDay {
  /** The local date, `yyyy-MM-dd`. */
  date: string;
  /** Whether the lab works that day. */
  working: boolean;
  /** Epoch ms of the opening on that date (absent when not working). */
  open?: number;
  /** Epoch ms of the closing on that date (absent when not working). */
  close?: number;
}

/** Minutes since midnight of `HH:mm`; `24:00` is 1440. Throws on anything else. */
export function parseHHmm(s: string): number {
  const m = /^(\d{2}):(\d{2})$/.exec(s);
  if (!m) throw new Error(`expected HH:mm, received '${s}'`);
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (h > 24 || min > 59 || (h === 24 && min !== 0))
    throw new Error(`expected HH:mm, received '${s}'`);
  return h * 60 + min;
}

const DAY_CHUNK = 32;
/** How far from the anchor the table may grow: about twenty years either way. */
const MAX_DAYS = 7300;

/**
 * A working calendar with an integer time axis. Coordinates are only meaningful within one
 * instance: compare and subtract them, never store them.
 */
export class WorkingCalendar {
  readonly spec: CalendarSpec;
  private readonly openMin: number;
  private readonly closeMin: number;
  private readonly works: boolean[] = [false, false, false, false, false, false, false, false];
  /*
   * The day table, one entry per local date, contiguous. Entry i covers the instants
   * [start[i], start[i+1]); `start` has one more entry than the others. On a working day the
   * lab works [open[i], close[i]); on other days open and close are NaN. `base[i]` is the
   * coordinate at start[i] and `base[i+1] = base[i] + (close[i] - open[i])`: coordinates of
   * existing entries never change when the table grows in either direction.
   */
  private dates: string[] = [];
  private start: number[] = [];
  private open: number[] = [];
  private close: number[] = [];
  private base: number[] = [];
  private hint = 0;

  private static readonly instances = new Map<string, WorkingCalendar>();

  /**
   * The process-wide instance for a calendar, so that its day table is built (with luxon) once,
   * not once per scheduler: a simulation's replications and a property test's clones would
   * otherwise spend most of their time rebuilding it. Sharing is safe because a table only
   * grows and the coordinates it has handed out never change.
   */
  static shared(spec: CalendarSpec): WorkingCalendar {
    const key = JSON.stringify([spec.zone, spec.open, spec.close, spec.days]);
    let cal = WorkingCalendar.instances.get(key);
    if (!cal) {
      // A handful of calendars is the rule; the bound only keeps a long-lived process tidy.
      if (WorkingCalendar.instances.size >= 64) WorkingCalendar.instances.clear();
      cal = new WorkingCalendar(spec);
      WorkingCalendar.instances.set(key, cal);
    }
    return cal;
  }

  constructor(spec: CalendarSpec) {
    if (!IANAZone.isValidZone(spec.zone)) throw new Error(`calendar: unknown zone '${spec.zone}'`);
    if (spec.days.length === 0) throw new Error('calendar: no working weekday');
    this.spec = { zone: spec.zone, open: spec.open, close: spec.close, days: [...spec.days] };
    this.openMin = parseHHmm(spec.open);
    this.closeMin = parseHHmm(spec.close);
    if (this.closeMin <= this.openMin) throw new Error('calendar: close must be later than open');
    for (const d of spec.days) this.works[d] = true;
  }

  /** Working milliseconds from the calendar's anchor to `t`. */
  coord(t: number): number {
    const i = this.dayIndex(t);
    const o = this.open[i] as number;
    if (Number.isNaN(o) || t <= o) return this.base[i] as number;
    const c = this.close[i] as number;
    return (this.base[i] as number) + (t < c ? t - o : c - o);
  }

  /** The earliest instant at which `coord` reaches `c`: work ending at the close ends at the close. */
  timeAt(c: number): number {
    const i = this.firstDayEndingAtOrAfter(c, false);
    return (this.open[i] as number) + (c - (this.base[i] as number));
  }

  /** The earliest working instant at which `coord` reaches `c`: work starting at a close starts at the next opening. */
  startAt(c: number): number {
    const i = this.firstDayEndingAtOrAfter(c, true);
    return (this.open[i] as number) + Math.max(0, c - (this.base[i] as number));
  }

  /** The instant `ms` working milliseconds after `t`. */
  addWorking(t: number, ms: number): number {
    return this.timeAt(this.coord(t) + ms);
  }

  /** Working milliseconds in [a, b); negative when b is before a. */
  workingBetween(a: number, b: number): number {
    return this.coord(b) - this.coord(a);
  }

  /** The local day of `t`. */
  dayOf(t: number): CalendarDay {
    return this.day(this.dayIndex(t));
  }

  /** The working day whose hours contain `t`, or else the next working day. */
  productionDay(t: number): Required<CalendarDay> {
    let i = this.dayIndex(t);
    if (Number.isNaN(this.open[i] as number) || t >= (this.close[i] as number))
      i = this.nextWorking(i);
    return this.day(i) as Required<CalendarDay>;
  }

  /** The first working day whose local date is after the local date of `t`. */
  nextWorkingDay(t: number): Required<CalendarDay> {
    return this.day(this.nextWorking(this.dayIndex(t))) as Required<CalendarDay>;
  }

  private day(i: number): CalendarDay {
    const o = this.open[i] as number;
    const date = this.dates[i] as string;
    return Number.isNaN(o)
      ? { date, working: false }
      : { date, working: true, open: o, close: this.close[i] as number };
  }

  private nextWorking(i: number): number {
    let j = i + 1;
    for (;;) {
      while (j >= this.dates.length) this.extendForward();
      if (!Number.isNaN(this.open[j] as number)) return j;
      j++;
    }
  }

  /** Index of the day containing `t`, growing the table as needed. */
  private dayIndex(t: number): number {
    if (this.dates.length === 0) this.init(t);
    const h = this.hint;
    if ((this.start[h] as number) <= t && t < (this.start[h + 1] as number)) return h;
    while (t < (this.start[0] as number)) this.extendBackward();
    while (t >= (this.start[this.start.length - 1] as number)) this.extendForward();
    let lo = 0;
    let hi = this.dates.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if ((this.start[mid] as number) <= t) lo = mid;
      else hi = mid - 1;
    }
    this.hint = lo;
    return lo;
  }

  /**
   * The first working day i whose end coordinate `base[i+1]` reaches c (strictly passes it when
   * `strict`); the answer lies in that day's hours.
   */
  private firstDayEndingAtOrAfter(c: number, strict: boolean): number {
    if (this.dates.length === 0) throw new Error('calendar: no coordinate has been handed out yet');
    // The table must start before the answer and reach past it. A day before the table could
    // end exactly at base[0], so the non-strict search needs base[0] < c.
    while (strict ? c < (this.base[0] as number) : c <= (this.base[0] as number))
      this.extendBackward();
    while (c >= (this.base[this.base.length - 1] as number)) this.extendForward();
    // Binary search over base[i+1], which is non-decreasing in i. The day found starts below c
    // (the day before it ends below c) and ends at or past c, so it is a working day.
    let lo = 0;
    let hi = this.dates.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const end = this.base[mid + 1] as number;
      if (strict ? end > c : end >= c) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  private init(t: number): void {
    const first = DateTime.fromMillis(t, { zone: this.spec.zone })
      .startOf('day')
      .minus({ days: 1 });
    const d = this.build(first);
    this.dates = [d.date];
    this.start = [d.start, d.end];
    this.open = [d.open];
    this.close = [d.close];
    this.base = [0, Number.isNaN(d.open) ? 0 : d.close - d.open];
    this.extendForward();
  }

  private build(midnight: DateTime): {
    date: string;
    start: number;
    end: number;
    open: number;
    close: number;
  } {
    const zone = this.spec.zone;
    const next = midnight.plus({ days: 1 }).startOf('day');
    const start = midnight.toMillis();
    const end = next.toMillis();
    if (!this.works[midnight.weekday])
      return {
        date: midnight.toISODate() as string,
        start,
        end,
        open: Number.NaN,
        close: Number.NaN,
      };
    const at = (min: number) =>
      min >= 1440
        ? end
        : DateTime.fromObject(
            {
              year: midnight.year,
              month: midnight.month,
              day: midnight.day,
              hour: Math.floor(min / 60),
              minute: min % 60,
            },
            { zone },
          ).toMillis();
    const open = Math.max(start, at(this.openMin));
    const close = Math.min(end, at(this.closeMin));
    return { date: midnight.toISODate() as string, start, end, open, close: Math.max(open, close) };
  }

  private extendForward(): void {
    if (this.dates.length > 2 * MAX_DAYS)
      throw new RangeError(
        'calendar: time is more than twenty years from the first one asked about',
      );
    const last = this.start[this.start.length - 1] as number;
    let midnight = DateTime.fromMillis(last, { zone: this.spec.zone }).startOf('day');
    for (let k = 0; k < DAY_CHUNK; k++) {
      const d = this.build(midnight);
      this.dates.push(d.date);
      this.open.push(d.open);
      this.close.push(d.close);
      this.start.push(d.end);
      const b = this.base[this.base.length - 1] as number;
      this.base.push(b + (Number.isNaN(d.open) ? 0 : d.close - d.open));
      midnight = DateTime.fromMillis(d.end, { zone: this.spec.zone }).startOf('day');
    }
  }

  private extendBackward(): void {
    if (this.dates.length > 2 * MAX_DAYS)
      throw new RangeError(
        'calendar: time is more than twenty years from the first one asked about',
      );
    const first = this.start[0] as number;
    let midnight = DateTime.fromMillis(first, { zone: this.spec.zone })
      .minus({ days: 1 })
      .startOf('day');
    const days: ReturnType<WorkingCalendar['build']>[] = [];
    for (let k = 0; k < DAY_CHUNK; k++) {
      days.unshift(this.build(midnight));
      midnight = midnight.minus({ days: 1 }).startOf('day');
    }
    let b = this.base[0] as number;
    const bases: number[] = [];
    for (let k = days.length - 1; k >= 0; k--) {
      const d = days[k] as (typeof days)[number];
      b -= Number.isNaN(d.open) ? 0 : d.close - d.open;
      bases.unshift(b);
    }
    this.dates.unshift(...days.map((d) => d.date));
    this.open.unshift(...days.map((d) => d.open));
    this.close.unshift(...days.map((d) => d.close));
    this.start.unshift(...days.map((d) => d.start));
    this.base.unshift(...bases);
    this.hint += days.length;
  }
}
