/**
 * The life of an order after its decision (issue 18, items 1–4), from the lab's own days: a
 * client cancels; the job on the printer is cancelled and the next one starts; a job waits for
 * a file and is released with its place among earlier uploads; a quantity changes. Every new
 * call refuses bad input with a `ValidationError` naming the field and changes nothing.
 */
import { describe, expect, test } from 'vitest';
import { createScheduler, restoreScheduler, type Scheduler } from '../../src/index.js';
import { issuesOf } from '../support/issues.js';
import { order, T } from '../support/orders.js';

/** `f` throws a ValidationError whose issues are on `paths`, and the state is as before. */
function refused(s: Scheduler, paths: string[], f: () => unknown): string[] {
  const before = s.snapshot();
  const issues = issuesOf(f);
  expect(issues.map((i) => i.path)).toEqual(paths);
  expect(s.snapshot()).toEqual(before);
  return issues.map((i) => i.message);
}

const queuedIds = (s: Scheduler, line: string) =>
  s
    .plan(line)
    .filter((p) => p.status === 'queued')
    .map((p) => p.orderId);

/** The frame line (10 an hour, 09:00–18:00) promised to the minute until the close. */
function fullFrameDay(s: Scheduler): void {
  // 40 frames by 13:00 and 50 by 18:00: zero slack all day.
  s.submit(
    order({ id: 'ship-13', product: 'frame', quantity: 40, shipBy: T('13:00') }),
    T('09:00'),
  );
  s.submit(
    order({ id: 'ship-18', product: 'frame', quantity: 50, shipBy: T('18:00') }),
    T('09:00'),
  );
}

