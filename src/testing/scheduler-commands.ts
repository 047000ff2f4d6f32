/**
 * `schedulerCommands(config)`: fast-check commands for the `Scheduler` API (submit, next,
 * complete, setCapacity, setClient, cancel, hold, release, amend, deliver, advance; capacity 0, a line down, included) run against a deliberately simple reference model: a sorted array per
 * line, an O(n) walk for every feasibility question and a brute-force search for promises.
 * After every command the system and the model must agree on the decision (outcome, promise,
 * deciding rule, orders put at risk, counter-offer), on what a line starts, and on the plan.
 *
 * Registered clients are modelled as what they are, a client's one tier: an order of a
 * registered client that gives another tier must be refused (a `ValidationError` on `tier`)
 * with nothing changed, and the model then changes nothing either.
 *
 * Hand-overs are modelled as the delivery register lists them, and time as the `'late'` events
 * it makes: when the system has `on`, the orders it tells late must be the model's, in the
 * same order, after every command (each late exactly once, as its promise passes unfinished).
 * A short hand-over is followed, sometimes, by the `missing` rush that reissues its items.
 *
 * The system under test is any object with the calls and `plan` (`setClient`, `deliver`,
 * `advance` and `on` optional): the engine itself, or an
 * embedding service's wrapper around it (a persisting one, say), so the integration is tested
 * against the same model.
 */
import fc from 'fast-check';
import { ValidationError } from '../domain/errors.js';
import type { Order, Tier, Urgency } from '../domain/types.js';
import { type ResolvedConfig, resolveConfig, type SchedulerConfig } from '../engine/config.js';
import { createScheduler, type Scheduler } from '../engine/scheduler.js';
import { MS_PER_MINUTE } from '../time/units.js';
import { ReferenceScheduler } from './_internal/reference.js';
import { STREAM_START } from './arbitraries.js';

/**
 * What the commands drive: the engine, or a wrapper around it with the same calls. A wrapper
 * written before `setClient`, `cancel`, `hold`, `release` or `amend` existed may lack them: its
 * programs' commands for a call it lacks then do nothing, in the system and in the model alike.
 */
export type SchedulerSystem = Pick<
  Scheduler,
  'submit' | 'next' | 'complete' | 'setCapacity' | 'plan'
> &
  Partial<
    Pick<
      Scheduler,
      'setClient' | 'cancel' | 'hold' | 'release' | 'amend' | 'deliver' | 'advance' | 'on'
    >
  >;

/** The model's state: the reference scheduler, the clock and the registered clients' tiers. */
export interface SchedulerModel {
  ref: ReferenceScheduler;
  now: number;
  ids: number;
  clients: Map<string, Tier>;
  /** Short hand-overs whose missing items no rush has reissued yet. */
  short: string[];
}

/** The system, and the orders it told late (when it has `on`). */
interface Real {
  s: SchedulerSystem;
  late?: string[];
}

/** A generated program of commands; `run` plays it against a fresh system and the model. */
export interface SchedulerProgram {
  commands: Iterable<fc.Command<SchedulerModel, Real>>;
  /** Plays the commands. @param system the system under test. @default createScheduler(config) */
  run(system?: SchedulerSystem): void;
}

export interface SchedulerCommandsOptions {
  /** When the first command happens. @default STREAM_START (Monday 2026-11-23, 09:00 Shanghai) */
  start?: number;
  /** @default 80 */
  maxCommands?: number;
}

class Mismatch extends Error {
  override readonly name = 'Mismatch';
}

function same(what: string, actual: unknown, expected: unknown): void {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Mismatch(`${what}: the system answered ${a}, the reference model ${e}`);
}

const sorted = (xs: readonly string[]) => [...xs].sort();

type OrderShape = {
  gap: number;
  tier: Tier;
  product: string;
  quantity: number;
  kind: 'plain' | 'client' | 'company' | 'ship' | 'pickup';
  urgency: Urgency;
  due: number;
  lag: number;
  client: number;
  /** For a registered client: whether the order gives its registered tier (else `tier`). */
  registeredTier: boolean;
};

function comparePlans(cfg: ResolvedConfig, m: SchedulerModel, r: Real) {
  for (const line of cfg.lines) {
    const real = r.s
      .plan(line.id, m.now)
      .filter((p) => p.status === 'queued')
      .map((p) => ({ orderId: p.orderId, finish: p.finish, promisedBy: p.promisedBy }));
    same(
      `plan of ${line.id} at ${new Date(m.now).toISOString()}`,
      real,
      m.ref.plan(line.id, m.now),
    );
  }
  if (r.late !== undefined)
    same(`late orders by ${new Date(m.now).toISOString()}`, r.late, m.ref.late);
}

