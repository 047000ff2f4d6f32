/**
 * The lab's working calendar: zone, opening hours, working weekdays and the lab's exceptions to
 * them (closed days, half days, overtime).
 *
 * Calendar math (which local day is it, when does that day open and close) is done from the
 * zone's offsets, once per day of the table, and the days are shared between the calendars of
 * the process (`DayChunks`). Time math on the hot path (how much working time lies between two
 * instants, when will N working milliseconds have passed) is done on plain integers against
 * that table: `coord(t)` is the number of working milliseconds from a fixed anchor to `t`, so
 * working time between two instants is a subtraction and "add working time" is one binary
 * search.
 */
import { IANAZone } from 'luxon';
import {
  CALENDAR_END_MS,
  CALENDAR_START_MS,
  MS_PER_DAY,
  MS_PER_HOUR,
  MS_PER_MINUTE,
} from './units.js';

export interface CalendarSpec {
  /** IANA zone name, e.g. `Asia/Shanghai`. */
  zone: string;
  /** Opening time, `HH:mm`. */
  open: string;
  /** Closing time, `HH:mm`, later than `open`; `24:00` means midnight at the end of the day. */
  close: string;
  /** Working weekdays as ISO numbers, 1 (Monday) to 7 (Sunday). */
  days: readonly number[];
  /**
   * Dates whose hours differ from the usual ones: a holiday (`closed: true`), a half day or
   * overtime (`open`/`close`, which may be earlier or later than the usual hours, also on a
   * day that is not a working weekday). An exception replaces that date's hours; dates are
   * unique. @default []
   */
  exceptions?: readonly CalendarException[];
}

/** One date whose hours differ from the usual ones (`CalendarSpec.exceptions`). */
export type CalendarException =
  | { date: string; closed: true }
  | { date: string; open: string; close: string };

/** The hours of an exception in minutes since local midnight, or null for a closed day. */
type ExceptionHours = { open: number; close: number } | null;

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

/** Local dates per chunk of the day table. */
const DAY_CHUNK = 32;

/** The days of one chunk; `start` has one more entry than the others: the end of the last day. */
interface Chunk {
  readonly dates: readonly string[];
  readonly start: readonly number[];
  readonly open: readonly number[];
  readonly close: readonly number[];
}

/**
 * The zone's offset at an instant, in milliseconds (local clock minus UTC), read with one
 * `Intl.DateTimeFormat`: about a fifth of what luxon's offset costs, and the day table asks
 * for one per day.
 */
function offsetReader(zone: string): (ms: number) => number {
  const fmt = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
  return (ms) => {
    const m = /^(\d+)\/(\d+)\/(\d+), (\d+):(\d+):(\d+)$/.exec(fmt.format(ms));
    if (!m) throw new Error(`calendar: cannot read the time in ${zone} at ${ms}`);
    const local = Date.UTC(
      +(m[3] as string),
      +(m[1] as string) - 1,
      +(m[2] as string),
      +(m[4] as string),
      +(m[5] as string),
      +(m[6] as string),
    );
    return local - (ms - (((ms % 1000) + 1000) % 1000));
  };
}

/**
 * The days of one calendar spec, built in chunks of `DAY_CHUNK` local dates: chunk k holds the
 * dates whose day number (days since 1970-01-01) is in [k·32, k·32 + 32). A chunk depends on the
 * spec and its number alone and never changes once built, so all the calendars of a spec in
 * the process share it, and sharing cannot change an answer: a simulation's replications and a
 * property test's clones would otherwise spend most of their time building days.
 *
 * A local time becomes an instant as luxon makes it: one that does not exist (the clocks jumped
 * over it) moves forward by the jump; one that exists twice is the first of the two. A day
 * starts at the first instant of its date.
 */
class DayChunks {
  private static readonly bySpec = new Map<string, DayChunks>();

  static of(spec: CalendarSpec, openMin: number, closeMin: number): DayChunks {
    const key = JSON.stringify([spec.zone, spec.open, spec.close, [...spec.days].sort()]);
    let days = DayChunks.bySpec.get(key);
    if (!days) {
      // A handful of specs is the rule; the bound only keeps a long-lived process tidy. The
      // calendars keep copies of the days they use, so forgetting chunks changes no answer.
      if (DayChunks.bySpec.size >= 64) DayChunks.bySpec.clear();
      days = new DayChunks(spec.zone, openMin, closeMin, spec.days);
      DayChunks.bySpec.set(key, days);
    }
    return days;
  }

