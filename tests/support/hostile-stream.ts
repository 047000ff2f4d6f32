/**
 * Hostile call streams for rules.md §7.8 and §7.9 (issue 16): a program is a lab and a list of
 * calls on every part of the `Scheduler` API, valid, malformed and extreme-but-valid, drawn with
 * the kit's hostile arbitraries (ids such as `__proto__`, values at and beyond each limit).
 * `runHostile` plays a program and checks, after every call:
 *
 * - the call either completed or threw `ValidationError`, and then the state is as it was
 *   (the snapshot's JSON before and after is the same);
 * - `restoreScheduler(snapshot())` gives the same answers (plans, the explanation of every order,
 *   registers, line states, the snapshot itself), and the next call gives the same answer on the
 *   original and on the restored copy;
 * - `Object.prototype` has no new own property and no changed one.
 *
 * Shared by tests/engine/hostile.test.ts (some two thousand calls) and bench/hostile.ts (10^4
 * and more, with counts).
 */
import fc from 'fast-check';
import {
  createScheduler,
  defaultLines,
  type LineSpec,
  restoreScheduler,
  type Scheduler,
  type SchedulerConfig,
  type Snapshot,
  ValidationError,
} from '../../src/index.js';
import { arbitraries } from '../../src/testing/index.js';
import { busyLab } from './labs.js';

const MINUTE = 60_000;

/**
 * When something happens: minutes after or before a reference time (for a call, the engine's
 * last time; for an order's times, the call's time), an absolute value (an extreme instant, or
 * something that is no time), or no time at all.
 */
export type When =
  | { after: number }
  | { before: number }
  | { instant: unknown }
  | { omitted: true };

/** An order as a program describes it; its times are relative to the call's. */
export interface OrderPlan {
  id: unknown;
  clientId: unknown;
  tier: unknown;
  product: unknown;
  quantity: unknown;
  uploaded: When;
  due?: { field: 'shipBy' | 'pickupAt'; when: When };
  rush?: unknown;
  line?: unknown;
  /** How the order is spoilt, if it is: a field left out, a field set (as an own property), or no order at all. */
  spoil?: { drop: string } | { set: string; value: unknown } | { whole: unknown };
}

/** A line: the configured line at `index` (modulo their number), or any value as the line id. */
export type LineRef = { index: number } | { id: unknown };

/** An order: the one in production on a line, a submitted one, or any value as the order id. */
export type OrderRef = { inProduction: number } | { known: number } | { id: unknown };

/** One call of a program. */
export type HostileCall =
  | { call: 'submit'; at: When; order: OrderPlan }
  | { call: 'submitBatch'; at: When; orders: OrderPlan[] | { whole: unknown } }
  | { call: 'next'; at: When; line: LineRef }
  | { call: 'complete'; at: When; order: OrderRef }
  | {
      call: 'setCapacity';
      at: When;
      line: LineRef;
      rate: { factor: number } | { value: number };
    }
  | { call: 'plan'; line?: LineRef; at?: When }
  | { call: 'explain'; order: OrderRef }
  | { call: 'overdueRework'; at?: When }
  | { call: 'registers'; from?: number; to?: number };

/** A lab, the time its first call is made from, and the calls. */
export interface HostileProgram {
  config: SchedulerConfig;
  start: number;
  calls: HostileCall[];
}

/** Every call a program can make. */
export const CALL_KINDS = [
  'submit',
  'submitBatch',
  'next',
  'complete',
  'setCapacity',
  'plan',
  'explain',
  'overdueRework',
  'registers',
] as const;

// ---------------------------------------------------------------- generators

const minutes = (min: number, max: number) => fc.integer({ min, max });

