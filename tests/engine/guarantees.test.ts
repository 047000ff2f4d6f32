/**
 * The guarantees of rules.md §7 as fast-check properties over random order streams, driven
 * on simulated lines (each line starts its next order when free and finishes it after its
 * working time). Guarantees 1–5 and 7 are read off each trace by `checkGuarantees`; 6, 8 and
 * 9 compare runs.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  type CalendarException,
  createScheduler,
  type Order,
  restoreScheduler,
  type SchedulerConfig,
  type Tier,
  ValidationError,
} from '../../src/index.js';
import {
  arbitraries,
  checkGuarantees,
  checkMonotoneFairness,
  fairnessCases,
  runTrace,
  type StreamItem,
  type StreamOptions,
} from '../../src/testing/index.js';
import { fcParams } from '../support/fc.js';
import { busyLab } from '../support/labs.js';

/** The default lab calendar, for labs that leave theirs out. */
const defaultLabCalendar = arbitraries.labCalendar;

/** A scheduler restored from a snapshot. */
const createSchedulerFrom = (snap: unknown) => restoreScheduler(JSON.parse(JSON.stringify(snap)));

const MINUTE = 60_000;

/** The same lab round the clock in a zone with DST. */
const roundTheClock: SchedulerConfig = {
  ...busyLab,
  calendar: { zone: 'Europe/Berlin', open: '00:00', close: '24:00', days: [1, 2, 3, 4, 5, 6, 7] },
};
const berlinDst = Date.UTC(2026, 9, 24, 20, 0); // the evening before the autumn change

const labs = fc.constantFrom(
  { name: 'default hours', config: busyLab, start: arbitraries.STREAM_START },
  { name: 'round the clock across DST', config: roundTheClock, start: berlinDst },
);

function violations(config: SchedulerConfig, stream: StreamItem[]) {
  return checkGuarantees(runTrace(config, stream));
}

/** No trace of a stream drawn with these options, on either lab, breaks a guarantee. */
function guaranteesHold(options: StreamOptions) {
  const cases = labs.chain((lab) =>
    arbitraries.orderStreams(lab.config, { ...options, start: lab.start }).map((s) => ({ lab, s })),
  );
  fc.assert(
    fc.property(cases, ({ lab, s }) => {
      expect(violations(lab.config, s)).toEqual([]);
    }),
    fcParams(150),
  );
}

/** Busy-lab streams with company-caused rushes, capacity changes, cancellations, holds, amendments, hand-overs and time moving on. */
const mixedStreams = arbitraries.orderStreams(busyLab, {
  companyShare: 0.1,
  capacityChanges: true,
  lifeChanges: true,
  lifecycle: true,
  maxGapMinutes: 15,
});

