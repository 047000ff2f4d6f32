/**
 * A line down (issue 18, item 5): the printer is down for the afternoon. `setCapacity(line, 0)`
 * stops the line: it makes nothing until its capacity returns, every order whose promise is now
 * unreachable is reported at risk at once, new orders for it are promised as if it came back at
 * once but reported at risk, client rushes for it are declined, and everything comes back with
 * the capacity. The work stays finite throughout: no Infinity or NaN in the ledger's sums.
 */
import { describe, expect, test } from 'vitest';
import { createScheduler, restoreScheduler, type Scheduler } from '../../src/index.js';
import { issuesOf } from '../support/issues.js';
import { order, T } from '../support/orders.js';

/** The afternoon of 2026-11-24: 'a' (1,200 prints, an hour) started at 12:30, 'c' (key) and 'b' queued. */
function afternoon(): Scheduler {
  const s = createScheduler();
  s.submit(order({ id: 'a', quantity: 1_200, tier: 'key', uploadedAt: T('12:00') }), T('12:00'));
  s.submit(order({ id: 'b', quantity: 600, uploadedAt: T('12:05') }), T('12:05'));
  s.submit(order({ id: 'c', quantity: 600, tier: 'key', uploadedAt: T('12:10') }), T('12:10'));
  s.next('print', T('12:30'));
  return s;
}

/** Every number of a line's status and plan is finite. */
function expectFinite(s: Scheduler, line: string) {
  const st = s.lineStatus(line);
  expect(Number.isFinite(st.queuedWorkMs)).toBe(true);
  for (const e of s.plan(line))
    for (const v of [e.start, e.finish, e.promisedBy]) expect(Number.isFinite(v)).toBe(true);
}

