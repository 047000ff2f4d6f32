/**
 * The rules of rules.md §4–§6, one test each, written from the lab's own examples in
 * seed-excerpt.md. Times are Shanghai wall-clock times on Tuesday 2026-11-24 (a working day
 * of the default calendar, 09:00–18:00 Monday to Saturday).
 */
import { describe, expect, test } from 'vitest';
import {
  type AtRiskReport,
  createScheduler,
  type Order,
  restoreScheduler,
  type SchedulerConfig,
  ValidationError,
} from '../../src/index.js';
import { order, T } from '../support/orders.js';

const sh = (local: string) => Date.parse(`${local}:00+08:00`);
const HOUR = 3_600_000;

/** One print line at 100 prints an hour: 900 a day, so a few orders fill it. */
const smallLab: SchedulerConfig = {
  lines: [{ id: 'print', products: ['print'], unitsPerHour: 100 }],
};

describe('rush gates, in order', () => {
  test('a same-day rush asked for at 17:00 is past the cutoff: declined as unreachable, with a counter-offer, and still queued', () => {
    const s = createScheduler();
    const d = s.submit(
      order({ uploadedAt: T('16:55'), rush: { urgency: 'same-day' } }),
      T('17:00'),
    );
    expect(d.outcome).toBe('rush-declined');
    expect(d.reasons[0]?.rule).toBe('deadline-unreachable');
    expect(d.reasons[0]?.message).toContain('after the same-day cutoff 16:00');
    expect(d.earliestPossible).toBeGreaterThan(T('17:00'));
    // Not a lost order: it is queued with its normal promise (48 h turnaround for a regular client).
    expect(d.promisedBy).toBe(T('16:55') + 48 * HOUR);
    expect(s.explain(d.orderId).status).toBe('queued');
    expect(s.rushRegister()).toHaveLength(1);
  });

  test("a same-day rush at 15:00 that fits is accepted and promised by today's close", () => {
    const s = createScheduler();
    const d = s.submit(
      order({ uploadedAt: T('14:50'), rush: { urgency: 'same-day' } }),
      T('15:00'),
    );
    expect(d.outcome).toBe('rush-accepted');
    expect(d.reasons[0]?.rule).toBe('accepted');
    expect(d.promisedBy).toBe(T('18:00'));
  });

  test('a rush too big to finish by its deadline even if produced next is unreachable', () => {
    const s = createScheduler(smallLab);
    // 500 prints at 100/h is 5 working hours; a half-day rush gives 4.
    const d = s.submit(order({ quantity: 500, rush: { urgency: 'half-day' } }), T('09:00'));
    expect(d.reasons[0]?.rule).toBe('deadline-unreachable');
    expect(d.earliestPossible).toBe(T('14:00'));
  });

  test('half-day is four working hours: asked at 16:00 it is due at 11:00 the next working day', () => {
    const s = createScheduler();
    const d = s.submit(
      order({ uploadedAt: T('15:59'), rush: { urgency: 'half-day' } }),
      T('16:00'),
    );
    expect(d.outcome).toBe('rush-accepted');
    expect(d.promisedBy).toBe(sh('2026-11-25T11:00'));
  });

  test("next-day on a Saturday means Monday's close (the lab is closed on Sunday)", () => {
    const s = createScheduler();
    const d = s.submit(
      order({ uploadedAt: sh('2026-11-28T10:00'), rush: { urgency: 'next-day' } }),
      sh('2026-11-28T10:00'),
    );
    expect(s.rushRegister()[0]?.deadline).toBe(sh('2026-11-30T18:00'));
    // A rush never makes a promise later: the 48 h turnaround of a regular client (Monday
    // 10:00) comes before the deadline, so it is the promise.
    expect(d.outcome).toBe('rush-accepted');
    expect(d.promisedBy).toBe(sh('2026-11-30T10:00'));
  });

  test('the daily rush quota: 25% of the day for everyone, 35% for key clients', () => {
    const s = createScheduler(smallLab); // 900 prints a day: quota 225, key 315
    const a = s.submit(
      order({ quantity: 200, tier: 'special', rush: { urgency: 'next-day' } }),
      T('09:00'),
    );
    expect(a.outcome).toBe('rush-accepted');
    const b = s.submit(
      order({ quantity: 30, tier: 'special', rush: { urgency: 'next-day' } }),
      T('09:01'),
    );
    expect(b.reasons[0]?.rule).toBe('daily-rush-quota');
    expect(b.reasons[0]?.message).toContain('quota of 225');
    const c = s.submit(
      order({ quantity: 30, tier: 'key', rush: { urgency: 'next-day' } }),
      T('09:02'),
    );
    expect(c.outcome).toBe('rush-accepted');
    const reg = s.rushRegister();
    expect(reg.map((r) => r.quota.used)).toEqual([0, 200, 200]);
  });

  test('a habitual rusher on a full day is declined; a key client with the same habit is not', () => {
    const s = createScheduler({
      lines: [{ id: 'print', products: ['print'], unitsPerHour: 1000 }],
    });
    // Four accepted rushes on four earlier days (the window is 30 days).
    for (let d = 16; d <= 19; d++) {
      for (const client of ['habit', 'keyhabit']) {
        const r = s.submit(
          order({
            clientId: client,
            tier: client === 'habit' ? 'special' : 'key',
            quantity: 5,
            uploadedAt: sh(`2026-11-${d}T09:00`),
            rush: { urgency: 'next-day' },
          }),
          sh(`2026-11-${d}T09:00`),
        );
        expect(r.outcome).toBe('rush-accepted');
      }
    }
    // Fill today: 8,000 prints of plain work due today make the line tight.
    s.submit(
      order({ quantity: 8000, tier: 'key', uploadedAt: T('08:00'), shipBy: T('18:00') }),
      T('09:00'),
    );
    const habit = s.submit(
      order({ clientId: 'habit', tier: 'special', quantity: 5, rush: { urgency: 'next-day' } }),
      T('09:05'),
    );
    expect(habit.outcome).toBe('rush-declined');
    expect(habit.reasons[0]?.rule).toBe('frequent-rusher');
    const key = s.submit(
      order({ clientId: 'keyhabit', tier: 'key', quantity: 5, rush: { urgency: 'next-day' } }),
      T('09:06'),
    );
    expect(key.outcome).toBe('rush-accepted');
  });

  test('the same habitual rusher on a quiet day is accepted: when capacity is large, accept what fits', () => {
    const s = createScheduler({
      lines: [{ id: 'print', products: ['print'], unitsPerHour: 1000 }],
    });
    for (let d = 16; d <= 20; d++) {
      s.submit(
        order({
          clientId: 'habit',
          tier: 'regular',
          quantity: 5,
          uploadedAt: sh(`2026-11-${d}T09:00`),
          rush: { urgency: 'next-day' },
        }),
        sh(`2026-11-${d}T09:00`),
      );
    }
    const d = s.submit(
      order({ clientId: 'habit', tier: 'regular', quantity: 150, rush: { urgency: 'next-day' } }),
      T('09:05'),
    );
    expect(d.outcome).toBe('rush-accepted');
    expect(s.rushRegister().at(-1)?.tight).toBe(false);
    expect(s.rushRegister().at(-1)?.recentRushes).toBe(5);
  });

  test("a large rush from a regular client under load is declined; a special client's is not", () => {
    const s = createScheduler({
      lines: [{ id: 'print', products: ['print'], unitsPerHour: 1000 }],
    });
    s.submit(order({ quantity: 8000, uploadedAt: T('08:00'), shipBy: T('18:00') }), T('09:00'));
    const regular = s.submit(
      order({ tier: 'regular', quantity: 150, rush: { urgency: 'next-day' } }),
      T('09:05'),
    );
    expect(regular.reasons[0]?.rule).toBe('large-rush-under-load');
    const small = s.submit(
      order({ tier: 'regular', quantity: 100, rush: { urgency: 'next-day' } }),
      T('09:06'),
    );
    expect(small.outcome).toBe('rush-accepted');
    const special = s.submit(
      order({ tier: 'special', quantity: 150, rush: { urgency: 'next-day' } }),
      T('09:07'),
    );
    expect(special.outcome).toBe('rush-accepted');
  });

  test('tight starts exactly at tightLoad × the rest of the day: 720 of 900 prints promised today', () => {
    for (const [promised, tight] of [
      [719, false],
      [720, true],
    ] as const) {
      const s = createScheduler(smallLab);
      s.submit(order({ quantity: promised, shipBy: T('18:00') }), T('09:00'));
      const d = s.submit(order({ quantity: 150, rush: { urgency: 'next-day' } }), T('09:00'));
      expect(s.rushRegister()[0]?.tight).toBe(tight);
      expect(d.reasons[0]?.rule).toBe(tight ? 'large-rush-under-load' : 'accepted');
    }
  });

  test('a rush that would make a promised order late is declined, with the earliest promise it could have', () => {
    const s = createScheduler(smallLab);
    // 300 prints due at 13:00 fill 09:00–12:00 with one hour to spare.
    const due = s.submit(order({ tier: 'key', quantity: 300, shipBy: T('13:00') }), T('09:00'));
    expect(due.promisedBy).toBe(T('13:00'));
    // An immediate rush of 200 prints (2 h) would be due 12:00 and go first: the 13:00 order would finish 14:00.
    const r = s.submit(
      order({ tier: 'key', quantity: 200, rush: { urgency: 'immediate' } }),
      T('09:00'),
    );
    expect(r.reasons[0]?.rule).toBe('would-break-promises');
    expect(r.earliestPossible).toBe(T('14:00'));
    expect(s.plan('print').map((p) => p.late)).toEqual([false, false]);
  });
});