/** `a` in `percent` cases out of a hundred, else undefined. */
const sometimes = <T>(percent: number, a: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> =>
  fc.oneof(
    { weight: 100 - percent, arbitrary: fc.constant(undefined) },
    { weight: percent, arbitrary: a },
  );

/** The time of a call, relative to the engine's last time. */
const callTime: fc.Arbitrary<When> = fc.oneof(
  // Mostly minutes apart, so the lines fill and every rush gate has work; now and then hours.
  { weight: 85, arbitrary: minutes(0, 15).map((m) => ({ after: m })) },
  { weight: 7, arbitrary: minutes(60, 900).map((m) => ({ after: m })) },
  { weight: 3, arbitrary: minutes(1, 600).map((m) => ({ before: m })) },
  { weight: 2, arbitrary: arbitraries.extremeTimes().map((t) => ({ instant: t })) },
  { weight: 2, arbitrary: fc.constant({ omitted: true as const }) },
  { weight: 1, arbitrary: fc.constantFrom(null, {}, '9', true).map((v) => ({ instant: v })) },
);

/** The time a read is asked about: as a call's, or more often an extreme one. */
const readTime: fc.Arbitrary<When> = fc.oneof(
  { weight: 3, arbitrary: callTime },
  { weight: 1, arbitrary: arbitraries.extremeTimes().map((t) => ({ instant: t })) },
);

/** An upload time, relative to the call's. */
const uploadTime: fc.Arbitrary<When> = fc.oneof(
  { weight: 92, arbitrary: minutes(0, 600).map((m) => ({ before: m })) },
  { weight: 2, arbitrary: minutes(1, 30).map((m) => ({ after: m })) },
  { weight: 5, arbitrary: arbitraries.extremeTimes().map((t) => ({ instant: t })) },
  { weight: 1, arbitrary: fc.constant({ omitted: true as const }) },
);

/** A ship-by or pickup time, relative to the call's. */
const dueTime: fc.Arbitrary<When> = fc.oneof(
  { weight: 80, arbitrary: minutes(30, 3000).map((m) => ({ after: m })) },
  { weight: 15, arbitrary: arbitraries.extremeTimes().map((t) => ({ instant: t })) },
  { weight: 5, arbitrary: minutes(10, 100).map((m) => ({ before: m })) },
);

const rushes: fc.Arbitrary<unknown> = fc.oneof(
  {
    weight: 30,
    arbitrary: fc.record({
      urgency: fc.constantFrom('immediate', 'half-day', 'same-day', 'next-day'),
      cause: fc.constant('client'),
    }),
  },
  {
    weight: 8,
    arbitrary: fc.record({
      cause: fc.constantFrom('missing', 'damaged', 'rework'),
      reason: fc.constantFrom('colour cast', 'bent corner'),
      responsible: arbitraries.hostileIds(),
    }),
  },
  {
    weight: 7,
    arbitrary: fc.constantFrom<unknown>(
      { cause: 'client' },
      { urgency: 'yesterday', cause: 'client' },
      { urgency: 'immediate', cause: 'client', colour: 'red' },
      'rush',
      null,
    ),
  },
);

const spoils: fc.Arbitrary<OrderPlan['spoil']> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .constantFrom('id', 'clientId', 'tier', 'product', 'quantity', 'uploadedAt')
      .map((drop) => ({ drop })),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      set: fc.constantFrom('id', 'clientId', 'tier', 'quantity', 'uploadedAt', 'rush', 'shipBy'),
      value: fc.constantFrom<unknown>(null, {}, [], '7', true, -1),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      { set: 'colour', value: 'red' },
      { set: '__proto__', value: { polluted: true } },
      { set: 'constructor', value: { prototype: { polluted: true } } },
    ),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom<unknown>(null, 42, 'order', [], {}).map((whole) => ({ whole })),
  },
);