describe('the printer down for the afternoon', () => {
  test('its queue and the order on it are reported at risk at once, in production order', () => {
    const s = afternoon();
    const ids = s.setCapacity('print', 0, T('13:00'));
    expect(ids).toEqual(['a', 'c', 'b']);
    expect(s.atRiskLog().map((r) => [r.orderId, r.at, r.cause])).toEqual([
      ['a', T('13:00'), 'capacity-drop'],
      ['c', T('13:00'), 'capacity-drop'],
      ['b', T('13:00'), 'capacity-drop'],
    ]);
    expect(s.lineStatus('print')).toMatchObject({ unitsPerHour: 0, queued: 2, inProduction: 'a' });
    expectFinite(s, 'print');
    // Going down again changes nothing and reports nothing twice.
    expect(s.setCapacity('print', 0, T('13:05'))).toEqual([]);
  });

  test('it makes nothing: once its order is finished by hand, next starts nothing and the queue waits', () => {
    const s = afternoon();
    s.setCapacity('print', 0, T('13:00'));
    s.complete('a', T('13:20'));
    expect(s.next('print', T('13:30'))).toBeUndefined();
    expect(s.lineStatus('print')).toMatchObject({ unitsPerHour: 0, queued: 2 });
    expect(s.plan('print').map((e) => e.orderId)).toEqual(['c', 'b']);
  });

  test('the plan reads as if the line came back at the time asked about', () => {
    const s = afternoon();
    s.setCapacity('print', 0, T('13:00'));
    // 'a' had 30 minutes left at 13:00; 'c' and 'b' are 30 minutes each.
    const plan = s.plan('print', T('15:00'));
    expect(plan.map((e) => [e.orderId, e.finish])).toEqual([
      ['a', T('15:30')],
      ['c', T('16:00')],
      ['b', T('16:30')],
    ]);
    // explain reads as the plan does, at the time of the last call.
    s.submit(order({ id: 'z', uploadedAt: T('15:00') }), T('15:00'));
    const a = s.explain('a');
    expect(a.expectedFinish).toBe(T('15:30'));
    expect(a.summary).toContain(
      'expected 2026-11-24 15:30 if line print, down since 2026-11-24 13:00, came back now',
    );
  });

  test('a new order is promised as if the line came back now, and reported at risk at once', () => {
    const s = afternoon();
    s.setCapacity('print', 0, T('13:00'));
    const d = s.submit(order({ id: 'd', uploadedAt: T('14:00') }), T('14:00'));
    expect(d.outcome).toBe('queued');
    // The decision itself says so: the client can be told with the promise.
    expect(d.atRisk).toEqual(['d']);
    expect(s.atRiskLog().at(-1)).toEqual({
      orderId: 'd',
      line: 'print',
      at: T('14:00'),
      cause: 'capacity-drop',
    });
    expect(s.atRisk('print')).toContain('d');
    expectFinite(s, 'print');
  });

  test('a client rush for it is declined with the reason, without a counter-offer, and queued at risk', () => {
    const s = afternoon();
    s.setCapacity('print', 0, T('13:00'));
    const e = s.submit(
      order({ id: 'e', tier: 'key', uploadedAt: T('14:30'), rush: { urgency: 'same-day' } }),
      T('14:30'),
    );
    expect(e.outcome).toBe('rush-declined');
    expect(e.reasons[0]).toEqual({
      rule: 'deadline-unreachable',
      message:
        "line 'print' is down since 2026-11-24 13:00 and when it returns is not known, so no same-day deadline can be promised; queued as an ordinary order and reported at risk.",
    });
    expect(e.earliestPossible).toBeUndefined();
    expect(e.atRisk).toEqual(['e']);
    expect(s.explain('e').decision).toEqual(e);
    expect(s.rushRegister().at(-1)?.outcome).toBe('rush-declined');
    expect(s.atRisk('print')).toContain('e');
  });

  test('a company-caused rush for it is accepted, goes first, and is reported at risk', () => {
    const s = afternoon();
    s.setCapacity('print', 0, T('13:00'));
    const r = s.submit(
      order({ id: 'r', uploadedAt: T('14:00'), rush: { cause: 'missing' } }),
      T('14:00'),
    );
    expect(r.outcome).toBe('rush-accepted');
    expect(s.plan('print').map((e) => e.orderId)).toEqual(['a', 'r', 'c', 'b']);
    expect(s.atRisk('print')).toContain('r');
  });

  test('comes back: the order on it resumes with the work it had left, the queue follows, nothing is reported twice', () => {
    const s = afternoon();
    s.setCapacity('print', 0, T('13:00'));
    expect(s.setCapacity('print', 1_200, T('16:00'))).toEqual([]);
    expect(s.lineStatus('print').unitsPerHour).toBe(1_200);
    expect(s.explain('a').expectedFinish).toBe(T('16:30'));
    s.complete('a', T('16:30'));
    expect(s.next('print', T('16:30'))?.orderId).toBe('c');
    expect(s.atRiskLog()).toHaveLength(3);
  });

  test('comes back at another rate: work is counted at it, sums finite, and what the return makes late is judged as today', () => {
    const s = afternoon();
    s.setCapacity('print', 0, T('13:00'));
    s.setCapacity('print', 600, T('17:00'));
    // 'c' and 'b' are 600 prints each: an hour each at 600 an hour.
    expect(s.lineStatus('print').queuedWorkMs).toBe(2 * 3_600_000);
    expect(s.explain('a').expectedFinish).toBe(T('18:00'));
    expectFinite(s, 'print');
    // Later orders are decided on the line as it runs again: promised, not reported.
    const f = s.submit(order({ id: 'f', uploadedAt: T('17:10') }), T('17:10'));
    expect(s.atRisk('print')).not.toContain(f.orderId);
  });

  test('a product made on two lines goes to the one that is up', () => {
    const s = createScheduler({
      lines: [
        { id: 'p1', products: ['print'], unitsPerHour: 1_200 },
        { id: 'p2', products: ['print'], unitsPerHour: 600 },
        { id: 'album', products: ['album'], unitsPerHour: 90 },
      ],
    });
    s.setCapacity('p1', 0, T('09:00'));
    expect(s.submit(order({ id: 'x1', uploadedAt: T('09:00') }), T('09:00')).line).toBe('p2');
    s.setCapacity('p2', 0, T('09:10'));
    const y = s.submit(order({ id: 'x2', uploadedAt: T('09:10') }), T('09:10'));
    expect(y.line).toBe('p1');
    expect(s.atRisk()).toEqual(['x1', 'x2']);
  });

  test('bad capacities are refused naming the field, with the state unchanged', () => {
    const s = afternoon();
    const before = JSON.stringify(s.snapshot());
    for (const bad of [-1, 0.001, Number.NaN, '0'] as unknown as number[]) {
      const issues = issuesOf(() => s.setCapacity('print', bad, T('13:00')));
      expect(issues[0]?.path).toBe('unitsPerHour');
      expect(issues[0]?.message).toMatch(/^must be 0 \(a line down\) or from 0.01 to 10000000/);
    }
    expect(JSON.stringify(s.snapshot())).toBe(before);
  });
});

describe('a down line in a snapshot', () => {
  test('restores down, with the work its order in production had left, and comes back as the original does', () => {
    const s = afternoon();
    s.setCapacity('print', 0, T('13:00'));
    s.submit(order({ id: 'g', uploadedAt: T('14:00') }), T('14:00'));
    const snap = JSON.parse(JSON.stringify(s.snapshot()));
    expect(snap.linesDown).toEqual({ print: T('13:00') });
    const r = restoreScheduler(snap);
    expect(JSON.stringify(r.snapshot())).toBe(JSON.stringify(snap));
    expect(r.lineStatus('print').unitsPerHour).toBe(0);
    expect(r.setCapacity('print', 900, T('16:00'))).toEqual(
      s.setCapacity('print', 900, T('16:00')),
    );
    expect(r.explain('a').expectedFinish).toBe(s.explain('a').expectedFinish);
    expect(JSON.stringify(r.snapshot())).toBe(JSON.stringify(s.snapshot()));
  });

  test('a snapshot naming an unknown line as down is refused', () => {
    const snap = JSON.parse(JSON.stringify(afternoon().snapshot()));
    snap.linesDown = { nope: T('12:00') };
    expect(issuesOf(() => restoreScheduler(snap)).map((i) => i.path)).toEqual(['linesDown.nope']);
  });
});