describe('§7 guarantees on random streams', () => {
  test('the streams exercise every rule: each gate decides, promises move, orders finish late and are reported', () => {
    const rules = new Set<string>();
    let late = 0;
    let reported = 0;
    const streams = [
      ...fc.sample(
        arbitraries.orderStreams(busyLab, {
          companyShare: 0.15,
          capacityChanges: true,
          maxGapMinutes: 15,
        }),
        { numRuns: 60, seed: 7 },
      ),
      ...fc.sample(
        arbitraries.orderStreams(busyLab, {
          rushShare: 0.9,
          companyShare: 0,
          maxGapMinutes: 5,
          maxQuantity: 30,
        }),
        { numRuns: 60, seed: 7 },
      ),
    ];
    for (const stream of streams) {
      for (const e of runTrace(busyLab, stream).events) {
        if (e.kind === 'submit') for (const r of e.decision.reasons) rules.add(r.rule);
        if (e.kind === 'finish' && e.late) late++;
        if (e.kind === 'at-risk') reported++;
      }
    }
    expect([...rules].sort()).toEqual(
      [
        'accepted',
        'available-to-promise',
        'company-fault',
        'daily-rush-quota',
        'deadline-unreachable',
        'first-uploaded-first-made',
        'frequent-rusher',
        'large-rush-under-load',
        'requested-time',
        'would-break-promises',
      ].sort(),
    );
    expect(late).toBeGreaterThan(10);
    expect(reported).toBeGreaterThanOrEqual(late);
  });

  test('1 FCFS, 3 promises kept, 4 no silent delay, 5 quota, 7 accounted for: plain days (no company rush, no capacity drop), clients cancelling, holding and amending', () => {
    guaranteesHold({ companyShare: 0, maxGapMinutes: 20, lifeChanges: true });
  });

  test('2 company first, 4 no silent delay, 5 quota, 7 accounted for: days with company rushes, capacity changes, cancellations, holds and amendments', () => {
    guaranteesHold({
      companyShare: 0.15,
      capacityChanges: true,
      lifeChanges: true,
      maxGapMinutes: 15,
    });
  });

  test('the streams with changes of mind exercise every new call: cancelled in queue and in production, held, released, amended both ways', () => {
    const seen = new Set<string>();
    for (const stream of fc.sample(mixedStreams, { numRuns: 200, seed: 7 })) {
      for (const e of runTrace(busyLab, stream).events) {
        if (e.kind === 'cancel') seen.add(`cancel ${e.was}`);
        if (e.kind === 'hold' || e.kind === 'release') seen.add(e.kind);
        if (e.kind === 'release' && e.decision.outcome === 'rush-accepted')
          seen.add('rush released');
        if (e.kind === 'amend') seen.add(e.decision.reasons[0]?.rule as string);
      }
    }
    expect([...seen].sort()).toEqual(
      [
        'amended-promise-kept',
        'amended-promise-moved',
        'amended-while-held',
        'cancel held',
        'cancel in-production',
        'cancel queued',
        'hold',
        'release',
        'rush released',
      ].sort(),
    );
  });

  test("4 no silent delay, as the events tell it: every 'late' follows its order's at-risk report, and each promise passed unfinished is told late exactly once", () => {
    // Days with hand-overs and time moving on between calls; the lines are stopped before the
    // queues drain on half of them, so that promises pass with orders queued and in production.
    fc.assert(
      fc.property(mixedStreams, fc.boolean(), (stream, drain) => {
        const trace = runTrace(busyLab, stream, { drain });
        expect(checkGuarantees(trace)).toEqual([]);
      }),
      fcParams(150),
    );
    // The streams do tell orders late, hand orders over (some short), and move time alone.
    const kinds = new Map<string, number>();
    let short = 0;
    for (const stream of fc.sample(mixedStreams, { numRuns: 60, seed: 7 }))
      for (const e of runTrace(busyLab, stream, { drain: false }).events) {
        kinds.set(e.kind, (kinds.get(e.kind) ?? 0) + 1);
        if (e.kind === 'deliver' && e.delivery.shortItems > 0) short++;
      }
    expect(kinds.get('late')).toBeGreaterThan(10);
    expect(kinds.get('deliver')).toBeGreaterThan(10);
    expect(kinds.get('advance')).toBeGreaterThan(10);
    expect(short).toBeGreaterThan(0);
  });

  test('5 quota holds under a rush storm', () => {
    fc.assert(
      fc.property(
        arbitraries.orderStreams(busyLab, {
          rushShare: 0.9,
          companyShare: 0,
          maxGapMinutes: 5,
          maxQuantity: 30,
          lifeChanges: true,
        }),
        (s) => {
          expect(violations(busyLab, s).filter((v) => v.guarantee === 'quota')).toEqual([]);
        },
      ),
      fcParams(100),
    );
  });
});

