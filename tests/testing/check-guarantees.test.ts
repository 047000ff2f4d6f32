/**
 * The checker must catch each kind of violation: take a clean trace of a real run, tamper
 * with it the way a broken engine would, and expect the matching guarantee to be named.
 */
import { describe, expect, test } from 'vitest';
import type { SchedulerConfig } from '../../src/index.js';
import {
  checkGuarantees,
  runTrace,
  type StreamItem,
  type Trace,
  type TraceEvent,
} from '../../src/testing/index.js';

const sh = (hhmm: string) => Date.parse(`2026-11-24T${hhmm}:00+08:00`);
const config: SchedulerConfig = {
  lines: [{ id: 'print', products: ['print'], unitsPerHour: 100 }],
};
const order = (id: string, over: object = {}) => ({
  id,
  clientId: id,
  tier: 'regular' as const,
  product: 'print',
  quantity: 50,
  uploadedAt: sh('08:00'),
  ...over,
});

function clean(stream: StreamItem[]): Trace {
  const trace = runTrace(config, stream);
  expect(checkGuarantees(trace)).toEqual([]);
  return structuredClone(trace);
}

const ids = (t: Trace) => checkGuarantees(t).map((v) => v.guarantee);

describe('checkGuarantees names what is broken', () => {
  test('FCFS: a later upload started first', () => {
    const t = clean([
      { at: sh('09:00'), order: order('a', { uploadedAt: sh('08:00') }) },
      { at: sh('09:00'), order: order('b', { uploadedAt: sh('08:30') }) },
      { at: sh('09:00'), order: order('c', { uploadedAt: sh('08:40') }) },
    ]);
    // b and c both waited; swap which of them started first.
    const starts = t.events.filter(
      (e): e is Extract<TraceEvent, { kind: 'start' }> => e.kind === 'start',
    );
    const sb = starts.find((e) => e.orderId === 'b') as Extract<TraceEvent, { kind: 'start' }>;
    const sc = starts.find((e) => e.orderId === 'c') as Extract<TraceEvent, { kind: 'start' }>;
    [sb.orderId, sc.orderId] = [sc.orderId, sb.orderId];
    expect(ids(t)).toContain('fcfs');
  });

  test('promises kept and no silent delay: an order finished late and never reported', () => {
    const t = clean([{ at: sh('09:00'), order: order('a', { shipBy: sh('12:00') }) }]);
    const finish = t.events.find((e) => e.kind === 'finish') as Extract<
      TraceEvent,
      { kind: 'finish' }
    >;
    finish.at = sh('12:30');
    // Nor was it told late: the engine's events would have said so when 12:00 passed.
    expect(ids(t).sort()).toEqual(['late-told-once', 'no-silent-delay', 'promises-kept']);
  });

  test("late told once, after the at-risk report: a 'late' event before the report, or told twice", () => {
    // The line is slowed to a crawl: a is reported at risk at once, and told late at 12:00.
    const t = clean([
      { at: sh('09:00'), order: order('a', { shipBy: sh('12:00') }) },
      { at: sh('09:10'), capacity: { line: 'print', unitsPerHour: 10 } },
      { at: sh('12:30'), advance: true },
    ]);
    const late = t.events.findIndex((e) => e.kind === 'late');
    const report = t.events.findIndex((e) => e.kind === 'at-risk');
    expect(report).toBeGreaterThanOrEqual(0);
    expect(late).toBeGreaterThan(report);
    const twice = structuredClone(t);
    twice.events.push({ ...(twice.events[late] as TraceEvent), index: twice.events.length });
    expect(ids(twice)).toEqual(['late-told-once']);
    // The report moved after the late event: told late before it was reported at risk.
    const early = structuredClone(t);
    (early.events[report] as { index: number }).index = early.events.length;
    expect(ids(early)).toContain('no-silent-delay');
  });

  test('company first: a client order started before a company-caused one that was waiting', () => {
    const t = clean([
      { at: sh('09:00'), order: order('a') },
      { at: sh('09:00'), order: order('b') },
      { at: sh('09:05'), order: order('d', { rush: { cause: 'damaged' } }) },
    ]);
    const starts = t.events.filter(
      (e): e is Extract<TraceEvent, { kind: 'start' }> => e.kind === 'start',
    );
    const sd = starts.find((e) => e.orderId === 'd') as Extract<TraceEvent, { kind: 'start' }>;
    const sb = starts.find((e) => e.orderId === 'b') as Extract<TraceEvent, { kind: 'start' }>;
    [sd.orderId, sb.orderId] = [sb.orderId, sd.orderId];
    expect(ids(t)).toContain('company-first');
  });

  test("quota: an acceptance past the day's quota", () => {
    const t = clean([
      { at: sh('09:00'), order: order('r', { quantity: 300, rush: { urgency: 'next-day' } }) },
    ]);
    const submit = t.events[0] as Extract<TraceEvent, { kind: 'submit' }>;
    expect(submit.decision.outcome).toBe('rush-declined'); // 300 > 25% of 900
    submit.decision.outcome = 'rush-accepted';
    expect(ids(t)).toContain('quota');
  });

  test('accounted for: an order the engine forgot, a rush decision missing from the register', () => {
    const t = clean([{ at: sh('09:00'), order: order('a', { rush: { urgency: 'next-day' } }) }]);
    t.final.orders = [];
    t.rushRegister = [];
    expect(ids(t)).toEqual(['accounted-for', 'accounted-for']);
  });

  test('at once: a report that came from a later call, not from the call that caused it', () => {
    const t = clean([
      { at: sh('09:00'), order: order('x', { quantity: 10, shipBy: sh('09:30') }) },
      { at: sh('09:00'), order: order('a', { quantity: 300, shipBy: sh('12:06') }) },
      { at: sh('09:03'), order: order('d', { rush: { cause: 'missing' } }) },
    ]);
    const report = t.events.find((e) => e.kind === 'at-risk') as Extract<
      TraceEvent,
      { kind: 'at-risk' }
    >;
    expect(report.report.orderId).toBe('a');
    report.cause = t.events.findIndex((e) => e.kind === 'start');
    expect(ids(t)).toContain('no-silent-delay');
  });
});