function orderPlans(products: string[], lineIds: string[]): fc.Arbitrary<OrderPlan> {
  return fc
    .record({
      id: fc.oneof(
        { weight: 40, arbitrary: arbitraries.hostileIds() },
        { weight: 58, arbitrary: fc.integer({ min: 0, max: 1_000_000 }).map((n) => `o${n}`) },
        { weight: 2, arbitrary: fc.constant('') },
      ),
      clientId: fc.oneof(
        // Few clients, so that some rush habitually.
        { weight: 67, arbitrary: fc.constantFrom(...arbitraries.HOSTILE_IDS.slice(0, 3)) },
        { weight: 30, arbitrary: arbitraries.hostileIds() },
        { weight: 3, arbitrary: fc.constantFrom<unknown>('', 7) },
      ),
      tier: fc.oneof(
        { weight: 95, arbitrary: fc.constantFrom('key', 'special', 'regular') },
        { weight: 5, arbitrary: fc.constantFrom<unknown>('gold', 1) },
      ),
      product: fc.oneof(
        { weight: 94, arbitrary: fc.constantFrom(...products) },
        { weight: 6, arbitrary: fc.oneof(arbitraries.hostileIds(), fc.constant('')) },
      ),
      quantity: fc.oneof(
        { weight: 85, arbitrary: fc.integer({ min: 1, max: 20 }) },
        { weight: 15, arbitrary: arbitraries.extremeQuantities() },
      ),
      uploaded: uploadTime,
      due: sometimes(
        12,
        fc.record({
          field: fc.constantFrom('shipBy' as const, 'pickupAt' as const),
          when: dueTime,
        }),
      ),
      rush: sometimes(60, rushes),
      line: sometimes(5, fc.oneof(fc.constantFrom(...lineIds), arbitraries.hostileIds())),
      spoil: sometimes(8, spoils),
    })
    .map((o) => {
      // Optional parts left out rather than undefined, so a counterexample prints short.
      const out: OrderPlan = { ...o };
      for (const k of ['due', 'rush', 'line', 'spoil'] as const)
        if (out[k] === undefined) delete out[k];
      return out;
    });
}

const lineRefs: fc.Arbitrary<LineRef> = fc.oneof(
  { weight: 9, arbitrary: fc.nat(5).map((index) => ({ index })) },
  {
    weight: 1,
    arbitrary: fc
      .oneof(arbitraries.hostileIds(), fc.constantFrom<unknown>('', 3, null))
      .map((id) => ({ id })),
  },
);

const orderRefs: fc.Arbitrary<OrderRef> = fc.oneof(
  { weight: 5, arbitrary: fc.nat(5).map((inProduction) => ({ inProduction })) },
  { weight: 4, arbitrary: fc.nat(60).map((known) => ({ known })) },
  {
    weight: 1,
    arbitrary: fc
      .oneof(arbitraries.hostileIds(), fc.constantFrom<unknown>('', 3, null))
      .map((id) => ({ id })),
  },
);

function productsOf(config: SchedulerConfig): { products: string[]; lineIds: string[] } {
  const lines = (config.lines ?? (defaultLines as LineSpec[])) as LineSpec[];
  return {
    products: [...new Set(lines.flatMap((l) => l.products))],
    lineIds: lines.map((l) => l.id),
  };
}