describe('§7 guarantees with lines down and calendar exceptions', () => {
  /** The lab with exceptions drawn over the ten days from the stream's start. */
  const withExceptions = (
    lab: { config: SchedulerConfig; start: number },
    exceptions: CalendarException[],
  ): SchedulerConfig => ({
    ...lab.config,
    calendar: { ...(lab.config.calendar ?? defaultLabCalendar), exceptions },
  });

  /** A lab, calendar exceptions from its first day, and a stream drawn with `options` on it. */
  const daysWithExceptions = (options: StreamOptions) =>
    labs.chain((lab) =>
      fc.record({
        lab: fc.constant(lab),
        exceptions: arbitraries.calendarExceptions(lab.start),
        s: arbitraries.orderStreams(lab.config, { ...options, start: lab.start }),
      }),
    );

  test('1 FCFS, 3 promises kept, 4 no silent delay, 5 quota, 7 accounted for: plain days through closed days, half days and overtime', () => {
    const cases = daysWithExceptions({ companyShare: 0, maxGapMinutes: 20 });
    fc.assert(
      fc.property(cases, ({ lab, exceptions, s }) => {
        expect(violations(withExceptions(lab, exceptions), s)).toEqual([]);
      }),
      fcParams(100),
    );
  });

  test('2 company first, 4 no silent delay, 5 quota, 7 accounted for: lines going down and coming back, with exceptions', () => {
    let down = 0;
    const cases = daysWithExceptions({
      companyShare: 0.15,
      capacityChanges: true,
      linesDown: true,
      maxGapMinutes: 15,
    });
    fc.assert(
      fc.property(cases, ({ lab, exceptions, s }) => {
        if (s.some((i) => 'capacity' in i && i.capacity.unitsPerHour === 0)) down++;
        const config = withExceptions(lab, exceptions);
        const trace = runTrace(config, s);
        expect(checkGuarantees(trace)).toEqual([]);
        // Every line came back, so every order was made.
        expect(trace.unfinished).toEqual([]);
        // A restored clone of the end state is the same state.
        expect(clone(createSchedulerFrom(trace.final)).snapshot()).toEqual(trace.final);
      }),
      fcParams(120),
    );
    // The property saw lines go down, not only rate changes.
    expect(down).toBeGreaterThan(10);
  });
});

describe('§7 guarantees with registered clients', () => {
  test('1–5 and 7 hold when every client is registered, half by the clients option and half by setClient', () => {
    fc.assert(
      fc.property(mixedStreams, (stream) => {
        // Each client is registered with the tier of its first order, and every order of it
        // gives that tier: a lab whose intake follows the register.
        const tiers = new Map<string, Tier>();
        for (const i of stream)
          if ('order' in i && !tiers.has(i.order.clientId))
            tiers.set(i.order.clientId, i.order.tier);
        const registered = stream.map((i) =>
          'order' in i
            ? { ...i, order: { ...i.order, tier: tiers.get(i.order.clientId) as Tier } }
            : i,
        );
        const clients = [...tiers].map(([id, tier]) => ({ id, tier }));
        const byConfig = clients.slice(0, clients.length >> 1);
        const config = { ...busyLab, clients: byConfig };
        const s = createScheduler(config);
        const start = (registered[0] as StreamItem).at;
        for (const c of clients.slice(byConfig.length)) s.setClient(c.id, { tier: c.tier }, start);
        const trace = runTrace(config, registered, { scheduler: s });
        expect(checkGuarantees(trace)).toEqual([]);
        expect(trace.events.filter((e) => e.kind === 'submit')).toHaveLength(
          registered.filter((i) => 'order' in i).length,
        );
        expect(s.clients()).toHaveLength(clients.length);
      }),
      fcParams(100),
    );
  });
});

/** Drives a scheduler through the first items of a stream, without draining the lines. */
function prepare(config: SchedulerConfig, stream: StreamItem[]) {
  const s = createScheduler(config);
  runTrace(config, stream, { drain: false, scheduler: s });
  const last = stream.at(-1)?.at ?? arbitraries.STREAM_START;
  return { s, at: last + 5 * MINUTE };
}

function clone(s: ReturnType<typeof createScheduler>) {
  return restoreScheduler(JSON.parse(JSON.stringify(s.snapshot())));
}

