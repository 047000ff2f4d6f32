/**
 * Custom gates: the lab's own rules run after the built-in gates 1–5 and before feasibility,
 * for client rushes only; they can decline, never accept; their ids show in reasons, registers
 * and explain; snapshots remember which gates ran.
 */
import { describe, expect, test } from 'vitest';
import {
  type CustomGate,
  createScheduler,
  exceedsQuota,
  type GateContext,
  restoreScheduler,
  ValidationError,
} from '../../src/index.js';
import { order, T } from '../support/orders.js';

const lines = [{ id: 'print', products: ['print'], unitsPerHour: 100 }];

const noCrystalBefore10: CustomGate = {
  id: 'no-morning-rush',
  decline: (req, ctx) =>
    new Date(ctx.at).getUTCHours() + 8 < 10
      ? `no rushes before 10:00 (asked for ${req.urgency})`
      : undefined,
};

describe('custom gates', () => {
  test('a custom gate declines with its id and sentence, in the decision, the register and explain', () => {
    const s = createScheduler({ lines, gates: [noCrystalBefore10] });
    const d = s.submit(order({ rush: { urgency: 'half-day' } }), T('09:30'));
    expect(d.outcome).toBe('rush-declined');
    expect(d.reasons[0]).toEqual({
      rule: 'no-morning-rush',
      message: 'no rushes before 10:00 (asked for half-day)',
    });
    expect(s.rushRegister()[0]?.reasons[0]?.rule).toBe('no-morning-rush');
    expect(s.explain(d.orderId).decision.reasons[0]?.rule).toBe('no-morning-rush');
    // Declined is not lost: the order is queued with its normal promise.
    expect(s.explain(d.orderId).status).toBe('queued');
    expect(s.submit(order({ rush: { urgency: 'half-day' } }), T('10:30')).outcome).toBe(
      'rush-accepted',
    );
  });

  test('it sees the facts the built-in gates used, and runs only for client rushes that passed gates 1–5', () => {
    const seen: GateContext[] = [];
    const spy: CustomGate = { id: 'spy', decline: (_r, ctx) => void seen.push(ctx) };
    const s = createScheduler({ lines, gates: [spy] });
    s.submit(order({ rush: { cause: 'damaged' } }), T('09:00')); // company: gate 1 accepts
    s.submit(order(), T('09:00')); // no rush at all
    const late = createScheduler({ lines, gates: [spy] });
    late.submit(order({ rush: { urgency: 'same-day' } }), T('17:00')); // gate 2 declines
    expect(seen).toHaveLength(0);
    const d = s.submit(
      order({ clientId: 'studio', quantity: 30, rush: { urgency: 'half-day' } }),
      T('10:00'),
    );
    expect(d.outcome).toBe('rush-accepted');
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({
      at: T('10:00'),
      day: '2026-11-24',
      line: 'print',
      units: 30,
      quotaUsed: 0,
      recentRushes: 0,
    });
    expect(seen[0]?.quotaLimit).toBeCloseTo(0.25 * 900, 6);
    expect(seen[0]?.deadline).toBe(T('14:00'));
  });

  test('a gate cannot accept: passing a rush on leaves feasibility to decide', () => {
    const yes: CustomGate = { id: 'always-pass', decline: () => undefined };
    const s = createScheduler({ lines, gates: [yes], policy: { rush: { quotaShare: 0.9 } } });
    // Fill the day with promised work, then ask for a half-day rush that cannot fit.
    s.submit(order({ quantity: 380, rush: { urgency: 'half-day' } }), T('09:00'));
    const d = s.submit(order({ quantity: 50, rush: { urgency: 'half-day' } }), T('09:00'));
    expect(d.reasons[0]?.rule).toBe('would-break-promises');
  });

  test('a gate that throws or answers nonsense declines (fail closed) and says so', () => {
    const broken: CustomGate = {
      id: 'broken',
      decline: () => {
        throw new Error('lookup failed');
      },
    };
    const s = createScheduler({ lines, gates: [broken] });
    const d = s.submit(order({ rush: { urgency: 'next-day' } }), T('10:00'));
    expect(d.outcome).toBe('rush-declined');
    expect(d.reasons[0]?.message).toContain("custom gate 'broken' failed (lookup failed)");
    const odd = createScheduler({
      lines,
      gates: [{ id: 'odd', decline: () => 42 as unknown as string }],
    });
    expect(
      odd.submit(order({ rush: { urgency: 'next-day' } }), T('10:00')).reasons[0]?.message,
    ).toContain('returned number');
  });

  test('gates are checked: unique ids, not a built-in id, a function', () => {
    const bad = (gates: unknown) => {
      try {
        createScheduler({ lines, gates: gates as CustomGate[] });
      } catch (error) {
        if (error instanceof ValidationError) return error.issues.map((i) => i.path);
        throw error;
      }
      return [];
    };
    expect(bad([{ id: 'accepted', decline: () => undefined }])).toEqual(['gates.0.id']);
    expect(bad([noCrystalBefore10, noCrystalBefore10])).toEqual(['gates.1.id']);
    expect(bad([{ id: 'x', decline: 'no' }])).toEqual(['gates.0.decline']);
  });

  test('a snapshot remembers which gates ran; restoring needs them again', () => {
    const s = createScheduler({ lines, gates: [noCrystalBefore10] });
    s.submit(order({ rush: { urgency: 'half-day' } }), T('09:30'));
    const snap = s.snapshot();
    expect(snap.config.gates).toEqual(['no-morning-rush']);
    expect(() => restoreScheduler(snap)).toThrow(
      /must be the custom gates the snapshot was taken with/,
    );
    const r = restoreScheduler(snap, { gates: [noCrystalBefore10] });
    const next = order({ rush: { urgency: 'half-day' } });
    expect(r.submit(next, T('09:40'))).toEqual(s.submit(next, T('09:40')));
  });
});

describe('the daily rush quota', () => {
  test('a key rush that lands exactly on the limit is within it: (0.25 + 0.10) × 10,800 is 3,780', () => {
    // The default print line makes 1,200 an hour for nine hours: 10,800 units a day.
    const s = createScheduler();
    const d = s.submit(
      order({ tier: 'key', quantity: 3780, rush: { urgency: 'next-day' } }),
      T('09:00'),
    );
    expect(d.reasons[0]?.rule).toBe('accepted');
    // One unit more is over it, for a key client and for a regular one.
    const over = createScheduler().submit(
      order({ tier: 'key', quantity: 3781, rush: { urgency: 'next-day' } }),
      T('09:00'),
    );
    expect(over.reasons[0]?.rule).toBe('daily-rush-quota');
    const regular = createScheduler().submit(
      order({ quantity: 2701, rush: { urgency: 'next-day' } }),
      T('09:00'),
    );
    expect(regular.reasons[0]?.rule).toBe('daily-rush-quota');
  });

  test('exceedsQuota compares in millionths of a unit, whatever the binary value of the shares', () => {
    expect((0.25 + 0.1) * 10_800).toBeLessThan(3780);
    expect(exceedsQuota(0, 3780, (0.25 + 0.1) * 10_800)).toBe(false);
    expect(exceedsQuota(3000, 780.000001, 3780)).toBe(true);
    expect(exceedsQuota(0.1 + 0.2, 0, 0.3)).toBe(false);
  });
});