function callsFor(config: SchedulerConfig): fc.Arbitrary<HostileCall>[] {
  const { products, lineIds } = productsOf(config);
  const order = orderPlans(products, lineIds);
  const submit = fc.record({ call: fc.constant('submit' as const), at: callTime, order });
  const batch = fc.record({
    call: fc.constant('submitBatch' as const),
    at: callTime,
    orders: fc.oneof(
      { weight: 9, arbitrary: fc.array(order, { minLength: 1, maxLength: 4 }) },
      {
        weight: 1,
        arbitrary: fc.constantFrom<unknown>(null, {}, 'orders').map((whole) => ({ whole })),
      },
    ),
  });
  const next = fc.record({ call: fc.constant('next' as const), at: callTime, line: lineRefs });
  const complete = fc.record({
    call: fc.constant('complete' as const),
    at: callTime,
    order: orderRefs,
  });
  const capacity = fc.record({
    call: fc.constant('setCapacity' as const),
    at: callTime,
    line: lineRefs,
    rate: fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(0.25, 0.5, 1, 2).map((factor) => ({ factor })) },
      { weight: 2, arbitrary: arbitraries.extremeRates().map((value) => ({ value })) },
      // A line down (issue 18, item 5).
      { weight: 1, arbitrary: fc.constant({ value: 0 }) },
    ),
  });
  const optional = <T>(a: fc.Arbitrary<T>) => sometimes(50, a);
  const plan = fc
    .record({
      call: fc.constant('plan' as const),
      line: optional(lineRefs),
      at: optional(readTime),
    })
    .map(dropUndefined);
  const explain = fc.record({ call: fc.constant('explain' as const), order: orderRefs });
  const overdue = fc
    .record({ call: fc.constant('overdueRework' as const), at: optional(readTime) })
    .map(dropUndefined);
  const index = optional(fc.integer({ min: -3, max: 6 }));
  const registers = fc
    .record({ call: fc.constant('registers' as const), from: index, to: index })
    .map(dropUndefined);
  const weighted = (weight: number, arbitrary: fc.Arbitrary<HostileCall>) => ({
    weight,
    arbitrary,
  });
  return [
    fc.oneof(
      weighted(30, submit),
      weighted(6, batch as fc.Arbitrary<HostileCall>),
      weighted(18, next),
      weighted(13, complete),
      weighted(8, capacity),
      weighted(5, plan as fc.Arbitrary<HostileCall>),
      weighted(6, explain),
      weighted(3, overdue as fc.Arbitrary<HostileCall>),
      weighted(3, registers as fc.Arbitrary<HostileCall>),
    ),
  ];
}

function dropUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/**
 * A policy whose JSON names `__proto__`: laying it over the default policy must not reach
 * `Object.prototype`.
 */
const pollutingPolicy = JSON.parse(
  '{"rush":{"frequentRushCount":2,"tightLoad":0.6,"__proto__":{"polluted":true}},"__proto__":{"polluted":true}}',
);

/** Labs: the busy lab, the default one, labs named with hostile strings (valid or not), a polluting policy. */
const configs: fc.Arbitrary<SchedulerConfig> = fc.oneof(
  { weight: 6, arbitrary: fc.constant(busyLab) },
  { weight: 1, arbitrary: fc.constant({}) },
  { weight: 4, arbitrary: arbitraries.hostileConfigs({ valid: true }) },
  { weight: 1, arbitrary: arbitraries.hostileConfigs() },
  { weight: 1, arbitrary: fc.constant({ ...busyLab, policy: pollutingPolicy }) },
);

/** Where a program's first call is made from: the stream start, or the first or last days of the window. */
const starts = fc.oneof(
  { weight: 8, arbitrary: fc.constant(arbitraries.STREAM_START) },
  { weight: 1, arbitrary: fc.constant(Date.UTC(2000, 0, 3, 1)) },
  { weight: 1, arbitrary: fc.constant(Date.UTC(2199, 11, 20, 1)) },
);

/** Hostile programs of up to `maxCalls` calls. */
export function hostilePrograms(maxCalls = 80): fc.Arbitrary<HostileProgram> {
  return fc
    .record({ config: configs, start: starts })
    .chain(({ config, start }) =>
      fc
        .array(fc.oneof(...callsFor(config)), { minLength: 1, maxLength: maxCalls, size: 'max' })
        .map((calls) => ({ config, start, calls })),
    );
}

// ---------------------------------------------------------------- running