describe('cancel', () => {
  test('a client cancels a queued order: it leaves the plan, explain says cancelled, the rest keep their promises', () => {
    const s = createScheduler();
    const a = s.submit(order({ id: 'a', quantity: 600 }), T('09:00'));
    const b = s.submit(order({ id: 'b', quantity: 600 }), T('09:01'));
    const c = s.submit(order({ id: 'c', quantity: 600 }), T('09:02'));
    const change = s.cancel('b', T('09:30'));
    expect(change).toEqual({
      orderId: 'b',
      line: 'print',
      status: 'cancelled',
      was: 'queued',
      at: T('09:30'),
      promisedBy: b.promisedBy,
    });
    expect(queuedIds(s, 'print')).toEqual(['a', 'c']);
    expect(s.lineStatus('print').queued).toBe(2);
    const e = s.explain('b');
    expect(e.status).toBe('cancelled');
    expect(e.cancelledAt).toBe(T('09:30'));
    expect(e.position).toBeUndefined();
    expect(e.summary).toContain('cancelled 2026-11-24 09:30');
    const plan = s.plan('print');
    expect(plan.map((p) => p.promisedBy)).toEqual([a.promisedBy, c.promisedBy]);
    // Twice is malformed, and so is completing it.
    refused(s, ['orderId'], () => s.cancel('b', T('09:31')));
    refused(s, ['orderId'], () => s.complete('b', T('09:31')));
  });

  test('the order in production is cancelled: the line is free and next starts the next order', () => {
    const s = createScheduler();
    s.submit(order({ id: 'first' }), T('09:00'));
    s.submit(order({ id: 'second' }), T('09:00'));
    expect(s.next('print', T('09:01'))?.orderId).toBe('first');
    expect(s.cancel('first', T('09:02'))).toMatchObject({
      status: 'cancelled',
      was: 'in-production',
    });
    expect(s.lineStatus('print').inProduction).toBeUndefined();
    expect(s.plan('print').map((p) => p.orderId)).toEqual(['second']);
    expect(s.next('print', T('09:03'))?.orderId).toBe('second');
    expect(s.explain('first').status).toBe('cancelled');
    expect(s.explain('first').startedAt).toBe(T('09:01'));
  });

  test('its capacity is free at once: a rush declined as would-break-promises fits after a cancellation', () => {
    const s = createScheduler();
    fullFrameDay(s);
    const rush = { urgency: 'same-day' as const };
    // All at the opening: the line has not fallen behind.
    const declined = s.submit(
      order({ id: 'r1', tier: 'key', product: 'frame', quantity: 5, rush }),
      T('09:00'),
    );
    expect(declined.outcome).toBe('rush-declined');
    expect(declined.reasons[0]?.rule).toBe('would-break-promises');
    s.cancel('ship-13', T('09:00'));
    const accepted = s.submit(
      order({ id: 'r2', tier: 'key', product: 'frame', quantity: 5, rush }),
      T('09:00'),
    );
    expect(accepted.outcome).toBe('rush-accepted');
    expect(accepted.promisedBy).toBe(T('18:00'));
    // Nobody else's promise moved.
    expect(s.explain('ship-18').promisedBy).toBe(T('18:00'));
  });

  test('a cancelled accepted rush stays in the register, marked, and gives its units back to the quota', () => {
    const s = createScheduler();
    const d = s.submit(
      order({ id: 'k', tier: 'key', quantity: 300, rush: { urgency: 'same-day' } }),
      T('09:00'),
    );
    expect(d.outcome).toBe('rush-accepted');
    expect(s.snapshot().rushUnits.print).toEqual({ '2026-11-24': 300 });
    s.cancel('k', T('10:00'));
    expect(s.snapshot().rushUnits.print).toEqual({});
    const [entry] = s.rushRegister();
    expect(entry).toMatchObject({
      orderId: 'k',
      outcome: 'rush-accepted',
      cancelledAt: T('10:00'),
    });
    expect(entry?.reasons).toEqual(d.reasons);
    // The client did rush: it still counts for the frequent-rusher history.
    expect(s.snapshot().clientRushes[s.explain('k').order.clientId]).toEqual([T('09:00')]);
  });

  test('a cancelled rework closes its rework entry as cancelled', () => {
    const s = createScheduler();
    s.submit(order({ id: 'rw', rush: { cause: 'rework', reason: 'scratched' } }), T('09:00'));
    s.cancel('rw', T('09:20'));
    expect(s.reworkRegister()[0]).toMatchObject({
      orderId: 'rw',
      closedAt: T('09:20'),
      cancelled: true,
    });
    expect(s.overdueRework(T('23:00'))).toEqual([]);
    expect(s.rushRegister()[0]?.cancelledAt).toBe(T('09:20'));
  });

  test('a finished order, an unknown one or a bad id cannot be cancelled; nothing changes', () => {
    const s = createScheduler();
    s.submit(order({ id: 'done' }), T('09:00'));
    s.next('print', T('09:00'));
    s.complete('done', T('09:01'));
    const [finished] = refused(s, ['orderId'], () => s.cancel('done', T('09:02')));
    expect(finished).toBe("must be a queued, held or in-production order; 'done' is finished");
    refused(s, ['orderId'], () => s.cancel('ghost', T('09:02')));
    refused(s, ['orderId'], () => s.cancel(42 as never, T('09:02')));
    refused(s, ['at'], () => s.cancel('done', T('08:00')));
  });
});