describe('§7.6 monotone fairness, all else equal', () => {
  // The kit's own check: busy mornings (the lines are often tight, so the tier, habit and
  // quantity gates matter), one rush asked of clones of the same state, one thing changed.
  test('a better tier, fewer recent rushes, a smaller quantity, more capacity never turn an acceptance into a decline', () => {
    fc.assert(
      fc.property(fairnessCases(busyLab), (c) => {
        expect(checkMonotoneFairness(busyLab, c)).toEqual([]);
      }),
      fcParams(400),
    );
  });
});

describe('§7.8 deterministic', () => {
  /** Retention from none to a year: forgetting settled orders mid-stream, or never. */
  const retentions = fc.constantFrom(0, 0.005, 0.05, 0.5, 7, 366);

  test('the same configuration and calls give the same decisions, plans and registers; a restored snapshot goes on the same', () => {
    fc.assert(
      fc.property(mixedStreams, fc.nat(), retentions, (stream, cutAt, retention) => {
        const lab = { ...busyLab, retention };
        expect(JSON.stringify(runTrace(lab, stream))).toBe(JSON.stringify(runTrace(lab, stream)));
        const cut = cutAt % (stream.length + 1);
        const head = stream.slice(0, cut);
        const tail = stream.slice(cut);
        const { s } = prepare(lab, head);
        const restored = clone(s);
        const original = runTrace(lab, tail, { scheduler: s });
        const again = runTrace(lab, tail, { scheduler: restored });
        expect(again.events).toEqual(original.events);
        expect(again.final).toEqual(original.final);
      }),
      fcParams(100),
    );
  });

  test('retention changes no decision: forgetting settled orders at once or after a year, the calls answer the same', () => {
    fc.assert(
      fc.property(mixedStreams, (stream) => {
        const forgetful = runTrace({ ...busyLab, retention: 0 }, stream);
        const keeping = runTrace({ ...busyLab, retention: 366 }, stream);
        // A finished order forgotten at once can no longer be handed over: the dispatch runs
        // differ, every decision does not. A 'late' event is recorded after the call that told
        // it, and a hand-over the forgetful engine cannot make may have been that call: the
        // late events are compared on their own (each at the same time, in the same order).
        const decisions = (t: typeof forgetful) =>
          t.events
            .filter((e) => e.kind !== 'deliver' && e.kind !== 'late')
            .map(({ index: _, ...e }) => ('cause' in e ? { ...e, cause: undefined } : e));
        const late = (t: typeof forgetful) =>
          t.events.flatMap(({ index: _, ...e }) => (e.kind === 'late' ? [e] : []));
        expect(decisions(forgetful)).toEqual(decisions(keeping));
        expect(late(forgetful)).toEqual(late(keeping));
        expect(forgetful.rushRegister).toEqual(keeping.rushRegister);
        // Drained, the last call (a line started on nothing) came at or after every finish:
        // the forgetful engine holds only the orders still held, the keeping one every order.
        expect(forgetful.final.orders.filter((o) => o.status !== 'held')).toEqual([]);
        expect(keeping.final.orders.length).toBe(
          stream.reduce((n, i) => n + ('order' in i ? 1 : 'batch' in i ? i.batch.length : 0), 0),
        );
      }),
      fcParams(60),
    );
  });
});