describe('company-caused rushes', () => {
  test('a damaged print on a busy morning goes first and names the orders it puts at risk', () => {
    const s = createScheduler(smallLab);
    const x = s.submit(order({ quantity: 10, shipBy: T('09:30') }), T('09:00')); // 6 minutes
    const a = s.submit(order({ quantity: 300, shipBy: T('12:06') }), T('09:00')); // 09:06–12:06, no slack
    const b = s.submit(order({ quantity: 100, shipBy: T('14:00') }), T('09:00'));
    expect([a.promisedBy, b.promisedBy]).toEqual([T('12:06'), T('14:00')]);
    expect(s.next('print', T('09:00'))?.orderId).toBe(x.orderId);
    const d = s.submit(
      order({ quantity: 50, rush: { cause: 'damaged', reason: 'scratched', responsible: 'Wang' } }),
      T('09:03'),
    );
    expect(d.outcome).toBe('rush-accepted');
    expect(d.reasons[0]?.rule).toBe('company-fault');
    // It cannot interrupt the order on the machine, but goes before everything else: a now
    // ends 12:36, half an hour late, and is reported; b still makes 14:00.
    expect(d.atRisk).toEqual([a.orderId]);
    expect(s.plan('print').map((p) => p.orderId)).toEqual([
      x.orderId,
      d.orderId,
      a.orderId,
      b.orderId,
    ]);
    expect(s.rushRegister().at(-1)?.quota.used).toBe(0);
    // Immediate: its own finish (09:36) plus the 60-minute buffer.
    expect(d.promisedBy).toBe(T('10:36'));
    expect(s.atRisk()).toEqual([a.orderId]);
    expect(s.explain(a.orderId).atRisk[0]).toMatchObject({
      cause: 'company-rush',
      by: d.orderId,
      at: T('09:03'),
    });
  });

  test('an idle line that should be working reports the orders it makes late', () => {
    const s = createScheduler(smallLab);
    const a = s.submit(order({ quantity: 300, shipBy: T('12:00') }), T('09:00'));
    // Nobody starts the line; ten minutes later a is reported at risk by the next call.
    s.submit(order(), T('09:10'));
    expect(s.atRiskLog()).toEqual([
      { orderId: a.orderId, line: 'print', at: T('09:10'), cause: 'line-delay' },
    ]);
  });

  test('an album rework at 10:00 is registered with a 24-hour deadline, reported overdue after it, and closed on completion', () => {
    const s = createScheduler();
    const d = s.submit(
      order({
        product: 'album',
        quantity: 1,
        rush: { cause: 'rework', reason: 'pages upside down', responsible: 'Li' },
      }),
      T('10:00'),
    );
    expect(d.reasons[0]?.rule).toBe('company-fault');
    const [entry] = s.reworkRegister();
    expect(entry).toMatchObject({
      orderId: d.orderId,
      date: '2026-11-24',
      cause: 'pages upside down',
      responsible: 'Li',
      deadline: T('10:00') + 24 * HOUR,
    });
    expect(s.overdueRework(T('10:00') + 24 * HOUR)).toEqual([]);
    expect(s.overdueRework(T('10:00') + 24 * HOUR + 1).map((r) => r.orderId)).toEqual([d.orderId]);
    s.next('album', T('10:01'));
    s.complete(d.orderId, T('10:05'));
    expect(s.reworkRegister()[0]?.closedAt).toBe(T('10:05'));
    expect(s.overdueRework(sh('2026-11-30T10:00'))).toEqual([]);
  });

  test("a print rework registered after the close is due at the next working day's close", () => {
    const s = createScheduler();
    s.submit(
      order({ rush: { cause: 'rework', reason: 'colour cast', responsible: 'Zhang' } }),
      T('19:30'),
    );
    expect(s.reworkRegister()[0]?.deadline).toBe(sh('2026-11-25T18:00'));
  });
});

