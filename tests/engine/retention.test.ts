/**
 * Retention (issue 19): a lab running for a season holds the work in hand and a bounded window
 * behind it, not its whole history. Driven through 60 days of a few hundred orders a day with
 * the queue kept short, the counts the engine holds stay bounded; an order settled longer ago
 * than the horizon is no longer known.
 */
import { describe, expect, test } from 'vitest';
import {
  createScheduler,
  type Order,
  restoreScheduler,
  type Scheduler,
  ValidationError,
} from '../../src/index.js';
import { LineDriver } from '../../src/testing/run-trace.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Monday 2 March 2026, 09:00 in Shanghai (the default calendar opens 09:00–18:00, Monday to Saturday). */
const MONDAY = Date.UTC(2026, 2, 2, 1);

/** A small seeded generator (no wall clock, the same days every run). */
function lcg(seed: number) {
  let x = seed >>> 0;
  return () => {
    x = (Math.imul(x, 1_664_525) + 1_013_904_223) >>> 0;
    return x / 2 ** 32;
  };
}

/**
 * Drives `s` through `days` working days of `perDay` orders between 09:00 and 17:00, the lines
 * making them as they come; calls `after(day)` at the end of each day.
 */
function season(s: Scheduler, days: number, perDay: number, after: (day: number) => void) {
  const rnd = lcg(19);
  const driver = new LineDriver(s);
  let n = 0;
  let day = 0;
  for (let d = 0; day < days; d++) {
    const open = MONDAY + d * DAY;
    // Sundays are closed.
    if (new Date(open + 8 * HOUR).getUTCDay() === 0) continue;
    for (let i = 0; i < perDay; i++) {
      const at = open + Math.floor(((i + rnd()) / perDay) * 8 * HOUR);
      const r = rnd();
      const order: Order = {
        id: `o${n++}`,
        clientId: `c${Math.floor(rnd() * 200)}`,
        tier: r < 0.1 ? 'key' : r < 0.3 ? 'special' : 'regular',
        product: r < 0.85 ? 'print' : r < 0.95 ? 'album' : 'frame',
        quantity: r < 0.85 ? 1 + Math.floor(rnd() * 40) : 1,
        uploadedAt: at,
        ...(r > 0.97
          ? { rush: { cause: 'rework' as const, reason: 'reprint', responsible: 'QA' } }
          : rnd() < 0.1
            ? { rush: { cause: 'client' as const, urgency: 'next-day' as const } }
            : {}),
      };
      driver.until(at);
      driver.apply({ at, order });
      driver.startIdle(at);
    }
    driver.until(open + 9 * HOUR);
    after(++day);
  }
  return n;
}