describe('hold and release', () => {
  test('a job held waiting for a file is released and keeps its first-uploaded, first-made rank', () => {
    const s = createScheduler();
    s.submit(order({ id: 'A', uploadedAt: T('08:00') }), T('09:00'));
    const b = s.submit(order({ id: 'B', uploadedAt: T('08:05') }), T('09:00'));
    s.submit(order({ id: 'C', uploadedAt: T('08:10') }), T('09:00'));
    expect(s.hold('B', T('09:05'))).toEqual({
      orderId: 'B',
      line: 'print',
      status: 'held',
      was: 'queued',
      at: T('09:05'),
      promisedBy: b.promisedBy,
    });
    expect(queuedIds(s, 'print')).toEqual(['A', 'C']);
    expect(s.explain('B')).toMatchObject({ status: 'held', heldAt: T('09:05') });
    // Held, it is not produced: next starts A, then C.
    expect(s.next('print', T('09:10'))?.orderId).toBe('A');
    s.complete('A', T('09:11'));
    const released = s.release('B', T('09:20'));
    expect(released.decidedAt).toBe(T('09:20'));
    expect(released.reasons.at(-1)?.rule).toBe('released');
    expect(released.promisedBy).toBe(b.promisedBy);
    expect(queuedIds(s, 'print')).toEqual(['B', 'C']);
    expect(s.explain('B').status).toBe('queued');
    expect(s.explain('B').decision).toEqual(released);
  });

  test('holding the order in production, or a held one, and releasing one not held, are malformed', () => {
    const s = createScheduler();
    s.submit(order({ id: 'p' }), T('09:00'));
    s.submit(order({ id: 'q' }), T('09:00'));
    s.next('print', T('09:00'));
    const [busy] = refused(s, ['orderId'], () => s.hold('p', T('09:01')));
    expect(busy).toContain('never interrupted');
    refused(s, ['orderId'], () => s.release('q', T('09:01')));
    s.hold('q', T('09:01'));
    refused(s, ['orderId'], () => s.hold('q', T('09:02')));
    refused(s, ['orderId'], () => s.hold('nobody', T('09:02')));
    refused(s, ['at'], () => s.release('q', 'yesterday' as never));
    // A company-caused order is made first; it is not held.
    s.submit(order({ id: 'co', rush: { cause: 'damaged' } }), T('09:03'));
    refused(s, ['orderId'], () => s.hold('co', T('09:04')));
  });

  test('a held rush gives its units back and leaves the history; its release is decided again, in a new register entry', () => {
    const s = createScheduler();
    const d = s.submit(
      order({
        id: 'k',
        clientId: 'studio',
        tier: 'key',
        quantity: 300,
        rush: { urgency: 'same-day' },
      }),
      T('09:00'),
    );
    expect(d.outcome).toBe('rush-accepted');
    s.hold('k', T('09:30'));
    let snap = s.snapshot();
    expect(snap.rushUnits.print).toEqual({});
    expect(snap.clientRushes.studio).toBeUndefined();
    expect(s.rushRegister()).toEqual([{ ...s.rushRegister()[0], heldAt: T('09:30') }]);
    expect(s.rushRegister()[0]?.reasons).toEqual(d.reasons);
    const r = s.release('k', T('10:00'));
    expect(r.outcome).toBe('rush-accepted');
    expect(r.reasons[0]?.rule).toBe('accepted');
    snap = s.snapshot();
    expect(snap.rushUnits.print).toEqual({ '2026-11-24': 300 });
    expect(snap.clientRushes.studio).toEqual([T('10:00')]);
    const register = s.rushRegister();
    expect(register).toHaveLength(2);
    expect(register[1]).toMatchObject({
      orderId: 'k',
      requestedAt: T('10:00'),
      quota: { used: 0 },
    });
    expect(register[1]?.reasons).toEqual(r.reasons);
    // The first entry still tells the first decision.
    expect(register[0]?.reasons).toEqual(d.reasons);
  });

  test('held and cancelled orders restore exactly, and the restored engine goes on alike', () => {
    const s = createScheduler();
    s.submit(
      order({ id: 'h', tier: 'key', quantity: 300, rush: { urgency: 'same-day' } }),
      T('09:00'),
    );
    s.submit(order({ id: 'x' }), T('09:00'));
    s.submit(order({ id: 'y' }), T('09:00'));
    s.hold('h', T('09:10'));
    s.cancel('x', T('09:11'));
    s.amend('y', { quantity: 20 }, T('09:12'));
    const snap = s.snapshot();
    const r = restoreScheduler(JSON.parse(JSON.stringify(snap)));
    expect(r.snapshot()).toEqual(snap);
    expect(r.explain('h')).toEqual(s.explain('h'));
    expect(r.explain('x')).toEqual(s.explain('x'));
    expect(r.release('h', T('09:20'))).toEqual(s.release('h', T('09:20')));
    expect(r.amend('y', { quantity: 900 }, T('09:21'))).toEqual(
      s.amend('y', { quantity: 900 }, T('09:21')),
    );
    expect(r.snapshot()).toEqual(s.snapshot());
  });
});