  private readonly chunks = new Map<number, Chunk>();
  private readonly offset: (ms: number) => number;
  private readonly works: boolean[] = [false, false, false, false, false, false, false, false];
  /** The chunks of the window: `CALENDAR_START_MS` lies in the first, `CALENDAR_END_MS` in the last. */
  readonly first: number;
  readonly last: number;

  private constructor(
    zone: string,
    private readonly openMin: number,
    private readonly closeMin: number,
    days: readonly number[],
  ) {
    this.offset = offsetReader(zone);
    for (const d of days) this.works[d] = true;
    this.first = this.chunkOf(CALENDAR_START_MS);
    this.last = this.chunkOf(CALENDAR_END_MS);
  }

  /** The chunk holding the local date of `t`. */
  chunkOf(t: number): number {
    return Math.floor(Math.floor((t + this.offset(t)) / MS_PER_DAY) / DAY_CHUNK);
  }

  /** Chunk k, built on first use. */
  get(k: number): Chunk {
    let c = this.chunks.get(k);
    if (!c) {
      c = this.build(k);
      this.chunks.set(k, c);
    }
    return c;
  }

  private build(k: number): Chunk {
    const d0 = k * DAY_CHUNK;
    const dates: string[] = [];
    const start: number[] = [this.instantOf(d0 * MS_PER_DAY)];
    const open: number[] = [];
    const close: number[] = [];
    // Most chunks lie between two changes of the clocks: with the offset the same at every
    // midnight, each day is arithmetic. The offset is read at each midnight, so a change
    // inside the chunk is seen unless the clocks changed twice within one day.
    const o = this.offset(start[0] as number);
    let steady = true;
    for (let j = 1; j <= DAY_CHUNK && steady; j++) {
      const t = (d0 + j) * MS_PER_DAY - o;
      steady = this.offset(t) === o;
      start.push(t);
    }
    const at = (local: number) => (steady ? local - o : this.instantOf(local));
    if (!steady) start.length = 1;
    for (let j = 0; j < DAY_CHUNK; j++) {
      const d = d0 + j;
      const midnight = d * MS_PER_DAY;
      if (!steady) start.push(this.instantOf(midnight + MS_PER_DAY));
      dates.push(new Date(midnight).toISOString().slice(0, 10));
      const s = start[j] as number;
      const e = start[j + 1] as number;
      // 1970-01-01, day 0, was a Thursday: ISO weekday 4.
      if (!this.works[(((d % 7) + 7 + 3) % 7) + 1]) {
        open.push(Number.NaN);
        close.push(Number.NaN);
        continue;
      }
      const [op, cl] = this.hours(midnight, s, e, this.openMin, this.closeMin, at);
      open.push(op);
      close.push(cl);
    }
    return Object.freeze({
      dates: Object.freeze(dates),
      start: Object.freeze(start),
      open: Object.freeze(open),
      close: Object.freeze(close),
    });
  }

  /**
   * The opening and closing instants of the local date starting at `midnight` (ms of the date
   * counted as if UTC), which covers the instants [s, e), for hours `openMin` to `closeMin`;
   * `at` turns a local time into an instant.
   */
  private hours(
    midnight: number,
    s: number,
    e: number,
    openMin: number,
    closeMin: number,
    at: (local: number) => number,
  ): [number, number] {
    const op = Math.max(s, at(midnight + openMin * MS_PER_MINUTE));
    const cl = closeMin >= 1440 ? e : Math.min(e, at(midnight + closeMin * MS_PER_MINUTE));
    return [op, Math.max(op, cl)];
  }