/** What a run did; the bench prints it. */
export interface Tally {
  programs: number;
  /** Programs whose lab `createScheduler` refused with `ValidationError`. */
  labsRefused: number;
  calls: number;
  completed: number;
  validationErrors: number;
  /** Calls that threw anything but `ValidationError`. */
  otherErrors: number;
  /** Reads of the answers (plans, explanations, registers) that threw anything but `ValidationError`. */
  readErrors: number;
  /** Snapshot → restore → same answers, and original and restored copy given the same call. */
  comparisons: number;
  mismatches: number;
  /** Times the state changed under a call that threw. */
  stateChanged: number;
  /** Times `Object.prototype` was found changed. */
  prototypeChanged: number;
  /** Per kind of call: completed, `ValidationError`, other. */
  byCall: Record<string, { completed: number; validation: number; other: number }>;
  /**
   * Hostile ids on orders decided: `order <id>`, `client <id>`, and `rush of <id>` for a client
   * whose rush was accepted (its rush history is then part of every state restored after); and
   * the rush rules that decided.
   */
  hostileSubmitted: Set<string>;
  rules: Set<string>;
  /** Why calls were refused: the call and its issues' paths, and how often. */
  refusals: Map<string, number>;
}

export function newTally(): Tally {
  return {
    programs: 0,
    labsRefused: 0,
    calls: 0,
    completed: 0,
    validationErrors: 0,
    otherErrors: 0,
    readErrors: 0,
    comparisons: 0,
    mismatches: 0,
    stateChanged: 0,
    prototypeChanged: 0,
    byCall: Object.fromEntries(
      CALL_KINDS.map((k) => [k, { completed: 0, validation: 0, other: 0 }]),
    ),
    hostileSubmitted: new Set(),
    rules: new Set(),
    refusals: new Map(),
  };
}

type Attempt<T> = { ok: true; value: T } | { ok: false; error: unknown };

function attempt<T>(f: () => T): Attempt<T> {
  try {
    return { ok: true, value: f() };
  } catch (error) {
    return { ok: false, error };
  }
}

function errorText(e: unknown): string {
  return e instanceof Error ? `${e.constructor.name}: ${e.message}` : `thrown ${String(e)}`;
}

/**
 * JSON with every object's keys sorted, built by hand: an own `__proto__` key is read and
 * written as the data it is, never as the prototype. Undefined values are left out, as
 * `JSON.stringify` does.
 */
function canonical(x: unknown): string {
  if (Array.isArray(x))
    return `[${x.map((v) => (v === undefined ? 'null' : canonical(v))).join(',')}]`;
  if (x !== null && typeof x === 'object') {
    const parts: string[] = [];
    for (const k of Object.keys(x).sort()) {
      const v = (x as Record<string, unknown>)[k];
      if (v !== undefined) parts.push(`${JSON.stringify(k)}:${canonical(v)}`);
    }
    return `{${parts.join(',')}}`;
  }
  return JSON.stringify(x) ?? 'undefined';
}

function outcomeText(r: Attempt<unknown>): string {
  return r.ok ? canonical(r.value) : errorText(r.error);
}

/** Everything the engine answers about its state, part by part. */
function answers(s: Scheduler, known: readonly string[]): Record<string, () => unknown> {
  return {
    plan: () => s.plan(),
    explain: () => known.map((id) => s.explain(id)),
    rushRegister: () => s.rushRegister(),
    reworkRegister: () => s.reworkRegister(),
    overdueRework: () => s.overdueRework(),
    atRiskLog: () => s.atRiskLog(),
    atRisk: () => s.atRisk(),
    lines: () => s.lineIds().map((id) => s.lineStatus(id)),
    snapshot: () => s.snapshot(),
  };
}

/** The first difference of two texts, with some context. */
function firstDifference(a: string, b: string): string {
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  const from = Math.max(0, i - 60);
  return `original …${a.slice(from, i + 80)}… restored …${b.slice(from, i + 80)}…`;
}

type PropertyState = [string | symbol, PropertyDescriptor][];

function prototypeState(): PropertyState {
  return Reflect.ownKeys(Object.prototype).map((k) => [
    k,
    Object.getOwnPropertyDescriptor(Object.prototype, k) as PropertyDescriptor,
  ]);
}

