/**
 * Model-based test (fc.commands): random sequences of submit / next / complete / setCapacity
 * run against the engine and against a deliberately simple reference (a sorted array and an
 * O(n) feasibility walk, tests/support/reference.ts). After every command both must agree on
 * the decision (outcome, promise, deciding rule, orders put at risk, counter-offer), on what a
 * line starts, and on the whole plan.
 */
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { createScheduler, type Order, type Scheduler } from '../../src/index.js';
import { fcParams } from '../support/fc.js';
import { ReferenceScheduler } from '../support/reference.js';

const calendar = { zone: 'Asia/Shanghai', open: '09:00', close: '18:00', days: [1, 2, 3, 4, 5, 6] };
const lines = [
  { id: 'print', products: ['print'], unitsPerHour: 100 },
  { id: 'album', products: ['album'], unitsPerHour: 10 },
];
const START = Date.parse('2026-11-23T08:30:00+08:00');
const MINUTE = 60_000;

interface Model {
  ref: ReferenceScheduler;
  now: number;
  ids: number;
}
interface Real {
  s: Scheduler;
}

const sorted = (xs: string[]) => [...xs].sort();

function comparePlans(m: Model, r: Real) {
  for (const line of lines) {
    const real = r.s
      .plan(line.id)
      .filter((p) => p.status === 'queued')
      .map((p) => ({ orderId: p.orderId, finish: p.finish, promisedBy: p.promisedBy }));
    expect(real).toEqual(m.ref.plan(line.id, m.now));
  }
}

type OrderShape = {
  gap: number;
  tier: Order['tier'];
  product: 'print' | 'album';
  quantity: number;
  kind: 'plain' | 'client' | 'company' | 'ship' | 'pickup';
  urgency: NonNullable<Order['rush']>['urgency'];
  due: number;
  lag: number;
  client: number;
};

class Submit implements fc.Command<Model, Real> {
  constructor(readonly o: OrderShape) {}
  check() {
    return true;
  }
  run(m: Model, r: Real) {
    m.now += this.o.gap * MINUTE;
    const id = `o${++m.ids}`;
    const order: Order & { uploadedAt: number } = {
      id,
      clientId: `c${this.o.client}`,
      tier: this.o.tier,
      product: this.o.product,
      quantity: this.o.quantity,
      uploadedAt: m.now - this.o.lag * MINUTE,
    };
    if (this.o.kind === 'client') order.rush = { urgency: this.o.urgency, cause: 'client' };
    if (this.o.kind === 'company') order.rush = { cause: this.o.due % 2 ? 'missing' : 'damaged' };
    if (this.o.kind === 'ship') order.shipBy = m.now + this.o.due * 10 * MINUTE;
    if (this.o.kind === 'pickup') order.pickupAt = m.now + this.o.due * 10 * MINUTE;
    const expected = m.ref.submit(order, m.now);
    const d = r.s.submit(order, m.now);
    expect({
      outcome: d.outcome,
      promisedBy: d.promisedBy,
      rule: d.reasons[0]?.rule,
      atRisk: sorted(d.atRisk),
      ...(d.earliestPossible !== undefined ? { earliestPossible: d.earliestPossible } : {}),
    }).toEqual({ ...expected, atRisk: sorted(expected.atRisk) });
    comparePlans(m, r);
  }
  toString() {
    return `submit(${JSON.stringify(this.o)})`;
  }
}

class Next implements fc.Command<Model, Real> {
  constructor(
    readonly line: string,
    readonly gap: number,
  ) {}
  check(m: Readonly<Model>) {
    return m.ref.busyOf(this.line) === undefined;
  }
  run(m: Model, r: Real) {
    m.now += this.gap * MINUTE;
    expect(r.s.next(this.line, m.now)?.orderId).toBe(m.ref.next(this.line, m.now));
    comparePlans(m, r);
  }
  toString() {
    return `next(${this.line}, +${this.gap}m)`;
  }
}

class Complete implements fc.Command<Model, Real> {
  constructor(
    readonly line: string,
    readonly gap: number,
  ) {}
  check(m: Readonly<Model>) {
    return m.ref.busyOf(this.line) !== undefined;
  }
  run(m: Model, r: Real) {
    m.now += this.gap * MINUTE;
    const id = m.ref.busyOf(this.line) as string;
    m.ref.complete(this.line, m.now);
    expect(r.s.complete(id, m.now).orderId).toBe(id);
    comparePlans(m, r);
  }
  toString() {
    return `complete(${this.line}, +${this.gap}m)`;
  }
}

class SetCapacity implements fc.Command<Model, Real> {
  constructor(
    readonly line: string,
    readonly rate: number,
    readonly gap: number,
  ) {}
  check() {
    return true;
  }
  run(m: Model, r: Real) {
    m.now += this.gap * MINUTE;
    expect(sorted(r.s.setCapacity(this.line, this.rate, m.now))).toEqual(
      sorted(m.ref.setCapacity(this.line, this.rate, m.now)),
    );
    comparePlans(m, r);
  }
  toString() {
    return `setCapacity(${this.line}, ${this.rate}, +${this.gap}m)`;
  }
}

const orderShape: fc.Arbitrary<OrderShape> = fc.record({
  gap: fc.integer({ min: 0, max: 20 }),
  tier: fc.constantFrom('key' as const, 'special' as const, 'regular' as const),
  product: fc.constantFrom('print' as const, 'album' as const),
  quantity: fc.integer({ min: 1, max: 60 }),
  kind: fc.constantFrom(
    'plain' as const,
    'plain' as const,
    'client' as const,
    'client' as const,
    'company' as const,
    'ship' as const,
    'pickup' as const,
  ),
  urgency: fc.constantFrom(
    'immediate' as const,
    'half-day' as const,
    'same-day' as const,
    'next-day' as const,
  ),
  due: fc.integer({ min: 1, max: 60 }),
  lag: fc.integer({ min: 0, max: 600 }),
  client: fc.integer({ min: 0, max: 3 }),
});
const lineId = fc.constantFrom('print', 'album');
const gap = fc.integer({ min: 0, max: 45 });

const commands = [
  orderShape.map((o) => new Submit(o)),
  orderShape.map((o) => new Submit(o)),
  orderShape.map((o) => new Submit(o)),
  fc.tuple(lineId, gap).map(([l, g]) => new Next(l, g)),
  fc.tuple(lineId, gap).map(([l, g]) => new Complete(l, g)),
  fc
    .tuple(lineId, fc.constantFrom(5, 20, 50, 100, 150), gap)
    .map(([l, rate, g]) => new SetCapacity(l, l === 'album' ? rate / 10 : rate, g)),
];

test('the engine agrees with a simple reference on every decision and plan', () => {
  fc.assert(
    fc.property(fc.commands(commands, { maxCommands: 80, size: 'max' }), (cmds) => {
      const model: Model = { ref: new ReferenceScheduler(calendar, lines), now: START, ids: 0 };
      const real: Real = { s: createScheduler({ calendar, lines }) };
      fc.modelRun(() => ({ model, real }), cmds);
    }),
    fcParams(300),
  );
});