describe('promises', () => {
  test('first uploaded, first made: a later upload never asks ahead of an earlier one of the same tier', () => {
    const s = createScheduler(smallLab);
    // The first order fills the line past its own turnaround, so its promise is later than asked.
    const a = s.submit(order({ quantity: 2000, uploadedAt: T('08:00') }), T('09:00'));
    expect(a.reasons.at(-1)?.rule).toBe('available-to-promise');
    const b = s.submit(order({ quantity: 1, uploadedAt: T('08:30') }), T('09:01'));
    expect(b.reasons.map((r) => r.rule)).toContain('first-uploaded-first-made');
    expect(b.promisedBy).toBeGreaterThanOrEqual(a.promisedBy);
    expect(s.plan('print').map((p) => p.orderId)).toEqual([a.orderId, b.orderId]);
  });

  test('a pickup time the line cannot keep is moved to the earliest it can, and the decision says so', () => {
    const s = createScheduler(smallLab);
    const d = s.submit(order({ quantity: 300, pickupAt: T('10:00') }), T('09:00'));
    expect(d.reasons[0]?.rule).toBe('available-to-promise');
    expect(d.requestedBy).toBe(T('10:00'));
    expect(d.promisedBy).toBe(T('12:00'));
  });

  test('a capacity drop returns, at once, the orders it puts at risk', () => {
    const s = createScheduler(smallLab);
    const a = s.submit(order({ quantity: 100, shipBy: T('11:00') }), T('09:00'));
    const b = s.submit(order({ quantity: 300, shipBy: T('13:00') }), T('09:00'));
    s.next('print', T('09:00'));
    expect(s.setCapacity('print', 50, T('09:00'))).toEqual([b.orderId]);
    expect(s.explain(a.orderId).expectedFinish).toBe(T('11:00'));
    expect(s.explain(b.orderId).atRisk[0]?.cause).toBe('capacity-drop');
  });

  test('the plan shows company-caused orders first, then by promise', () => {
    const s = createScheduler(smallLab);
    const late = s.submit(order({ shipBy: T('17:00') }), T('09:00'));
    const early = s.submit(order({ shipBy: T('12:00') }), T('09:00'));
    const co = s.submit(order({ rush: { cause: 'missing' } }), T('09:00'));
    expect(s.plan().map((p) => p.orderId)).toEqual([co.orderId, early.orderId, late.orderId]);
  });
});

