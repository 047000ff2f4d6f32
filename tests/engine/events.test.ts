/**
 * Events (issue 18, item 7): the service that tells clients and staff what happened listens
 * instead of polling. Situations from the lab: a promise passing while the print line is
 * stuck, a rework left open past its deadline, a listener with a bug, a board that stops
 * listening.
 */
import { afterEach, describe, expect, test, vi } from 'vitest';
import {
  createScheduler,
  restoreScheduler,
  type Scheduler,
  type SchedulerEvent,
  type SchedulerEventType,
} from '../../src/index.js';
import { issuesOf } from '../support/issues.js';
import { order, T } from '../support/orders.js';

const HOUR = 3_600_000;

/** Records every event of the given types, in the order delivered, as `type:orderId`. */
function record(
  s: Scheduler,
  types: SchedulerEventType[],
): { seen: SchedulerEvent[]; tags: () => string[] } {
  const seen: SchedulerEvent[] = [];
  for (const t of types) s.on(t, (e) => seen.push(e));
  return {
    seen,
    tags: () => seen.map((e) => `${e.type}:${'orderId' in e ? e.orderId : ''}`),
  };
}

const ALL: SchedulerEventType[] = [
  'decision',
  'at-risk',
  'started',
  'finished',
  'late',
  'delivered',
  'rework-overdue',
];

afterEach(() => {
  vi.restoreAllMocks();
});

describe('events of the calls', () => {
  test('a day on the print line: decision, started, finished, delivered, in that order, each with its time', () => {
    const s = createScheduler();
    const { seen, tags } = record(s, ALL);
    const d = s.submit(order({ id: 'p1', pickupAt: T('17:00') }), T('09:00'));
    s.next('print', T('09:01'));
    s.complete('p1', T('09:20'));
    s.deliver('p1', { via: 'pickup' }, T('16:00'));
    expect(tags()).toEqual(['decision:p1', 'started:p1', 'finished:p1', 'delivered:p1']);
    expect(seen.map((e) => e.at)).toEqual([T('09:00'), T('09:01'), T('09:20'), T('16:00')]);
    expect(seen[0]).toEqual({ type: 'decision', at: T('09:00'), orderId: 'p1', decision: d });
    expect(seen[2]).toMatchObject({ completion: { orderId: 'p1', late: false } });
  });

  test('a company rush that pushes a zero-slack order: its decision, then the at-risk report it caused', () => {
    const s = createScheduler({
      lines: [{ id: 'print', products: ['print'], unitsPerHour: 60 }],
    });
    const { tags, seen } = record(s, ['decision', 'at-risk']);
    // The whole day's work promised by the close, then a rework of an hour in front of it.
    s.submit(order({ id: 'full', quantity: 540, shipBy: T('18:00') }), T('09:00'));
    s.submit(order({ id: 'fix', quantity: 60, rush: { cause: 'rework' } }), T('09:00'));
    expect(tags()).toEqual(['decision:full', 'decision:fix', 'at-risk:full']);
    expect(seen[2]).toMatchObject({ report: { cause: 'company-rush', by: 'fix' } });
    expect(s.atRiskLog()).toEqual([(seen[2] as { report: unknown }).report]);
  });

  test('events are frozen copies: a listener cannot change the answer, the engine or what the next listener sees', () => {
    const s = createScheduler();
    let tried = false;
    s.on('decision', (e) => {
      try {
        (e.decision as { promisedBy: number }).promisedBy = 0;
      } catch {
        tried = true;
      }
    });
    const second: number[] = [];
    s.on('decision', (e) => second.push(e.decision.promisedBy));
    const d = s.submit(order({ id: 'f1' }), T('09:00'));
    expect(tried).toBe(true);
    expect(second).toEqual([d.promisedBy]);
    expect(Object.isFrozen(d)).toBe(false);
    expect(s.explain('f1').promisedBy).toBe(d.promisedBy);
  });
});

describe('unsubscribe', () => {
  test('the function on returns ends that subscription only, and calling it twice does nothing more', () => {
    const s = createScheduler();
    const a: string[] = [];
    const b: string[] = [];
    const stopA = s.on('decision', (e) => a.push(e.orderId));
    s.on('decision', (e) => b.push(e.orderId));
    s.submit(order({ id: 'u1' }), T('09:00'));
    stopA();
    stopA();
    s.submit(order({ id: 'u2' }), T('09:01'));
    expect(a).toEqual(['u1']);
    expect(b).toEqual(['u1', 'u2']);
  });

  test('bad subscriptions are ValidationErrors naming the argument', () => {
    const s = createScheduler();
    expect(issuesOf(() => s.on('lat' as 'late', () => undefined))[0]?.path).toBe('type');
    expect(issuesOf(() => s.on('late', 'x' as never))[0]?.path).toBe('listener');
  });
});

describe('a listener that throws', () => {
  test("changes nothing, stops no other listener, does not make the call throw, and is told to 'listener-error'", () => {
    const twin = createScheduler();
    const s = createScheduler();
    const errors: unknown[] = [];
    s.on('listener-error', (e) => errors.push([e.event.type, (e.error as Error).message]));
    s.on('decision', () => {
      throw new Error('the mail server is down');
    });
    const after: string[] = [];
    s.on('decision', (e) => after.push(e.orderId));
    const d = s.submit(order({ id: 't1', clientId: 'c' }), T('09:00'));
    expect(d).toEqual(twin.submit(order({ id: 't1', clientId: 'c' }), T('09:00')));
    expect(s.snapshot()).toEqual(twin.snapshot());
    expect(after).toEqual(['t1']);
    expect(errors).toEqual([['decision', 'the mail server is down']]);
    // The engine goes on as before.
    expect(s.submit(order({ id: 't2' }), T('09:05')).orderId).toBe('t2');
  });

  test('with no error listener, the error becomes a process warning', () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const s = createScheduler();
    s.on('decision', () => {
      throw new Error('boom');
    });
    s.submit(order(), T('09:00'));
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]?.[0])).toContain(
      "a rushline listener of 'decision' threw: Error: boom",
    );
  });

  test('a listener that calls the scheduler: its call’s events come after the events being delivered', () => {
    const s = createScheduler();
    const { tags } = record(s, ['decision', 'started']);
    let once = true;
    s.on('decision', () => {
      if (!once) return;
      once = false;
      s.next('print', T('09:00'));
    });
    s.submitBatch([order({ id: 'b1' }), order({ id: 'b2' })], T('09:00'));
    expect(tags()).toEqual(['decision:b1', 'decision:b2', 'started:b1']);
  });
});