describe('checkGuarantees follows an order through cancel, hold, release and amend', () => {
  const life: StreamItem[] = [
    { at: sh('09:00'), order: order('a') },
    { at: sh('09:00'), order: order('b') },
    { at: sh('09:00'), order: order('c') },
    { at: sh('09:00'), order: order('r', { rush: { urgency: 'next-day' }, quantity: 10 }) },
    { at: sh('09:05'), hold: 'b' },
    { at: sh('09:06'), cancel: 'c' },
    { at: sh('09:07'), amend: { orderId: 'r', changes: { quantity: 20 } } },
    { at: sh('09:08'), release: 'b' },
    { at: sh('09:09'), hold: 'r' },
  ];

  test('a clean run with every call is clean, and its trace records each call', () => {
    const t = clean(life);
    expect(
      t.events
        .filter((e) => ['cancel', 'hold', 'release', 'amend'].includes(e.kind))
        .map((e) => e.kind),
    ).toEqual(['hold', 'cancel', 'amend', 'release', 'hold']);
    expect(t.unfinished).toEqual(['r']);
  });

  test('a cancelled order that is started anyway, or ends in another status, is caught', () => {
    const t = clean(life);
    // The last start comes after the cancellation: make it c's.
    const start = t.events.findLast((e) => e.kind === 'start') as Extract<
      TraceEvent,
      { kind: 'start' }
    >;
    start.orderId = 'c';
    expect(ids(t)).toContain('accounted-for');
    const u = clean(life);
    const c = u.final.orders.find((o) => o.order.id === 'c');
    if (c) c.status = 'queued';
    expect(ids(u)).toEqual(['accounted-for']);
  });

  test('a release whose rush decision is missing from the register is caught', () => {
    // f keeps the line busy while r is held and released.
    const t = clean([
      { at: sh('09:00'), order: order('f') },
      { at: sh('09:00'), order: order('r', { rush: { urgency: 'next-day' }, quantity: 10 }) },
      { at: sh('09:01'), hold: 'r' },
      { at: sh('09:02'), release: 'r' },
    ]);
    expect(t.rushRegister).toHaveLength(2);
    t.rushRegister.pop();
    expect(ids(t)).toEqual(['accounted-for']);
  });

  test('an amendment that takes an accepted rush past the quota is caught', () => {
    const t = clean([
      { at: sh('09:00'), order: order('f') },
      { at: sh('09:00'), order: order('r', { rush: { urgency: 'next-day' }, quantity: 10 }) },
      { at: sh('09:01'), amend: { orderId: 'r', changes: { quantity: 20 } } },
    ]);
    const amend = t.events.find((e) => e.kind === 'amend') as Extract<
      TraceEvent,
      { kind: 'amend' }
    >;
    // The quota of a 100-an-hour line is 25% of 900 units: 225.
    amend.changes = { quantity: 400 };
    expect(ids(t)).toContain('quota');
  });
});