  /**
   * The opening and closing instants of entry `j` of chunk `k` under an exception's hours (NaN
   * for a closed day). Computed on demand, never stored: the chunks are shared by every calendar
   * of the spec, and an exception belongs to one calendar alone.
   */
  exceptionHours(k: number, j: number, h: ExceptionHours): [number, number] {
    if (h === null) return [Number.NaN, Number.NaN];
    const ch = this.get(k);
    const midnight = (k * DAY_CHUNK + j) * MS_PER_DAY;
    return this.hours(
      midnight,
      ch.start[j] as number,
      ch.start[j + 1] as number,
      h.open,
      h.close,
      (local) => this.instantOf(local),
    );
  }

  /**
   * The instant at which the zone's clocks show `local` (ms of a local date-time counted as if
   * it were UTC): the first of two, or, for a time the clocks jumped over, the instant the old
   * offset puts it at, which is the time moved forward by the jump. Assumes the clocks change
   * at most once within 16 hours, as every zone's do.
   */
  private instantOf(local: number): number {
    const before = this.offset(local - 16 * MS_PER_HOUR);
    const guess = local - before;
    const after = this.offset(guess);
    if (after === before) return guess;
    // The clocks changed between the two readings, at the first instant with the new offset.
    let lo = local - 16 * MS_PER_HOUR;
    let hi = guess;
    while (hi - lo > 1) {
      const mid = lo + Math.floor((hi - lo) / 2);
      if (this.offset(mid) === before) lo = mid;
      else hi = mid;
    }
    // After the change the time reads `local` at local - after, if that is after the change;
    // otherwise the time was jumped over.
    return local - after >= hi ? local - after : guess;
  }
}

/**
 * A working calendar with an integer time axis over a fixed window (`CALENDAR_START_MS` to
 * `CALENDAR_END_MS`). Coordinates are only meaningful within one instance: compare and
 * subtract them, never store them. Every answer depends on the spec and the question alone,
 * never on what was asked before, and no two instances share anything that changes.
 */
export class WorkingCalendar {
  readonly spec: CalendarSpec;
  private readonly days: DayChunks;
  /*
   * The day table, one entry per local date, contiguous, copied from the shared chunks
   * `firstChunk` to `lastChunk`. Entry i covers the instants [start[i], start[i+1]); `start`
   * has one more entry than the others. On a working day the lab works [open[i], close[i]); on
   * other days open and close are NaN. `base[i]` is the coordinate at start[i] and
   * `base[i+1] = base[i] + (close[i] - open[i])`: coordinates of existing entries never
   * change when the table grows in either direction.
   */
  private dates: string[] = [];
  private start: number[] = [];
  private open: number[] = [];
  private close: number[] = [];
  private base: number[] = [];
  private firstChunk = 0;
  private lastChunk = -1;
  private hint = 0;
  /**
   * This calendar's own exceptions by local date. They are laid over the shared chunks as the
   * table copies them, so no other calendar of the process sees them.
   */
  private readonly exceptions = new Map<string, ExceptionHours>();