describe('time-driven events', () => {
  test("advance across a promise fires 'late' once, after the order's at-risk report", () => {
    const s = createScheduler();
    const d = s.submit(order({ id: 'l1', shipBy: T('11:00') }), T('09:00'));
    expect(d.promisedBy).toBe(T('11:00'));
    const { seen, tags } = record(s, ['at-risk', 'late']);
    // At 11:00 the promise is not yet passed, but the order cannot make it any more.
    s.advance(T('11:00'));
    expect(tags()).toEqual(['at-risk:l1']);
    s.advance(T('11:01'));
    expect(tags()).toEqual(['at-risk:l1', 'late:l1']);
    expect(seen[1]).toEqual({
      type: 'late',
      at: T('11:01'),
      orderId: 'l1',
      line: 'print',
      promisedBy: T('11:00'),
      status: 'queued',
    });
    s.advance(T('12:00'));
    s.next('print', T('13:00'));
    s.advance(T('15:00'));
    expect(tags()).toEqual(['at-risk:l1', 'late:l1']);
  });

  test("an order finished before its promise never fires 'late'; one in production past it does", () => {
    const s = createScheduler();
    s.submit(order({ id: 'ok', shipBy: T('10:00') }), T('09:00'));
    s.submit(order({ id: 'slow', shipBy: T('10:00') }), T('09:00'));
    const { tags } = record(s, ['late']);
    s.next('print', T('09:00'));
    s.complete('ok', T('09:10'));
    s.next('print', T('09:10'));
    s.advance(T('10:30'));
    expect(tags()).toEqual(['late:slow']);
  });

  test("any call that moves time fires the alarms, in time order, before the call's own events", () => {
    const s = createScheduler();
    s.submit(order({ id: 'x2', shipBy: T('12:00') }), T('09:00'));
    s.submit(order({ id: 'x1', shipBy: T('11:00') }), T('09:00'));
    const { tags } = record(s, ['late', 'decision']);
    s.submit(order({ id: 'x3' }), T('13:00'));
    expect(tags()).toEqual(['late:x1', 'late:x2', 'decision:x3']);
  });

  test("a rework deadline passing fires 'rework-overdue' once; a rework closed in time never does", () => {
    const s = createScheduler();
    const { seen, tags } = record(s, ['rework-overdue']);
    s.submit(
      order({
        id: 'rw',
        product: 'album',
        quantity: 1,
        rush: { cause: 'rework', responsible: 'Li' },
      }),
      T('10:00'),
    );
    s.submit(
      order({ id: 'rw2', product: 'album', quantity: 1, rush: { cause: 'rework' } }),
      T('10:00'),
    );
    s.next('album', T('10:01'));
    s.complete('rw', T('10:30'));
    s.advance(T('10:00') + 24 * HOUR);
    expect(tags()).toEqual([]);
    s.advance(T('10:00') + 24 * HOUR + 1);
    s.advance(T('10:00') + 48 * HOUR);
    expect(tags()).toEqual(['rework-overdue:rw2']);
    expect(seen[0]).toMatchObject({
      at: T('10:00') + 24 * HOUR + 1,
      rework: { orderId: 'rw2', deadline: T('10:00') + 24 * HOUR },
    });
    expect(s.overdueRework().map((r) => r.orderId)).toEqual(['rw2']);
  });

  test('advance validates its time, never goes back, and changes nothing else', () => {
    const s = createScheduler();
    s.submit(order(), T('10:00'));
    const before = s.snapshot();
    expect(issuesOf(() => s.advance(T('09:00')))[0]?.path).toBe('at');
    expect(issuesOf(() => s.advance('noon'))[0]?.path).toBe('at');
    expect(s.snapshot()).toEqual(before);
    s.advance(T('10:30'));
    expect(s.snapshot()).toEqual({ ...before, lastTime: T('10:30') });
  });

  test('a restored scheduler has the same pending alarms: none fired twice, none lost', () => {
    const s = createScheduler();
    s.submit(order({ id: 'a', shipBy: T('11:00') }), T('09:00'));
    s.submit(order({ id: 'b', shipBy: T('13:00') }), T('09:00'));
    s.submit(
      order({ id: 'r', product: 'album', quantity: 1, rush: { cause: 'rework' } }),
      T('09:00'),
    );
    s.advance(T('12:00'));
    const r = restoreScheduler(JSON.parse(JSON.stringify(s.snapshot())));
    const original = record(s, ['late', 'rework-overdue']);
    const restored = record(r, ['late', 'rework-overdue']);
    for (const x of [s, r]) x.advance(T('09:00') + 48 * HOUR);
    // The rework order itself is late too: its promise passed while it waited.
    expect(restored.tags()).toEqual(['late:b', 'late:r', 'rework-overdue:r']);
    expect(restored.seen).toEqual(original.seen);
  });
});