/** What changed on `Object.prototype` since `before`; puts it back, so later runs are not polluted. */
function prototypeChanges(before: PropertyState): string[] {
  const was = new Map(before);
  const out: string[] = [];
  for (const k of Reflect.ownKeys(Object.prototype)) {
    const d = Object.getOwnPropertyDescriptor(Object.prototype, k) as PropertyDescriptor;
    const old = was.get(k);
    if (!old) {
      out.push(`new own property ${String(k)}`);
      delete (Object.prototype as Record<string | symbol, unknown>)[k];
    } else if (
      old.value !== d.value ||
      old.get !== d.get ||
      old.set !== d.set ||
      old.writable !== d.writable ||
      old.enumerable !== d.enumerable ||
      old.configurable !== d.configurable
    ) {
      out.push(`changed own property ${String(k)}`);
      Object.defineProperty(Object.prototype, k, old);
    }
  }
  return out;
}

function timeOf(w: When | undefined, base: number): unknown {
  if (w === undefined || 'omitted' in w) return undefined;
  if ('after' in w) return base + w.after * MINUTE;
  if ('before' in w) return base - w.before * MINUTE;
  return w.instant;
}

/** A time as epoch ms, for times relative to it; the engine's last time when it is none. */
function msOf(t: unknown, fallback: number): number {
  const ms = typeof t === 'number' ? t : typeof t === 'string' ? Date.parse(t) : Number.NaN;
  return Number.isInteger(ms) ? ms : fallback;
}

function setOwn(o: object, key: string, value: unknown) {
  Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
}

/** A fresh order object from its plan (each scheduler is given its own). */
function buildOrder(p: OrderPlan, at: number): unknown {
  if (p.spoil && 'whole' in p.spoil) return p.spoil.whole;
  const o: Record<string, unknown> = {
    id: p.id,
    clientId: p.clientId,
    tier: p.tier,
    product: p.product,
    quantity: p.quantity,
  };
  const uploadedAt = timeOf(p.uploaded, at);
  if (uploadedAt !== undefined) o.uploadedAt = uploadedAt;
  if (p.due) o[p.due.field] = timeOf(p.due.when, at);
  if (p.rush !== undefined) o.rush = structuredClone(p.rush);
  if (p.line !== undefined) o.line = p.line;
  if (p.spoil && 'drop' in p.spoil) delete o[p.spoil.drop];
  if (p.spoil && 'set' in p.spoil) setOwn(o, p.spoil.set, structuredClone(p.spoil.value));
  return o;
}

/**
 * The call, bound to what it refers to in the original's state (line ids, the order in
 * production, submitted orders), ready to be made on the original and on its restored copy.
 */
function bind(
  c: HostileCall,
  s: Scheduler,
  now: number,
  known: readonly string[],
): (on: Scheduler) => unknown {
  const lineIds = s.lineIds();
  const line = (r: LineRef) =>
    'index' in r ? (lineIds[r.index % lineIds.length] as string) : (r.id as string);
  const orderId = (r: OrderRef): string => {
    if ('id' in r) return r.id as string;
    if ('inProduction' in r) {
      const busy = s.lineStatus(lineIds[r.inProduction % lineIds.length] as string).inProduction;
      if (busy !== undefined) return busy;
    }
    const k = 'known' in r ? r.known : r.inProduction;
    return known.length > 0 ? (known[k % known.length] as string) : 'none';
  };
  const at = 'at' in c ? timeOf(c.at, now) : undefined;
  const base = msOf(at, now);
  const T = at as number;
  switch (c.call) {
    case 'submit':
      return (on) => on.submit(buildOrder(c.order, base) as never, T);
    case 'submitBatch':
      return (on) =>
        on.submitBatch(
          ('whole' in c.orders
            ? c.orders.whole
            : c.orders.map((o) => buildOrder(o, base))) as never,
          T,
        );
    case 'next': {
      const l = line(c.line);
      return (on) => on.next(l, T);
    }
    case 'complete': {
      const id = orderId(c.order);
      return (on) => on.complete(id, T);
    }
    case 'setCapacity': {
      const l = line(c.line);
      // A line that is down (capacity 0) comes back at 10 units an hour times the factor.
      const current = (lineIds.includes(l) ? s.lineStatus(l).unitsPerHour : 10) || 10;
      const rate = 'factor' in c.rate ? current * c.rate.factor : c.rate.value;
      return (on) => on.setCapacity(l, rate, T);
    }
    case 'plan': {
      const l = c.line === undefined ? undefined : line(c.line);
      return (on) => on.plan(l, T);
    }
    case 'explain': {
      const id = orderId(c.order);
      return (on) => on.explain(id);
    }
    case 'overdueRework':
      return (on) => on.overdueRework(T);
    case 'registers':
      return (on) => ({
        rush: on.rushRegister(c.from, c.to),
        rework: on.reworkRegister(c.from, c.to),
        sizes: on.registerSizes(),
      });
  }
}