describe('the line', () => {
  test('next on a busy line and complete of an order not in production are malformed', () => {
    const s = createScheduler(smallLab);
    const a = s.submit(order(), T('09:00'));
    const b = s.submit(order(), T('09:00'));
    expect(s.next('print', T('09:00'))?.orderId).toBe(a.orderId);
    expect(() => s.next('print', T('09:01'))).toThrow(ValidationError);
    expect(() => s.complete(b.orderId, T('09:01'))).toThrow(/must be an order in production/);
    expect(s.complete(a.orderId, T('09:06'))).toMatchObject({ orderId: a.orderId, late: false });
    expect(s.next('print', T('09:06'))?.orderId).toBe(b.orderId);
  });

  test('an empty line answers undefined', () => {
    expect(createScheduler().next('frame', T('09:00'))).toBeUndefined();
  });
});

describe('validation', () => {
  test('a bad order lists every problem with its path and changes nothing', () => {
    const s = createScheduler();
    s.submit(order({ id: 'taken' }), T('09:00'));
    const before = JSON.stringify(s.snapshot());
    try {
      s.submit(
        {
          id: 'taken',
          clientId: '',
          tier: 'gold',
          product: 'mug',
          quantity: -2,
          uploadedAt: '2026-11-24 09:00',
        } as unknown as Order,
        T('09:01'),
      );
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      const paths = (error as ValidationError).issues.map((i) => i.path).sort();
      expect(paths).toEqual(['clientId', 'quantity', 'tier', 'uploadedAt']);
    }
    expect(() => s.submit(order({ id: 'taken' }), T('09:01'))).toThrow(/already submitted/);
    expect(() => s.submit(order({ product: 'mug' }), T('09:01'))).toThrow(/product/);
    expect(() => s.submit(order(), T('08:59'))).toThrow(/must not be earlier/);
    expect(() => s.submit(order({ rush: {} as never }), T('09:01'))).toThrow(
      /rush.urgency: is required/,
    );
    expect(JSON.stringify(s.snapshot())).toBe(before);
  });

  test('a bad policy names the field: rush.quotaShare: must be between 0 and 1', () => {
    expect(() => createScheduler({ policy: { rush: { quotaShare: 1.5 } } })).toThrow(
      'policy.rush.quotaShare: must be between 0 and 1',
    );
  });

  test('a batch with one bad order decides nothing', () => {
    const s = createScheduler();
    const before = JSON.stringify(s.snapshot());
    expect(() => s.submitBatch([order(), order({ quantity: 0 })], T('09:00'))).toThrow(
      /orders\.1\.quantity/,
    );
    expect(JSON.stringify(s.snapshot())).toBe(before);
  });

  test('without a clock, a call without a time is malformed; with one, the clock is asked', () => {
    expect(() => createScheduler().submit(order())).toThrow(/no clock was configured/);
    let now = T('09:00');
    const s = createScheduler({ clock: () => now });
    expect(s.submit(order()).decidedAt).toBe(T('09:00'));
    now = T('09:30');
    expect(s.submit(order()).decidedAt).toBe(T('09:30'));
  });
});