type Cmd = fc.Command<SchedulerModel, Real>;

function commandsFor(cfg: ResolvedConfig): fc.Arbitrary<Cmd>[] {
  const products = cfg.lines.flatMap((l) => l.products);
  const lineIds = cfg.lines.map((l) => l.id);

  class Submit implements Cmd {
    constructor(readonly o: OrderShape) {}
    check() {
      return true;
    }
    run(m: SchedulerModel, r: Real) {
      m.now += this.o.gap * MS_PER_MINUTE;
      const clientId = `c${this.o.client}`;
      const registered = m.clients.get(clientId);
      const order: Order & { uploadedAt: number } = {
        id: `o${++m.ids}`,
        clientId,
        tier: registered !== undefined && this.o.registeredTier ? registered : this.o.tier,
        product: this.o.product,
        quantity: this.o.quantity,
        uploadedAt: m.now - this.o.lag * MS_PER_MINUTE,
      };
      if (this.o.kind === 'client') order.rush = { urgency: this.o.urgency, cause: 'client' };
      if (this.o.kind === 'company') order.rush = { cause: this.o.due % 2 ? 'missing' : 'damaged' };
      // A short hand-over's missing items come back through the rush process (漏件).
      const original = m.short[0];
      if (order.rush?.cause === 'missing' && original !== undefined) {
        order.rush.forOrder = original;
        m.short.shift();
      }
      if (this.o.kind === 'ship') order.shipBy = m.now + this.o.due * 10 * MS_PER_MINUTE;
      if (this.o.kind === 'pickup') order.pickupAt = m.now + this.o.due * 10 * MS_PER_MINUTE;
      if (registered !== undefined && registered !== order.tier) {
        // Refused whole: the model does nothing, and the plans must show nothing changed.
        let refused: unknown;
        try {
          r.s.submit(order, m.now);
        } catch (e) {
          refused = e;
        }
        same(
          `submit ${order.id} of client ${clientId}, registered as ${registered}, as ${order.tier}`,
          refused instanceof ValidationError ? refused.issues.map((i) => i.path) : String(refused),
          ['tier'],
        );
        comparePlans(cfg, m, r);
        return;
      }
      const expected = m.ref.submit(order, m.now);
      const d = r.s.submit(order, m.now);
      same(
        `submit ${order.id}`,
        {
          outcome: d.outcome,
          promisedBy: d.promisedBy,
          rule: d.reasons[0]?.rule,
          atRisk: sorted(d.atRisk),
          ...(d.earliestPossible !== undefined ? { earliestPossible: d.earliestPossible } : {}),
        },
        { ...expected, atRisk: sorted(expected.atRisk) },
      );
      comparePlans(cfg, m, r);
    }
    toString() {
      return `submit(${JSON.stringify(this.o)})`;
    }
  }

  class Next implements Cmd {
    constructor(
      readonly line: string,
      readonly gap: number,
    ) {}
    check(m: Readonly<SchedulerModel>) {
      return m.ref.busyOf(this.line) === undefined;
    }
    run(m: SchedulerModel, r: Real) {
      m.now += this.gap * MS_PER_MINUTE;
      same(
        `next(${this.line})`,
        r.s.next(this.line, m.now)?.orderId ?? null,
        m.ref.next(this.line, m.now) ?? null,
      );
      comparePlans(cfg, m, r);
    }
    toString() {
      return `next(${this.line}, +${this.gap}m)`;
    }
  }

  class Complete implements Cmd {
    constructor(
      readonly line: string,
      readonly gap: number,
    ) {}
    check(m: Readonly<SchedulerModel>) {
      return m.ref.busyOf(this.line) !== undefined;
    }
    run(m: SchedulerModel, r: Real) {
      m.now += this.gap * MS_PER_MINUTE;
      const id = m.ref.busyOf(this.line) as string;
      m.ref.complete(this.line, m.now);
      same(`complete(${id})`, r.s.complete(id, m.now).orderId, id);
      comparePlans(cfg, m, r);
    }
    toString() {
      return `complete(${this.line}, +${this.gap}m)`;
    }
  }

  class SetCapacity implements Cmd {
    constructor(
      readonly line: string,
      readonly rate: number,
      readonly gap: number,
    ) {}
    check() {
      return true;
    }
    run(m: SchedulerModel, r: Real) {
      m.now += this.gap * MS_PER_MINUTE;
      same(
        `setCapacity(${this.line}, ${this.rate})`,
        sorted(r.s.setCapacity(this.line, this.rate, m.now)),
        sorted(m.ref.setCapacity(this.line, this.rate, m.now)),
      );
      comparePlans(cfg, m, r);
    }
    toString() {
      return `setCapacity(${this.line}, ${this.rate}, +${this.gap}m)`;
    }
  }

  class SetClient implements Cmd {
    constructor(
      readonly client: number,
      readonly tier: Tier,
      readonly gap: number,
    ) {}
    check() {
      return true;
    }
    run(m: SchedulerModel, r: Real) {
      m.now += this.gap * MS_PER_MINUTE;
      if (r.s.setClient === undefined) return;
      const clientId = `c${this.client}`;
      const previous = m.clients.get(clientId);
      m.ref.advance(m.now);
      m.clients.set(clientId, this.tier);
      same(
        `setClient(${clientId}, ${this.tier})`,
        r.s.setClient(clientId, { tier: this.tier }, m.now),
        { clientId, tier: this.tier, ...(previous !== undefined ? { previous } : {}) },
      );
      comparePlans(cfg, m, r);
    }
    toString() {
      return `setClient(c${this.client}, ${this.tier}, +${this.gap}m)`;
    }
  }

  /**
   * The model says whether a life call must be refused (`undefined`): then the system must
   * throw a `ValidationError` on one of the path lists `oneOf` (the model knows a call is
   * refused, not always for which field) and the plans must show nothing changed.
   */
  function refusedAlike(
    what: string,
    m: SchedulerModel,
    r: Real,
    call: () => unknown,
    oneOf: readonly string[][],
  ): void {
    let refused: unknown;
    try {
      call();
    } catch (e) {
      refused = e;
    }
    const paths =
      refused instanceof ValidationError ? refused.issues.map((i) => i.path) : String(refused);
    const text = JSON.stringify(paths);
    same(what, paths, oneOf.find((p) => JSON.stringify(p) === text) ?? oneOf[0]);
    comparePlans(cfg, m, r);
  }

  /**
   * A life call on a submitted order, drawn by number, some minutes after the last call: it
   * runs only when the system has the call (an older scheduler may not).
   */
  abstract class OnOrder<K extends 'cancel' | 'hold' | 'release'> implements Cmd {
    abstract readonly name: K;
    constructor(
      readonly pick: number,
      readonly gap: number,
    ) {}
    check(m: Readonly<SchedulerModel>) {
      return m.ids > 0;
    }
    run(m: SchedulerModel, r: Real) {
      m.now += this.gap * MS_PER_MINUTE;
      const call = r.s[this.name]?.bind(r.s) as NonNullable<Real['s'][K]> | undefined;
      if (call === undefined) return;
      this.apply(m, r, orderOf(m, this.pick), call);
    }
    protected abstract apply(
      m: SchedulerModel,
      r: Real,
      id: string,
      call: NonNullable<Real['s'][K]>,
    ): void;
    toString() {
      return `${this.name}(#${this.pick}, +${this.gap}m)`;
    }
  }

  /** Names a submitted order (or one the engine refused) by a drawn number. */
  const orderOf = (m: Readonly<SchedulerModel>, pick: number) => `o${1 + (pick % m.ids)}`;

  class Cancel extends OnOrder<'cancel'> {
    readonly name = 'cancel';
    protected apply(
      m: SchedulerModel,
      r: Real,
      id: string,
      cancel: NonNullable<Real['s']['cancel']>,
    ) {
      const expected = m.ref.cancel(id, m.now);
      if (expected === undefined)
        return refusedAlike(`cancel(${id})`, m, r, () => cancel(id, m.now), [['orderId']]);
      const c = cancel(id, m.now);
      same(`cancel(${id})`, { status: c.status, was: c.was }, { status: 'cancelled', ...expected });
      comparePlans(cfg, m, r);
    }
  }

  class Hold extends OnOrder<'hold'> {
    readonly name = 'hold';
    protected apply(m: SchedulerModel, r: Real, id: string, hold: NonNullable<Real['s']['hold']>) {
      if (!m.ref.hold(id, m.now))
        return refusedAlike(`hold(${id})`, m, r, () => hold(id, m.now), [['orderId']]);
      same(`hold(${id})`, hold(id, m.now).status, 'held');
      comparePlans(cfg, m, r);
    }
  }

  class Release extends OnOrder<'release'> {
    readonly name = 'release';
    protected apply(
      m: SchedulerModel,
      r: Real,
      id: string,
      release: NonNullable<Real['s']['release']>,
    ) {
      const expected = m.ref.release(id, m.now);
      if (expected === undefined)
        return refusedAlike(`release(${id})`, m, r, () => release(id, m.now), [['orderId']]);
      const d = release(id, m.now);
      same(
        `release(${id})`,
        {
          outcome: d.outcome,
          promisedBy: d.promisedBy,
          rule: d.reasons[0]?.rule,
          atRisk: sorted(d.atRisk),
          ...(d.earliestPossible !== undefined ? { earliestPossible: d.earliestPossible } : {}),
        },
        { ...expected, atRisk: sorted(expected.atRisk) },
      );
      comparePlans(cfg, m, r);
    }
  }

  class Amend implements Cmd {
    constructor(
      readonly pick: number,
      readonly quantity: number,
      /** A new ship time this many minutes from now, or none. */
      readonly shipIn: number | undefined,
      readonly gap: number,
    ) {}
    check(m: Readonly<SchedulerModel>) {
      return m.ids > 0;
    }
    run(m: SchedulerModel, r: Real) {
      m.now += this.gap * MS_PER_MINUTE;
      const amend = r.s.amend?.bind(r.s);
      if (amend === undefined) return;
      const id = orderOf(m, this.pick);
      const changes: { quantity: number; shipBy?: number } = { quantity: this.quantity };
      if (this.shipIn !== undefined) changes.shipBy = m.now + this.shipIn * MS_PER_MINUTE;
      const expected = m.ref.amend(id, changes, m.now);
      // Refused: the order (its status, or a company-caused one), or a quantity past the quota.
      if (expected === undefined)
        return refusedAlike(`amend(${id}) refused`, m, r, () => amend(id, changes, m.now), [
          ['orderId'],
          ['changes.quantity'],
        ]);
      const d = amend(id, changes, m.now);
      same(
        `amend(${id}, ${JSON.stringify(changes)})`,
        { rule: d.reasons[0]?.rule, promisedBy: d.promisedBy },
        expected,
      );
      comparePlans(cfg, m, r);
    }
    toString() {
      return `amend(#${this.pick}, ${this.quantity}${this.shipIn !== undefined ? `, ship in ${this.shipIn}m` : ''}, +${this.gap}m)`;
    }
  }

  class Deliver implements Cmd {
    constructor(
      readonly pick: number,
      readonly via: 'ship' | 'pickup',
      readonly short: number,
      readonly gap: number,
    ) {}
    check(m: Readonly<SchedulerModel>) {
      return m.ref.finished.length > 0;
    }
    run(m: SchedulerModel, r: Real) {
      m.now += this.gap * MS_PER_MINUTE;
      if (r.s.deliver === undefined) return;
      const index = this.pick % m.ref.finished.length;
      const e = m.ref.finished[index] as { id: string; quantity: number };
      const shortItems = Math.min(this.short, e.quantity);
      const expected = m.ref.deliver(index, this.via, shortItems, m.now);
      if (shortItems > 0) m.short.push(e.id);
      same(
        `deliver(${e.id}, ${this.via}, short ${shortItems})`,
        r.s.deliver(e.id, { via: this.via, shortItems }, m.now),
        expected,
      );
      comparePlans(cfg, m, r);
    }
    toString() {
      return `deliver(#${this.pick}, ${this.via}, short ${this.short}, +${this.gap}m)`;
    }
  }

  class Advance implements Cmd {
    constructor(readonly gap: number) {}
    check() {
      return true;
    }
    run(m: SchedulerModel, r: Real) {
      m.now += this.gap * MS_PER_MINUTE;
      if (r.s.advance === undefined) return;
      m.ref.advance(m.now);
      r.s.advance(m.now);
      comparePlans(cfg, m, r);
    }
    toString() {
      return `advance(+${this.gap}m)`;
    }
  }

  const orderShape: fc.Arbitrary<OrderShape> = fc.record({
    gap: fc.integer({ min: 0, max: 20 }),
    tier: fc.constantFrom<Tier>('key', 'special', 'regular'),
    product: fc.constantFrom(...products),
    quantity: fc.integer({ min: 1, max: 60 }),
    kind: fc.constantFrom<OrderShape['kind']>(
      'plain',
      'plain',
      'client',
      'client',
      'company',
      'ship',
      'pickup',
    ),
    urgency: fc.constantFrom<Urgency>('immediate', 'half-day', 'same-day', 'next-day'),
    due: fc.integer({ min: 1, max: 60 }),
    lag: fc.integer({ min: 0, max: 600 }),
    client: fc.integer({ min: 0, max: 3 }),
    registeredTier: fc.constantFrom(true, true, true, false),
  });
  const lineId = fc.constantFrom(...lineIds);
  const gap = fc.integer({ min: 0, max: 45 });
  const rateOf = (id: string, factor: number) =>
    (cfg.lines.find((l) => l.id === id)?.unitsPerHour ?? 1) * factor;
  return [
    orderShape.map((o) => new Submit(o)),
    orderShape.map((o) => new Submit(o)),
    orderShape.map((o) => new Submit(o)),
    fc.tuple(lineId, gap).map(([l, g]) => new Next(l, g)),
    fc.tuple(lineId, gap).map(([l, g]) => new Complete(l, g)),
    fc
      .tuple(lineId, fc.constantFrom(0, 0.05, 0.2, 0.5, 1, 1.5), gap)
      .map(([l, f, g]) => new SetCapacity(l, rateOf(l, f), g)),
    fc
      .tuple(
        fc.integer({ min: 0, max: 3 }),
        fc.constantFrom<Tier>('key', 'special', 'regular'),
        gap,
      )
      .map(([c, t, g]) => new SetClient(c, t, g)),
    fc.tuple(fc.nat(), gap).map(([p, g]) => new Cancel(p, g)),
    fc.tuple(fc.nat(), gap).map(([p, g]) => new Hold(p, g)),
    fc.tuple(fc.nat(), gap).map(([p, g]) => new Release(p, g)),
    fc
      .tuple(
        fc.nat(),
        fc.integer({ min: 1, max: 90 }),
        fc.option(fc.integer({ min: 10, max: 600 }), { nil: undefined }),
        gap,
      )
      .map(([p, q, ship, g]) => new Amend(p, q, ship, g)),
    fc
      .tuple(
        fc.nat(),
        fc.constantFrom<'ship' | 'pickup'>('ship', 'pickup'),
        fc.constantFrom(0, 0, 0, 1, 2),
        gap,
      )
      .map(([p, v, k, g]) => new Deliver(p, v, k, g)),
    fc.integer({ min: 0, max: 600 }).map((g) => new Advance(g)),
  ];
}