describe('§7.9 bad input is harmless', () => {
  /** A valid order, then spoilt by `over`. */
  const o = (at: number, over: object = {}) =>
    ({
      id: 'bad',
      clientId: 'c',
      tier: 'key',
      product: 'print',
      quantity: 1,
      uploadedAt: at,
      ...over,
    }) as Order;
  type Call = (s: ReturnType<typeof createScheduler>, at: number, known: string) => unknown;
  const bad = fc.constantFrom<[string, Call]>(
    ['negative quantity', (s, at) => s.submit(o(at, { quantity: -1 }), at)],
    ['unknown product', (s, at) => s.submit(o(at, { product: 'mug' }), at)],
    ['id already used', (s, at, known) => s.submit(o(at, { id: known }), at)],
    ['time earlier than the last', (s, at) => s.submit(o(at - 86_400_000), at - 86_400_000)],
    ['upload after submission', (s, at) => s.submit(o(at + MINUTE), at)],
    ['client rush without urgency', (s, at) => s.submit(o(at, { rush: { cause: 'client' } }), at)],
    ['unknown field', (s, at) => s.submit(o(at, { colour: 'red' }), at)],
    [
      'batch with one bad order',
      (s, at) => s.submitBatch([o(at, { id: 'ok1' }), o(at, { id: 'ok1' })], at),
    ],
    ['unknown line', (s, at) => s.next('laser', at)],
    ['complete of an order not in production', (s, at) => s.complete('nope', at)],
    ['negative capacity', (s, at) => s.setCapacity('print', -5, at)],
    ['time without offset', (s) => s.setCapacity('print', 5, '2026-11-24T10:00')],
    ['explain an unknown order', (s) => s.explain('nope')],
    [
      'an order of a registered client giving another tier',
      (s, at) => s.submit(o(at, { clientId: 'studio-7', tier: 'regular' }), at),
    ],
    [
      'a batch with an order of a registered client giving another tier',
      (s, at) =>
        s.submitBatch(
          [o(at, { id: 'ok1' }), o(at, { id: 'ok2', clientId: 'studio-7', tier: 'special' })],
          at,
        ),
    ],
    ['setClient with an unknown tier', (s, at) => s.setClient('c', { tier: 'gold' as Tier }, at)],
    ['deliver of an unknown order', (s, at) => s.deliver('nope', { via: 'ship' }, at)],
    ['deliver by boat', (s, at, id) => s.deliver(id, { via: 'boat' as 'ship' }, at)],
    [
      'deliver short of -1 items',
      (s, at, id) => s.deliver(id, { via: 'ship', shortItems: -1 }, at),
    ],
    ['advance earlier than the last time', (s, at) => s.advance(at - 86_400_000)],
    ['advance to no time at all', (s) => s.advance('soon')],
    ['setClient of an empty client id', (s, at) => s.setClient('', { tier: 'key' }, at)],
    [
      'setClient earlier than the last time',
      (s, at) => s.setClient('c', { tier: 'key' }, at - 86_400_000),
    ],
    ['cancel an unknown order', (s, at) => s.cancel('nope', at)],
    [
      'cancel with a time earlier than the last',
      (s, at, known) => s.cancel(known, at - 86_400_000),
    ],
    ['hold an unknown order', (s, at) => s.hold('nope', at)],
    ['release an order that is not held', (s, at, known) => s.release(known, at)],
    ['amend with a negative quantity', (s, at, known) => s.amend(known, { quantity: -1 }, at)],
    [
      'amend with an unknown field',
      (s, at, known) => s.amend(known, { colour: 'red' } as never, at),
    ],
    ['amend with no change', (s, at, known) => s.amend(known, {}, at)],
    [
      'amend with a ship time that is not one',
      (s, at, known) => s.amend(known, { shipBy: 'soon' }, at),
    ],
  );
  /** The lab of these calls registers studio-7 as a key client. */
  const registeredLab: SchedulerConfig = { ...busyLab, clients: [{ id: 'studio-7', tier: 'key' }] };

  test('any malformed call throws ValidationError and leaves the state unchanged', () => {
    fc.assert(
      fc.property(arbitraries.orderStreams(busyLab, { maxOrders: 15 }), bad, (stream, [, call]) => {
        const { s, at } = prepare(registeredLab, stream);
        const known = stream.flatMap((i) => ('order' in i ? [i.order.id] : []))[0] ?? 'o0';
        const before = JSON.stringify(s.snapshot());
        expect(() => call(s, at, known)).toThrow(ValidationError);
        expect(JSON.stringify(s.snapshot())).toBe(before);
      }),
      fcParams(150),
    );
  });
});