describe('batches and snapshots', () => {
  test('the order of arrival inside a batch never decides', () => {
    const mk = () => [
      order({
        id: 'b1',
        clientId: 'x',
        tier: 'regular',
        quantity: 120,
        rush: { urgency: 'next-day' },
      }),
      order({ id: 'b2', clientId: 'y', tier: 'key', quantity: 120, rush: { urgency: 'next-day' } }),
      order({
        id: 'b3',
        clientId: 'z',
        tier: 'special',
        quantity: 90,
        rush: { urgency: 'same-day' },
      }),
      order({ id: 'b4', clientId: 'w', tier: 'regular', quantity: 40 }),
    ];
    const forward = createScheduler(smallLab).submitBatch(mk(), T('09:00'));
    const backward = createScheduler(smallLab).submitBatch(mk().reverse(), T('09:00')).reverse();
    expect(backward).toEqual(forward);
    expect(forward.map((d) => d.orderId)).toEqual(['b1', 'b2', 'b3', 'b4']);
    // Most urgent first: the same-day rush was decided first and got its quota.
    expect(forward[2]?.outcome).toBe('rush-accepted');
  });

  test('a snapshot is plain JSON, and the restored engine goes on exactly like the original', () => {
    const a = createScheduler(smallLab);
    a.submit(order({ id: 's1', quantity: 300, shipBy: T('13:00') }), T('09:00'));
    a.next('print', T('09:00'));
    a.submit(order({ id: 's2', rush: { urgency: 'half-day' } }), T('09:30'));
    const b = restoreScheduler(JSON.parse(JSON.stringify(a.snapshot())));
    const s3 = order({ id: 's3', rush: { cause: 'damaged' } });
    for (const s of [a, b]) {
      s.submit(s3, T('10:00'));
      s.setCapacity('print', 80, T('10:30'));
    }
    expect(b.snapshot()).toEqual(a.snapshot());
    expect(b.plan()).toEqual(a.plan());
  });

  test('a malformed snapshot is a ValidationError', () => {
    expect(() => restoreScheduler({ format: 'something-else' })).toThrow(ValidationError);
  });

  test("what the engine hands out is the caller's own: changing it changes nothing inside", () => {
    const a = createScheduler(smallLab);
    a.submit(order({ id: 'm1', quantity: 300, shipBy: T('13:00') }), T('09:00'));
    const d = a.submit(
      order({ id: 'm2', rush: { cause: 'rework', reason: 'scratched' } }),
      T('09:05'),
    );
    const started = a.next('print', T('09:10'));
    a.setCapacity('print', 20, T('09:20'));
    const before = JSON.stringify(a.snapshot());
    const one = <T>(xs: T[], i = 0) => xs[i] as T;
    const snap = a.snapshot();
    one(snap.config.lines).unitsPerHour = 1;
    snap.config.policy.rush.quotaShare = 0;
    one(snap.orders).order.quantity = 9;
    (one(snap.orders, 1).order.rush as { reason?: string }).reason = 'changed';
    one(one(snap.orders).decision.reasons).message = 'changed';
    for (const o of snap.orders)
      o.atRisk.push({ orderId: 'x', line: 'x', at: 0, cause: 'capacity-drop' });
    one(snap.rushRegister).reasons.length = 0;
    one(snap.reworkRegister).closedAt = 1;
    snap.atRiskLog.length = 0;
    one(d.reasons).message = 'changed';
    d.atRisk.push('x');
    a.explain('m2').decision.reasons.length = 0;
    one(a.rushRegister()).reasons.length = 0;
    (started as NonNullable<typeof started>).order.quantity = 999;
    expect(JSON.stringify(a.snapshot())).toBe(before);
  });

  test('a snapshot with registers of hundreds of thousands of entries restores', () => {
    const a = createScheduler(smallLab);
    a.submit(order({ id: 'r1', rush: { urgency: 'next-day' } }), T('09:00'));
    const snap = a.snapshot();
    const entry = snap.rushRegister[0] as (typeof snap.rushRegister)[number];
    const risk = { orderId: 'r1', line: 'print', at: T('09:00'), cause: 'line-delay' as const };
    snap.rushRegister = Array.from({ length: 300_000 }, () => entry);
    snap.atRiskLog = Array.from({ length: 300_000 }, () => risk);
    (snap.orders[0] as (typeof snap.orders)[number]).atRisk = snap.atRiskLog;
    const b = restoreScheduler(snap);
    expect(b.rushRegister()).toHaveLength(300_000);
    expect(b.atRiskLog()).toHaveLength(300_000);
  });

  test('a snapshot whose at-risk log and orders disagree is refused, naming where', () => {
    const a = createScheduler(smallLab);
    a.submit(order({ id: 'q1', pickupAt: T('10:00') }), T('09:00'));
    // A company rush in front of q1 makes its pickup promise late: one report.
    a.submit(order({ id: 'c1', quantity: 400, rush: { cause: 'damaged' } }), T('09:00'));
    const good = a.snapshot();
    expect(good.atRiskLog).toHaveLength(1);
    expect(restoreScheduler(JSON.parse(JSON.stringify(good))).atRiskLog()).toEqual(good.atRiskLog);
    const issues = (edit: (s: typeof good) => void) => {
      const s = JSON.parse(JSON.stringify(good)) as typeof good;
      edit(s);
      try {
        restoreScheduler(s);
      } catch (e) {
        return (e as ValidationError).issues;
      }
      return [];
    };
    const q1 = good.orders.findIndex((o) => o.order.id === 'q1');
    expect(issues((s) => s.atRiskLog.pop())).toEqual([
      {
        path: `orders.${q1}.atRisk`,
        message: "must be the order's entries of atRiskLog, in order (0 there, 1 here)",
      },
    ]);
    // A report naming no order of the snapshot is of an order that left memory (retention):
    // allowed, but then the order it was taken from misses it.
    expect(
      issues((s) => {
        (s.atRiskLog[0] as AtRiskReport).orderId = 'ghost';
      }),
    ).toEqual([
      {
        path: `orders.${q1}.atRisk`,
        message: "must be the order's entries of atRiskLog, in order (0 there, 1 here)",
      },
    ]);
    expect(
      issues((s) => {
        (s.orders[q1]?.atRisk[0] as AtRiskReport).at += 1;
      }),
    ).toEqual([
      {
        path: `orders.${q1}.atRisk`,
        message: "must be the order's entries of atRiskLog, in order (1 there, 1 here)",
      },
    ]);
  });

  test('a snapshot whose sequence numbers collide is refused, naming the order', () => {
    const a = createScheduler(smallLab);
    a.submit(order({ id: 'q1' }), T('09:00'));
    a.submit(order({ id: 'q2' }), T('09:00'));
    const twice = JSON.parse(JSON.stringify(a.snapshot()));
    twice.orders[1].seq = twice.orders[0].seq;
    const ahead = JSON.parse(JSON.stringify(a.snapshot()));
    ahead.orders[1].seq = ahead.seq + 1;
    const issues = (snap: unknown) => {
      try {
        restoreScheduler(snap);
      } catch (e) {
        return (e as ValidationError).issues;
      }
      return [];
    };
    expect(issues(twice)).toEqual([{ path: 'orders.1.seq', message: '1 is used by two orders' }]);
    expect(issues(ahead)).toEqual([
      { path: 'orders.1.seq', message: `must not exceed the snapshot's seq 2, received 3` },
    ]);
  });
});