const HOSTILE = new Set(arbitraries.HOSTILE_IDS);

function noteDecisions(t: Tally, value: unknown, order: unknown) {
  const decisions = (Array.isArray(value) ? value : [value]) as {
    outcome: string;
    reasons: { rule: string }[];
  }[];
  const orders = (Array.isArray(order) ? order : [order]) as { id: unknown; clientId: unknown }[];
  decisions.forEach((d, i) => {
    for (const r of d.reasons) t.rules.add(r.rule);
    const o = orders[i] as { id: unknown; clientId: unknown };
    if (HOSTILE.has(o.id as string)) t.hostileSubmitted.add(`order ${String(o.id)}`);
    if (HOSTILE.has(o.clientId as string)) {
      t.hostileSubmitted.add(`client ${String(o.clientId)}`);
      if (d.outcome === 'rush-accepted') t.hostileSubmitted.add(`rush of ${String(o.clientId)}`);
    }
  });
}

/** Options of `runHostile`. */
export interface RunOptions {
  /** Stop at the first violation (a property wants the shortest counterexample). @default false */
  stopAtFirst?: boolean;
}

/**
 * Plays a program on a fresh scheduler, counting into `tally`. Returns the violations, each a
 * sentence naming the call; empty when every invariant held after every call.
 */