  constructor(spec: CalendarSpec) {
    if (!IANAZone.isValidZone(spec.zone)) throw new Error(`calendar: unknown zone '${spec.zone}'`);
    if (spec.days.length === 0) throw new Error('calendar: no working weekday');
    this.spec = { zone: spec.zone, open: spec.open, close: spec.close, days: [...spec.days] };
    if (spec.exceptions !== undefined && spec.exceptions.length > 0) {
      this.spec.exceptions = spec.exceptions.map((x) => ({ ...x }));
      for (const x of spec.exceptions) {
        if (this.exceptions.has(x.date))
          throw new Error(`calendar: exception date ${x.date} is given twice`);
        if ('closed' in x) {
          this.exceptions.set(x.date, null);
          continue;
        }
        const open = parseHHmm(x.open);
        const close = parseHHmm(x.close);
        if (close <= open)
          throw new Error(`calendar: exception ${x.date} must close later than it opens`);
        this.exceptions.set(x.date, { open, close });
      }
    }
    const openMin = parseHHmm(spec.open);
    const closeMin = parseHHmm(spec.close);
    if (closeMin <= openMin) throw new Error('calendar: close must be later than open');
    for (const d of spec.days)
      if (!Number.isInteger(d) || d < 1 || d > 7)
        throw new Error(`calendar: weekday ${d} is not an ISO weekday 1 to 7`);
    this.days = DayChunks.of(this.spec, openMin, closeMin);
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

  /**
   * Whether work that ends at coordinate `c` ends by the instant `t` (`timeAt(c) <= t`), for a
   * `t` in the window. The table grows as far as `timeAt(c)` would grow it, and no further than
   * `t`; not at all once `c` lies further beyond the table than the time left until `t`, since
   * working time never exceeds elapsed time.
   */
  endsBy(c: number, t: number): boolean {
    if (this.dates.length === 0) this.init(t);
    for (;;) {
      const n = this.dates.length;
      const end = this.start[n] as number;
      if (end > t) return c <= this.coord(t);
      if (c <= (this.base[n] as number)) return true;
      if (c - (this.base[n] as number) > t - end) return false;
      this.extendForward();
    }
  }

  /**
   * The exception's hours of a local date, in minutes since midnight: `null` when the lab is
   * closed that date, `undefined` when the date keeps its usual hours.
   */
  exceptionOn(date: string): { open: number; close: number } | null | undefined {
    return this.exceptions.get(date);
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
    const k = this.days.chunkOf(t);
    if (k < this.days.first || k > this.days.last) throw this.outside(t);
    this.firstChunk = k;
    this.lastChunk = k - 1;
    this.start = [this.days.get(k).start[0] as number];
    this.base = [0];
    this.extendForward();
  }

  private outside(t: number): RangeError {
    const when = Number.isFinite(t) ? new Date(t).toISOString() : String(t);
    return new RangeError(
      `calendar: ${when} is outside the years the calendar supports (${new Date(CALENDAR_START_MS).toISOString().slice(0, 7)} to ${new Date(CALENDAR_END_MS).toISOString().slice(0, 4)})`,
    );
  }

  private extendForward(): void {
    if (this.lastChunk >= this.days.last)
      throw this.outside(this.start[this.start.length - 1] as number);
    const k = ++this.lastChunk;
    const ch = this.days.get(k);
    let b = this.base[this.base.length - 1] as number;
    for (let j = 0; j < DAY_CHUNK; j++) {
      const [o, c] = this.hoursOf(k, j, ch);
      this.dates.push(ch.dates[j] as string);
      this.open.push(o);
      this.close.push(c);
      this.start.push(ch.start[j + 1] as number);
      b += Number.isNaN(o) ? 0 : c - o;
      this.base.push(b);
    }
  }

  /** The opening and closing of entry `j` of chunk `k` in this calendar: the shared day's, or this calendar's exception. */
  private hoursOf(k: number, j: number, ch: Chunk): [number, number] {
    if (this.exceptions.size > 0) {
      const h = this.exceptions.get(ch.dates[j] as string);
      if (h !== undefined) return this.days.exceptionHours(k, j, h);
    }
    return [ch.open[j] as number, ch.close[j] as number];
  }

  /** Prepends as many chunks as the table holds (at least one), so that growing back far costs linear time. */
  private extendBackward(): void {
    if (this.firstChunk <= this.days.first) throw this.outside((this.start[0] as number) - 1);
    const from = Math.max(
      this.days.first,
      this.firstChunk - Math.max(1, this.lastChunk - this.firstChunk + 1),
    );
    const dates: string[] = [];
    const start: number[] = [];
    const open: number[] = [];
    const close: number[] = [];
    for (let k = from; k < this.firstChunk; k++) {
      const ch = this.days.get(k);
      for (let j = 0; j < DAY_CHUNK; j++) {
        dates.push(ch.dates[j] as string);
        const [o, c] = this.hoursOf(k, j, ch);
        start.push(ch.start[j] as number);
        open.push(o);
        close.push(c);
      }
    }
    const base: number[] = new Array(dates.length);
    let b = this.base[0] as number;
    for (let i = dates.length - 1; i >= 0; i--) {
      const o = open[i] as number;
      b -= Number.isNaN(o) ? 0 : (close[i] as number) - o;
      base[i] = b;
    }
    this.dates = dates.concat(this.dates);
    this.start = start.concat(this.start);
    this.open = open.concat(this.open);
    this.close = close.concat(this.close);
    this.base = base.concat(this.base);
    this.hint += dates.length;
    this.firstChunk = from;
  }
}