describe('retention', () => {
  test('over 60 days the orders, register entries, rush times and time pages held stay bounded', () => {
    const s = createScheduler();
    const perDay = 300;
    const held: ReturnType<Scheduler['memorySizes']>[] = [];
    const submitted = season(s, 60, perDay, () => {
      held.push(s.memorySizes());
      // The queue was kept short: the day's work is done by its close.
      for (const line of s.lineIds()) expect(s.lineStatus(line).queued).toBeLessThan(perDay / 4);
    });
    expect(submitted).toBe(60 * perDay);
    // Seven days of retention (the default) are at most eight working days' orders, with a
    // Sunday among them; rush times are kept for the 30-day frequency window.
    const bound = 8 * perDay;
    for (const [i, m] of held.entries()) {
      expect(m.orders, `orders held after day ${i + 1}`).toBeLessThanOrEqual(bound);
      expect(m.rush).toBeLessThanOrEqual(bound);
      expect(m.rework).toBeLessThanOrEqual(bound);
      expect(m.clientRushes).toBeLessThanOrEqual(27 * perDay * 0.1 * 1.5);
      expect(m.rushDays).toBeLessThanOrEqual(4 * 8);
      expect(m.timePages).toBeLessThanOrEqual(Math.ceil(bound / 4096) + 1);
    }
    // The counts level off after the horizon: day 60 holds no more than day 15.
    const d15 = held[14] as (typeof held)[number];
    const d60 = held[59] as (typeof held)[number];
    expect(d60.orders).toBeLessThanOrEqual(d15.orders * 1.1);
    expect(d60.rush).toBeLessThanOrEqual(d15.rush * 1.3);
    expect(d60.orders).toBeGreaterThan(perDay);
  });

  test('an order settled longer ago than the horizon is unknown to explain; a recent one is explained', () => {
    const s = createScheduler({ retention: 2 });
    const n = season(s, 5, 50, () => undefined);
    expect(() => s.explain('o0')).toThrow(ValidationError);
    try {
      s.explain('o0');
    } catch (e) {
      expect((e as ValidationError).issues[0]?.message).toContain('retention of 2 days');
    }
    // A call on an order that left memory says why it is not found, as explain does: a client
    // picking up later than the retention, say.
    const now = s.snapshot().lastTime as number;
    for (const call of [
      () => s.deliver('o0', { via: 'pickup' }, now),
      () => s.cancel('o0', now),
      () => s.hold('o0', now),
    ])
      expect(call).toThrow(
        "'o0' is not held: never submitted, or settled longer ago than the retention of 2 days",
      );
    expect(s.explain(`o${n - 1}`).orderId).toBe(`o${n - 1}`);
    // The registers keep their entry numbers: reading from the first gives what is held.
    const sizes = s.registerSizes();
    expect(s.memorySizes().rush).toBeLessThan(sizes.rush);
    expect(s.rushRegister(0)).toEqual(s.rushRegister());
    expect(s.rushRegister(sizes.rush - 1)).toHaveLength(1);
    // A snapshot holds the window, and restores it exactly.
    const snap = JSON.parse(JSON.stringify(s.snapshot()));
    expect(snap.orders.length).toBe(s.memorySizes().orders);
    const back = restoreScheduler(snap);
    expect(back.memorySizes()).toEqual(s.memorySizes());
    expect(back.registerSizes()).toEqual(sizes);
    expect(back.snapshot()).toEqual(s.snapshot());
  });

  test('retention is validated: a number of days from 0 to 366', () => {
    for (const bad of [-1, 400, '7', Number.NaN]) {
      try {
        createScheduler({ retention: bad as number });
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(ValidationError);
        expect((e as ValidationError).issues[0]?.path).toBe('retention');
      }
    }
    expect(createScheduler({ retention: 0 }).config.retention).toBe(0);
    expect(createScheduler().config.retention).toBe(7);
  });

  describe('an id used again once its order left memory is a new order', () => {
    const at = (hhmm: string) =>
      MONDAY - 9 * HOUR + Number(hhmm.slice(0, 2)) * HOUR + Number(hhmm.slice(3)) * 60_000;
    const first: Order = {
      id: 'A',
      clientId: 'c1',
      tier: 'regular',
      product: 'print',
      quantity: 5,
      uploadedAt: at('08:00'),
    };

    /**
     * The first order 'A' made and finished by 09:30 on a scheduler that tells `told` of late
     * orders and overdue rework from the start (so that it arms their alarms).
     */
    function madeAndFinished(order: Order, told: string[]): Scheduler {
      const s = createScheduler({ retention: 0 });
      s.on('late', (e) => told.push(`late ${e.orderId}`));
      s.on('rework-overdue', (e) => told.push(`rework-overdue ${e.orderId}`));
      s.submit(order, at('09:00'));
      s.next('print', at('09:10'));
      s.complete('A', at('09:30'));
      return s;
    }

    test('it does not show the delivery of the earlier order', () => {
      const s = createScheduler({ retention: 1 });
      s.submit(first, at('09:00'));
      s.next('print', at('09:10'));
      s.complete('A', at('09:30'));
      s.deliver('A', { via: 'pickup', shortItems: 2 }, at('10:00'));
      // A day later the order has left; its delivery (a day after the hand-over) has not.
      s.next('print', at('09:45') + DAY);
      expect(s.memorySizes()).toMatchObject({ orders: 0, deliveries: 1 });
      s.submit({ ...first, uploadedAt: at('09:00') + DAY }, at('09:46') + DAY);
      const e = s.explain('A');
      expect(e.status).toBe('queued');
      expect(e.delivery).toBeUndefined();
      expect(e.summary).not.toContain('picked up');
      // Handed over in its turn, it shows its own delivery.
      s.next('print', at('10:00') + DAY);
      s.complete('A', at('10:30') + DAY);
      s.deliver('A', { via: 'ship', reference: 'SF-2' }, at('11:00') + DAY);
      expect(s.explain('A').delivery).toMatchObject({ via: 'ship', reference: 'SF-2' });
    });

    test("the earlier order's alarms do not go off for it", () => {
      for (const rush of [undefined, { cause: 'rework' as const, reason: 'scratched' }]) {
        const order: Order = rush ? { ...first, rush } : first;
        const told: string[] = [];
        const s = madeAndFinished(order, told);
        s.next('print', at('09:40'));
        expect(s.memorySizes().orders).toBe(0);
        // The same order again, so that its promise (or its rework deadline, the end of the
        // day) is the one the earlier order's alarm was armed at; it is never made.
        const d = s.submit(order, at('09:41'));
        expect(told).toEqual([]);
        s.advance(d.promisedBy + DAY);
        // Told once each, by its own alarms.
        expect(told.sort(), JSON.stringify(rush)).toEqual(
          rush ? ['late A', 'rework-overdue A'] : ['late A'],
        );
      }
    });
  });
});