export function runHostile(p: HostileProgram, tally: Tally, options: RunOptions = {}): string[] {
  const violations: string[] = [];
  const protoBefore = prototypeState();
  const protoCheck = (where: string) => {
    const changes = prototypeChanges(protoBefore);
    if (changes.length > 0) {
      tally.prototypeChanged++;
      violations.push(`${where}: Object.prototype changed: ${changes.join(', ')}`);
    }
  };
  tally.programs++;
  const created = attempt(() => createScheduler(p.config));
  protoCheck('createScheduler');
  if (!created.ok) {
    if (created.error instanceof ValidationError) tally.labsRefused++;
    else violations.push(`createScheduler threw ${errorText(created.error)}`);
    return violations;
  }
  const s = created.value;
  /** A copy restored once the state holds an order, and given every call since. */
  let twin: { s: Scheduler; from: number } | undefined;
  for (const [i, c] of p.calls.entries()) {
    if (options.stopAtFirst && violations.length > 0) break;
    const where = `call ${i} ${c.call}`;
    const taken = attempt(() => JSON.stringify(s.snapshot()));
    if (!taken.ok) {
      tally.readErrors++;
      violations.push(`${where}: snapshot() threw ${errorText(taken.error)}`);
      break;
    }
    const before = taken.value;
    const snap = JSON.parse(before) as Snapshot;
    const now = Math.max(p.start, snap.lastTime ?? p.start);
    const known = snap.orders.map((o) => o.order.id);

    // §7.8: the snapshot restored answers as the original does.
    const restored = attempt(() => restoreScheduler(JSON.parse(before)));
    const copy = restored.ok ? restored.value : undefined;
    if (copy && !twin && known.length > 0) {
      const t = attempt(() => restoreScheduler(JSON.parse(before)));
      if (t.ok) twin = { s: t.value, from: i };
    }
    if (!restored.ok) {
      tally.mismatches++;
      violations.push(
        `before ${where}: the snapshot does not restore: ${errorText(restored.error)}`,
      );
    } else {
      tally.comparisons++;
      const mine = answers(s, known);
      const theirs = answers(restored.value, known);
      for (const part of Object.keys(mine)) {
        const a = attempt(mine[part] as () => unknown);
        const b = attempt(theirs[part] as () => unknown);
        if (!a.ok && !(a.error instanceof ValidationError)) {
          tally.readErrors++;
          violations.push(`before ${where}: ${part} threw ${errorText(a.error)}`);
          continue;
        }
        const ta = outcomeText(a);
        const tb = outcomeText(b);
        if (ta !== tb) {
          tally.mismatches++;
          violations.push(
            `before ${where}: ${part} differs after restore: ${firstDifference(ta, tb)}`,
          );
        }
      }
    }

    // §7.9: whole, or ValidationError and nothing changed.
    const bound = attempt(() => bind(c, s, now, known));
    if (!bound.ok) {
      tally.readErrors++;
      violations.push(
        `${where}: reading the state to make the call threw ${errorText(bound.error)}`,
      );
      break;
    }
    tally.calls++;
    const counts = tally.byCall[c.call] as Tally['byCall'][string];
    const r = attempt(() => bound.value(s));
    if (r.ok) {
      tally.completed++;
      counts.completed++;
      if (c.call === 'submit' || c.call === 'submitBatch')
        noteDecisions(
          tally,
          r.value,
          c.call === 'submit'
            ? { id: c.order.id, clientId: c.order.clientId }
            : 'whole' in c.orders
              ? []
              : c.orders.map((o) => ({ id: o.id, clientId: o.clientId })),
        );
    } else if (r.error instanceof ValidationError) {
      tally.validationErrors++;
      counts.validation++;
      const paths = r.error.issues.map((x) => x.path.replace(/^orders\.\d+\./, ''));
      const why = `${c.call}: ${[...new Set(paths)].join(', ') || '(the whole input)'}`;
      tally.refusals.set(why, (tally.refusals.get(why) ?? 0) + 1);
      const after = attempt(() => JSON.stringify(s.snapshot()));
      if (!after.ok || after.value !== before) {
        tally.stateChanged++;
        violations.push(
          `${where} threw ValidationError (${r.error.message}) and changed the state: ${
            after.ok ? firstDifference(before, after.value) : errorText(after.error)
          }`,
        );
      }
    } else {
      tally.otherErrors++;
      counts.other++;
      violations.push(`${where} threw ${errorText(r.error)}, not ValidationError`);
    }
    protoCheck(where);

    // §7.8: the restored copy, given the same call, answers the same.
    if (copy) {
      tally.comparisons++;
      const rc = attempt(() => bound.value(copy));
      protoCheck(`${where} on the restored copy`);
      const ta = outcomeText(r);
      const tb = outcomeText(rc);
      if (ta !== tb) {
        tally.mismatches++;
        violations.push(
          `${where}: the restored copy answers differently: ${firstDifference(ta, tb)}`,
        );
      }
    }
    // §7.8 over many calls: a copy restored once and driven on with every call since.
    if (twin) {
      tally.comparisons++;
      const driven = twin.s;
      const rt = attempt(() => bound.value(driven));
      protoCheck(`${where} on the copy restored before call ${twin.from}`);
      const ta = outcomeText(r);
      const tt = outcomeText(rt);
      if (ta !== tt) {
        tally.mismatches++;
        violations.push(
          `${where}: a copy restored before call ${twin.from} and driven on since answers differently: ${firstDifference(ta, tt)}`,
        );
        twin = undefined;
      }
    }
  }
  return violations;
}