/**
 * Commands for the `Scheduler` API against a reference model, for `fc.assert`:
 *
 * ```ts
 * fc.assert(fc.property(schedulerCommands(config), (program) => program.run()));
 * ```
 *
 * The reference models one line per product; a configuration where several lines make the
 * same product is rejected.
 */
export function schedulerCommands(
  config: SchedulerConfig = {},
  options: SchedulerCommandsOptions = {},
): fc.Arbitrary<SchedulerProgram> {
  const cfg = resolveConfig(config);
  const seen = new Set<string>();
  for (const l of cfg.lines) {
    for (const p of l.products) {
      if (seen.has(p))
        throw new Error(
          `schedulerCommands: product '${p}' is made by several lines; the reference model needs one line per product`,
        );
      seen.add(p);
    }
  }
  const start = options.start ?? STREAM_START;
  return fc
    .commands(commandsFor(cfg), { maxCommands: options.maxCommands ?? 80, size: 'max' })
    .map((commands) => ({
      commands,
      run(system?: SchedulerSystem) {
        const model: SchedulerModel = {
          ref: new ReferenceScheduler(cfg),
          now: start,
          ids: 0,
          clients: new Map(cfg.clients.map((c) => [c.id, c.tier])),
          short: [],
        };
        const real: Real = { s: system ?? createScheduler(config) };
        if (real.s.on !== undefined) {
          const late: string[] = [];
          real.s.on('late', (e) => {
            late.push(e.orderId);
          });
          real.late = late;
        }
        fc.modelRun(() => ({ model, real }), commands);
      },
      [fc.toStringMethod]() {
        return `[${[...commands].map(String).join(', ')}]`;
      },
    }));
}