describe('amend', () => {
  test('a quantity amended up loses its promise and says so; amended down keeps it', () => {
    const s = createScheduler();
    // 10 frames by 10:00 and 80 by 18:00: the day is full to the minute.
    const x = s.submit(
      order({ id: 'x', product: 'frame', quantity: 10, shipBy: T('10:00') }),
      T('09:00'),
    );
    s.submit(order({ id: 'y', product: 'frame', quantity: 80, shipBy: T('18:00') }), T('09:00'));
    expect(x.promisedBy).toBe(T('10:00'));
    const up = s.amend('x', { quantity: 20 }, T('09:00'));
    expect(up.reasons[0]?.rule).toBe('amended-promise-moved');
    expect(up.reasons[0]?.message).toContain('quantity 10 → 20');
    // It cannot go before y without making y late. Without x, y ends at 17:00; x's two hours
    // after it end at Wednesday 10:00.
    expect(up.promisedBy).toBe(Date.parse('2026-11-25T10:00:00+08:00'));
    expect(s.explain('y').promisedBy).toBe(T('18:00'));
    expect(s.atRisk()).toEqual([]);
    const down = s.amend('y', { quantity: 70 }, T('09:05'));
    expect(down.reasons[0]?.rule).toBe('amended-promise-kept');
    expect(down.promisedBy).toBe(T('18:00'));
    expect(s.explain('y').order.quantity).toBe(70);
    expect(s.explain('y').decision).toEqual(down);
  });

  test('a ship time moved earlier than it asked before is promised again from it', () => {
    const s = createScheduler();
    const d = s.submit(order({ id: 's', shipBy: T('17:00') }), T('09:00'));
    expect(d.promisedBy).toBe(T('17:00'));
    const a = s.amend('s', { shipBy: '2026-11-24T12:00:00+08:00' }, T('09:10'));
    expect(a.promisedBy).toBe(T('12:00'));
    expect(a.reasons[0]?.rule).toBe('amended-promise-moved');
  });

  test('a held order is amended and stays held; released, it is decided with the new quantity', () => {
    const s = createScheduler();
    s.submit(order({ id: 'h', product: 'frame', quantity: 5 }), T('09:00'));
    s.hold('h', T('09:01'));
    const a = s.amend('h', { quantity: 9 }, T('09:02'));
    expect(a.reasons[0]?.rule).toBe('amended-while-held');
    expect(s.explain('h').status).toBe('held');
    expect(s.explain('h').order.quantity).toBe(9);
    expect(s.plan('frame')).toEqual([]);
    s.release('h', T('09:03'));
    expect(s.lineStatus('frame').queuedWorkMs).toBe(9 * 6 * 60_000);
  });

  test('an accepted rush amended past its day quota is refused; within it, the quota counts the new units', () => {
    const s = createScheduler();
    // The key quota of print is 35% of 10,800: 3,780 units.
    s.submit(
      order({ id: 'k', tier: 'key', quantity: 3000, rush: { urgency: 'next-day' } }),
      T('09:00'),
    );
    const [over] = refused(s, ['changes.quantity'], () =>
      s.amend('k', { quantity: 3781 }, T('09:05')),
    );
    expect(over).toContain('over the quota of 3780');
    s.amend('k', { quantity: 3780 }, T('09:05'));
    expect(s.snapshot().rushUnits.print).toEqual({ '2026-11-24': 3780 });
  });

  test('bad changes are refused naming the field, with nothing changed', () => {
    const s = createScheduler();
    s.submit(order({ id: 'm' }), T('09:00'));
    refused(s, ['changes.quantity'], () => s.amend('m', { quantity: -1 }, T('09:01')));
    refused(s, ['changes.quantity'], () => s.amend('m', { quantity: 2.5 }, T('09:01')));
    refused(s, ['changes.shipBy'], () => s.amend('m', { shipBy: 'Tuesday noon' }, T('09:01')));
    refused(s, ['changes.pickupAt'], () => s.amend('m', { pickupAt: 1.5 }, T('09:01')));
    const [empty] = refused(s, ['changes'], () => s.amend('m', {}, T('09:01')));
    expect(empty).toBe('must set at least one of quantity, shipBy, pickupAt');
    const [unknown] = refused(s, ['changes', 'changes'], () =>
      s.amend('m', { colour: 'red' } as never, T('09:01')),
    );
    expect(unknown).toBe("unknown field 'colour'");
    refused(s, ['changes'], () => s.amend('m', null as never, T('09:01')));
    // Both the order and the changes are named when both are wrong.
    refused(s, ['orderId', 'changes.quantity'], () =>
      s.amend('nobody', { quantity: 0 }, T('09:01')),
    );
    s.next('print', T('09:02'));
    refused(s, ['orderId'], () => s.amend('m', { quantity: 5 }, T('09:03')));
    s.submit(order({ id: 'co', rush: { cause: 'missing' } }), T('09:04'));
    refused(s, ['orderId'], () => s.amend('co', { quantity: 5 }, T('09:05')));
  });
});