describe('limits (issue 16): every call that validates is decided whole, or refused with nothing changed', () => {
  /** The first and last instants a caller may give. */
  const MIN = Date.UTC(2000, 0, 1);
  const MAX = Date.UTC(2200, 0, 1);
  const issuesOf = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      return (e as ValidationError).issues;
    }
    return expect.unreachable('expected a ValidationError');
  };
  /** The snapshot restored answers as the original does. */
  const restoresTheSame = (s: ReturnType<typeof createScheduler>) => {
    const r = restoreScheduler(JSON.parse(JSON.stringify(s.snapshot())));
    expect(r.snapshot()).toEqual(s.snapshot());
    expect(r.plan()).toEqual(s.plan());
  };

  test('case 4: schedulers share no calendar state: one that saw 2052 does not change the answer of another for 2010', () => {
    const lisbon: SchedulerConfig = {
      calendar: { zone: 'Europe/Lisbon', open: '09:00', close: '18:00', days: [1, 2, 3, 4, 5] },
    };
    const at2052 = Date.parse('2052-03-04T10:00:00Z');
    createScheduler(lisbon).submit(order({ uploadedAt: at2052 }), at2052);
    const at2010 = Date.parse('2010-03-01T10:00:00Z');
    const d = createScheduler(lisbon).submit(order({ uploadedAt: at2010 }), at2010);
    expect(d.reasons[0]?.rule).toBe('requested-time');
    expect(d.promisedBy).toBe(at2010 + 48 * HOUR);
  });

  test('case 2: a quantity of 1e12 is refused, naming the limit, and nothing changes (not even the time)', () => {
    const s = createScheduler();
    s.submit(order({ id: 'x1' }), T('09:00'));
    const before = JSON.stringify(s.snapshot());
    expect(issuesOf(() => s.submit(order({ quantity: 1e12 }), T('10:00')))).toEqual([
      { path: 'quantity', message: 'must be at most 1000000 items, received 1000000000000' },
    ]);
    expect(JSON.stringify(s.snapshot())).toBe(before);
    expect(s.submit(order({ id: 'x2' }), T('09:30')).outcome).toBe('queued');
    restoresTheSame(s);
  });

  test('case 2: calls dated at the end of the window decide every kind of order, and the snapshot restores', () => {
    for (const at of [Date.parse('2199-06-03T10:00:00+08:00'), MAX]) {
      const s = createScheduler();
      const ds = s.submitBatch(
        [
          order({ id: 'plain', uploadedAt: at }),
          order({ id: 'old', uploadedAt: MIN }),
          order({ id: 'ship', uploadedAt: at, shipBy: at }),
          order({ id: 'imm', uploadedAt: at, rush: { urgency: 'immediate' } }),
          order({ id: 'half', uploadedAt: at, rush: { urgency: 'half-day' } }),
          order({ id: 'same', uploadedAt: at, rush: { urgency: 'same-day' } }),
          order({ id: 'next', uploadedAt: at, rush: { urgency: 'next-day' } }),
          order({ id: 'dmg', uploadedAt: at, rush: { cause: 'damaged' } }),
          order({
            id: 'rw',
            product: 'album',
            quantity: 1,
            uploadedAt: at,
            rush: { cause: 'rework' },
          }),
          order({ id: 'prw', uploadedAt: at, rush: { cause: 'rework' } }),
          order({ id: 'big', product: 'crystal', quantity: 100_000, uploadedAt: at }),
        ],
        at,
      );
      expect(ds).toHaveLength(11);
      for (const d of ds) expect(d.promisedBy).toBeGreaterThanOrEqual(at);
      expect(s.next('print', at)?.orderId).toBe('dmg');
      expect(
        s
          .plan()
          .map((p) => p.orderId)
          .sort(),
      ).toEqual(ds.map((d) => d.orderId).sort());
      expect(s.explain('big').status).toBe('queued');
      restoresTheSame(s);
    }
  });

  test('case 2: an order whose work would end after 2300 is refused, naming its quantity; in a batch, nothing of the batch is decided', () => {
    // One crystal an hour, nine hours a day, six days a week: about 2,800 crystals a year.
    const slow: SchedulerConfig = {
      lines: [{ id: 'crystal', products: ['crystal'], unitsPerHour: 1 }],
    };
    const crystals = (id: string, quantity: number) =>
      order({ id, product: 'crystal', quantity, uploadedAt: T('08:00') });
    const s = createScheduler(slow);
    s.submit(crystals('c1', 200_000), T('09:00'));
    const before = JSON.stringify(s.snapshot());
    const [issue] = issuesOf(() => s.submit(crystals('c2', 1_000_000), T('10:00')));
    expect(issue?.path).toBe('quantity');
    expect(issue?.message).toMatch(/after 2300-01-01/);
    const batch = issuesOf(() =>
      s.submitBatch(
        [crystals('b1', 200_000), crystals('b2', 200_000), crystals('b3', 200_000)],
        T('10:00'),
      ),
    );
    expect(batch.map((i) => i.path)).toEqual(['orders.2.quantity']);
    expect(JSON.stringify(s.snapshot())).toBe(before);
    expect(
      s.submitBatch([crystals('b1', 200_000), crystals('b2', 200_000)], T('09:30')),
    ).toHaveLength(2);
    restoresTheSame(s);
  });

  test('case 3: a capacity of 5e-324 units an hour is refused, naming the limit; submit and plan go on', () => {
    const s = createScheduler();
    s.submit(order({ id: 'k1' }), T('09:00'));
    const before = JSON.stringify(s.snapshot());
    expect(issuesOf(() => s.setCapacity('print', 5e-324, T('09:10')))).toEqual([
      {
        path: 'unitsPerHour',
        message:
          'must be 0 (a line down) or from 0.01 to 10000000 units per working hour, received 5e-324',
      },
    ]);
    expect(() => s.setCapacity('print', 1e8, T('09:10'))).toThrow(/unitsPerHour/);
    expect(JSON.stringify(s.snapshot())).toBe(before);
    expect(s.submit(order({ id: 'k2' }), T('09:05')).outcome).toBe('queued');
    // The slowest rate a lab could mean is accepted, and the plan answers at once.
    expect(s.setCapacity('print', 0.01, T('09:20'))).toEqual(['k1', 'k2']);
    expect(s.plan().map((p) => p.orderId)).toEqual(['k1', 'k2']);
    restoresTheSame(s);
  });

  test('case 3: a capacity drop that would push the queued work past 2300 is refused, naming unitsPerHour', () => {
    const s = createScheduler();
    s.submit(order({ id: 'm1', quantity: 1_000_000 }), T('09:00'));
    const before = JSON.stringify(s.snapshot());
    const [issue] = issuesOf(() => s.setCapacity('print', 0.01, T('09:10')));
    expect(issue?.path).toBe('unitsPerHour');
    expect(issue?.message).toMatch(/after 2300-01-01/);
    expect(JSON.stringify(s.snapshot())).toBe(before);
    expect(s.setCapacity('print', 600, T('09:10'))).toEqual([]);
  });

  test('an error escaping halfway through a call poisons the scheduler: every later call is refused, saying why', () => {
    const s = createScheduler(smallLab);
    s.submit(order({ id: 'p1' }), T('09:00'));
    const snap = s.snapshot();
    // A fault no input can cause, injected into this scheduler's own calendar: it fails once
    // the order is recorded, as a bug in the engine would.
    s.calendar.timeAt = () => {
      throw new Error('injected fault');
    };
    const message =
      /this scheduler refused further calls after an internal error in submit: injected fault; restore it from the last snapshot/;
    expect(() => s.submit(order({ id: 'p2', rush: { cause: 'damaged' } }), T('09:10'))).toThrow(
      message,
    );
    for (const call of [
      () => s.submit(order({ id: 'p3' }), T('09:20')),
      () => s.next('print', T('09:20')),
      () => s.plan(),
      () => s.explain('p1'),
      () => s.snapshot(),
      () => s.rushRegister(),
    ])
      expect(call).toThrow(message);
    const restored = restoreScheduler(snap);
    expect(restored.submit(order({ id: 'p2' }), T('09:10')).outcome).toBe('queued');
  });

  test('a custom gate that throws what cannot even be shown declines the rush whole, and says so', () => {
    const unreadable = {
      id: 'unreadable',
      decline: () => {
        throw {
          toString() {
            throw new Error('not even a message');
          },
        };
      },
    };
    const s = createScheduler({ gates: [unreadable] });
    const d = s.submit(order({ id: 'g1', rush: { urgency: 'next-day' } }), T('09:00'));
    expect(d.reasons[0]).toEqual({
      rule: 'unreadable',
      message:
        "custom gate 'unreadable' failed (a thrown value that cannot be shown), so the rush is declined.",
    });
    const r = restoreScheduler(JSON.parse(JSON.stringify(s.snapshot())), { gates: [unreadable] });
    expect(r.snapshot()).toEqual(s.snapshot());
    expect(r.plan()).toEqual(s.plan());
  });
});
