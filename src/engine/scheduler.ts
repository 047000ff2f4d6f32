/**
 * The `Scheduler`: the engine a lab's order-intake service embeds. It validates every call at
 * the boundary, then works on integers: epoch milliseconds, tier ranks and working-time
 * coordinates. It never reads the wall clock; the caller gives the time.
 *
 * The atomicity rule: a state-changing call either completes or leaves the state exactly as it
 * was. It first validates everything it was given, the times its decision will give included,
 * and only then changes anything, so a call that throws `ValidationError` leaves the engine as
 * it was. Should anything else escape while the state changes (a bug), the instance is
 * poisoned: it refuses every later call (`SchedulerPoisonedError`) rather than answer from a
 * half-changed state.
 */
import { z } from 'zod';
import { TIER_RANK, URGENCY_RANK } from '../domain/defaults.js';
import { thrownText, ValidationError, type ValidationIssue } from '../domain/errors.js';
import { fastHandover } from '../domain/fast-handover.js';
import { fastOrder } from '../domain/fast-order.js';
import { MAX_UNITS_PER_HOUR, MIN_UNITS_PER_HOUR } from '../domain/limits.js';
import {
  amendSchema,
  check,
  handoverSchema,
  orderSchema,
  rangeProblem,
  tierSchema,
  UNITS_PER_HOUR,
} from '../domain/schemas.js';
import { callTime, readTime } from '../domain/time-input.js';
import type {
  AtRiskReport,
  ClientChange,
  ClientSpec,
  Completion,
  Decision,
  DeliveryRecord,
  DeliveryRegisterOptions,
  Explanation,
  Handover,
  NormalizedOrder,
  Order,
  OrderChange,
  OrderChanges,
  OrderStatus,
  PlanEntry,
  Reason,
  ReworkRecord,
  RushRecord,
  StartedOrder,
  Tier,
  TimeInput,
  Urgency,
} from '../domain/types.js';
import { exceedsQuota } from '../policy/gates.js';
import type { WorkingCalendar } from '../time/calendar.js';
import { MAX_DECIDED_MS, MS_PER_HOUR } from '../time/units.js';
import { deliveryHandedOut, handedOut } from './_internal/handed-out.js';
import { type AlarmKind, Alarms } from './alarms.js';
import { type ResolvedConfig, resolveConfig, type SchedulerConfig } from './config.js';
import { Decider } from './decide.js';
import {
  EVENT_TYPES,
  EventHub,
  type SchedulerEventType,
  type SchedulerListener,
} from './events.js';
import type { Line } from './line.js';
import { decisionOf, rushRecordOf } from './reasons.js';
import type { OrderRecord } from './records.js';
import { loadSnapshot, snapshotCut, toSnapshot } from './snapshot.js';
import type { Snapshot } from './snapshot-format.js';
import { EngineState } from './state.js';

/**
 * Thrown by a call during which an error the engine did not expect escaped while it changed the
 * state, and by every later call of that instance: its state may be half-changed, so it answers
 * nothing more. Restore the scheduler from the last snapshot (`restoreScheduler`). `cause` is
 * the error that escaped.
 */
export class SchedulerPoisonedError extends Error {
  override readonly name = 'SchedulerPoisonedError';

  constructor(
    /** The call during which the error escaped. */
    readonly call: string,
    cause: unknown,
  ) {
    super(
      `this scheduler refused further calls after an internal error in ${call}: ${thrownText(cause)}; restore it from the last snapshot`,
      { cause },
    );
  }
}

/** The engine. Build one with `createScheduler` or `restoreScheduler`. */
/** The events an alarm tells, and the alarm of each. */
const ALARM_OF: Partial<Record<SchedulerEventType, AlarmKind>> = {
  late: 'late',
  'rework-overdue': 'rework',
};

export class Scheduler {
  private readonly st: EngineState;
  private readonly decider: Decider;
  private readonly clock: (() => TimeInput) | undefined;
  /** Set when an unexpected error escaped a state-changing call: every later call is refused. */
  private failure: SchedulerPoisonedError | undefined;
  /** The listeners, and the events of the call in progress waiting for its change to complete. */
  private readonly hub = new EventHub();
  /**
   * The pending alarms: a `late` one at the promise of every queued or in-production order, a
   * `rework` one at the deadline of every open rework entry, each not yet passed by time.
   */
  private readonly alarms = new Alarms();
  /** At-risk reports before this index of the risk log have been told (`'at-risk'` events). */
  private riskTold = 0;
  /** Rework entries before this index of the rework register have their alarm armed. */
  private reworkArmed = 0;

  /** @internal Use `createScheduler`. */
  constructor(config: ResolvedConfig) {
    const { clock, ...rest } = config;
    this.clock = clock;
    this.st = new EngineState(rest);
    this.decider = new Decider(this.st);
  }

  /** The configuration in force, with every default filled in (line capacities as configured at creation). */
  get config(): Readonly<Omit<ResolvedConfig, 'clock'>> {
    return this.st.config;
  }

  /** The lab's working calendar, for converting times the way the engine does. */
  get calendar(): WorkingCalendar {
    return this.st.calendar;
  }

  // ------------------------------------------------------------------ public API

  /**
   * Submits one order: decides its rush request if it has one, gives it a promise the line can
   * keep, and queues it. Returns the decision with its reasons.
   */
  submit(order: Order, at?: TimeInput): Decision {
    this.usable();
    const now = this.timeOf(at);
    const issues: ValidationIssue[] = [];
    const parsed = this.validateOne(order, now, NO_PATH, issues, undefined);
    if (parsed === undefined || issues.length > 0) throw new ValidationError(issues, 'submit');
    const cnow = this.st.calendar.coord(now);
    const line = this.decider.lineFor(parsed, cnow);
    if (!this.decider.fitsWindow(parsed, line, cnow))
      throw new ValidationError([this.pastWindow(parsed, line, NO_PATH)], 'submit');
    let decision: Decision;
    try {
      this.commitTime(now);
      decision = this.decider.decide(parsed, now, line);
      this.decided(decision);
    } catch (e) {
      throw this.poison('submit', e);
    }
    return this.settle(decision);
  }

  /**
   * Submits a batch (the morning intake). Rush requests are decided most urgent first
   * (company-caused, urgency, tier, fewer recent rushes, smaller quantity, upload time, id), then
   * the other orders by upload time, so the order of the input never decides. Decisions come
   * back in the input's order. Either every order is valid and all are decided, or the call
   * throws and nothing changed.
   */
  submitBatch(orders: Order[], at?: TimeInput): Decision[] {
    this.usable();
    const now = this.timeOf(at);
    if (!Array.isArray(orders)) {
      throw new ValidationError(
        [{ path: 'orders', message: `expected an array of orders, received ${typeof orders}` }],
        'submitBatch',
      );
    }
    const parsed = this.validateOrders(orders, now, 'submitBatch', ['orders']);
    const recent = (clientId: string) => this.st.recentRushes(clientId, now);
    const indexed = parsed.map((order, index) => ({ order, index }));
    const rushes = indexed.filter((x) => x.order.rush !== undefined);
    const plain = indexed.filter((x) => x.order.rush === undefined);
    rushes.sort((a, b) => {
      const ra = a.order.rush as NonNullable<NormalizedOrder['rush']>;
      const rb = b.order.rush as NonNullable<NormalizedOrder['rush']>;
      const ca = ra.cause === 'client' ? 1 : 0;
      const cb = rb.cause === 'client' ? 1 : 0;
      if (ca !== cb) return ca - cb;
      const ua = ca === 0 ? -1 : URGENCY_RANK[ra.urgency as Urgency];
      const ub = cb === 0 ? -1 : URGENCY_RANK[rb.urgency as Urgency];
      if (ua !== ub) return ua - ub;
      const ta = TIER_RANK[a.order.tier];
      const tb = TIER_RANK[b.order.tier];
      if (ta !== tb) return ta - tb;
      const na = recent(a.order.clientId);
      const nb = recent(b.order.clientId);
      if (na !== nb) return na - nb;
      if (a.order.quantity !== b.order.quantity) return a.order.quantity - b.order.quantity;
      return byUpload(a.order, b.order);
    });
    plain.sort((a, b) => byUpload(a.order, b.order));
    const sequence = [...rushes, ...plain];
    // Every order's line and window, in decision order, before anything changes: each order
    // goes after the work of the batch's orders decided before it.
    const cnow = this.st.calendar.coord(now);
    const pending = new Map<Line, number>();
    const lines: Line[] = new Array(parsed.length);
    const late: boolean[] = new Array(parsed.length).fill(false);
    for (const { order, index } of sequence) {
      const line = this.decider.lineFor(order, cnow, pending);
      late[index] = !this.decider.fitsWindow(order, line, cnow, pending);
      pending.set(line, (pending.get(line) ?? 0) + line.workFor(this.decider.unitsOf(order)));
      lines[index] = line;
    }
    if (late.includes(true)) {
      const issues = parsed.flatMap((order, i) =>
        late[i] ? [this.pastWindow(order, lines[i] as Line, ['orders', i])] : [],
      );
      throw new ValidationError(issues, 'submitBatch');
    }
    const out: Decision[] = new Array(parsed.length);
    try {
      this.commitTime(now);
      for (const { order, index } of sequence) {
        const decision = this.decider.decide(order, now, lines[index] as Line);
        this.decided(decision);
        // Many answers live as long as the call: handed out as copies (`_internal/handed-out.ts`).
        out[index] = handedOut(decision);
      }
    } catch (e) {
      throw this.poison('submitBatch', e);
    }
    return this.settle(out);
  }

  /**
   * Starts the next order on a line, if any, and returns it. The line must be free: a line
   * still making an order is a `ValidationError`.
   */
  next(lineId: string, at?: TimeInput): StartedOrder | undefined {
    this.usable();
    const now = this.timeOf(at);
    const line = this.lineOf(lineId, 'next');
    if (line.busy) {
      throw new ValidationError(
        [
          {
            path: 'lineId',
            message: `line '${lineId}' is still making order '${line.busy.order.id}'; complete it first`,
          },
        ],
        'next',
      );
    }
    let rec: OrderRecord | undefined;
    try {
      this.commitTime(now);
      // A line that is down starts nothing: its queue waits for its capacity to return.
      if (line.down) return this.settle(undefined);
      rec = line.dequeue();
      if (!rec) return this.settle(undefined);
      // Within the calendar: the line's work never ends after MAX_DECIDED_MS as decided, and
      // started later it ends within the calendar's window (see CALENDAR_END_MS).
      const finish = line.start(rec, this.st.calendar.coord(now));
      rec.status = 'in-production';
      rec.startedAt = now;
      rec.expectedFinish = this.st.calendar.timeAt(finish);
    } catch (e) {
      throw this.poison('next', e);
    }
    const started: StartedOrder = {
      orderId: rec.order.id,
      line: line.id,
      startedAt: now,
      expectedFinish: rec.expectedFinish,
      promisedBy: rec.promisedBy,
      // The caller's own copy: changing it must not change the engine's order.
      order: rec.order.rush ? { ...rec.order, rush: { ...rec.order.rush } } : { ...rec.order },
    };
    if (this.hub.wants('started'))
      this.hub.emit({
        type: 'started',
        at: now,
        orderId: started.orderId,
        started: structuredClone(started),
      });
    return this.settle(started);
  }

  /** Marks the order in production as finished, and closes its rework entry if it has one. */
  complete(orderId: string, at?: TimeInput): Completion {
    this.usable();
    const now = this.timeOf(at);
    const rec = typeof orderId === 'string' ? this.inProduction(orderId) : undefined;
    if (rec?.status !== 'in-production') {
      const state = rec ? `is ${rec.status}` : 'is unknown';
      throw new ValidationError(
        [
          {
            path: 'orderId',
            message: `must be an order in production; '${String(orderId)}' ${state}`,
          },
        ],
        'complete',
      );
    }
    try {
      // Time is committed, and delays detected, with the order still in production: freeing
      // the line moves no queued order's finish later, so nothing more can become late.
      this.commitTime(now);
      (this.st.lines.get(rec.line) as Line).finish();
      rec.status = 'finished';
      rec.finishedAt = now;
      this.st.settle(rec);
      this.alarms.disarm('late', orderId);
      if (rec.order.rush?.cause === 'rework') {
        const rework = this.st.reworkByOrder.get(orderId);
        if (rework && rework.closedAt === undefined) {
          rework.closedAt = now;
          this.alarms.disarm('rework', orderId);
        }
        this.st.reworkByOrder.delete(orderId);
      }
    } catch (e) {
      throw this.poison('complete', e);
    }
    const completion: Completion = {
      orderId,
      line: rec.line,
      startedAt: rec.startedAt as number,
      finishedAt: now,
      promisedBy: rec.promisedBy,
      late: now > rec.promisedBy,
    };
    if (this.hub.wants('finished'))
      this.hub.emit({ type: 'finished', at: now, orderId, completion: { ...completion } });
    return this.settle(completion);
  }

  /**
   * Changes a line's capacity from now on. Promises stand; returns, at once, the ids of every
   * order whose promise the change puts at risk (in production order). 0 takes the line down:
   * it makes nothing until a later `setCapacity` gives it a capacity again (docs/rules.md).
   */
  setCapacity(lineId: string, unitsPerHour: number, at?: TimeInput): string[] {
    this.usable();
    const now = this.timeOf(at);
    const line = this.lineOf(lineId, 'setCapacity');
    const problem = rangeProblem(
      unitsPerHour,
      MIN_UNITS_PER_HOUR,
      MAX_UNITS_PER_HOUR,
      UNITS_PER_HOUR,
    );
    // 0 is a line down (docs/rules.md, "A line down"); any other rate is within the limits.
    if (problem !== undefined && unitsPerHour !== 0)
      throw new ValidationError(
        [
          {
            path: 'unitsPerHour',
            message: `must be 0 (a line down) or ${problem.replace(/^must be /, '')}`,
          },
        ],
        'setCapacity',
      );
    const cnow = this.st.calendar.coord(now);
    if (unitsPerHour === 0) return this.settle(this.lineDown(line, now, cnow));
    // Slower, the line's work ends later; it must still end by MAX_DECIDED_MS, as when decided.
    // (A line down counts its work at the rate it had, so its return is checked at its new rate.)
    if (
      unitsPerHour < line.unitsPerHour &&
      !this.st.calendar.endsBy(line.endAt(cnow, unitsPerHour), MAX_DECIDED_MS)
    ) {
      throw new ValidationError(
        [
          {
            path: 'unitsPerHour',
            message: `would make the work queued on line '${line.id}' end after ${day(MAX_DECIDED_MS)}, the latest time a decision may give; received ${unitsPerHour}`,
          },
        ],
        'setCapacity',
      );
    }
    const atRisk: string[] = [];
    try {
      this.commitTime(now);
      line.setRate(unitsPerHour, cnow);
      if (line.busy) {
        line.busy.expectedFinish = this.st.calendar.timeAt(line.busyFinish);
        if (line.busy.expectedFinish > line.busy.promisedBy && !line.busy.reportedAtRisk) {
          this.st.riskLog.report(line.busy, now, 'capacity-drop');
          atRisk.push(line.busy.order.id);
        }
      }
      for (const id of this.st.flagLate(line, now, 'capacity-drop')) atRisk.push(id);
    } catch (e) {
      throw this.poison('setCapacity', e);
    }
    return this.settle(atRisk);
  }

  /**
   * `setCapacity(line, 0)`: the line goes down. It makes nothing until its capacity returns, and
   * when that will be is not known, so every promise on it is at risk at once: the order in
   * production and every queued order not yet reported are reported, and their ids returned.
   */
  private lineDown(line: Line, now: number, cnow: number): string[] {
    const atRisk: string[] = [];
    try {
      this.commitTime(now);
      line.stop(cnow, now);
      const b = line.busy;
      if (b && !b.reportedAtRisk) {
        this.st.riskLog.report(b, now, 'capacity-drop');
        atRisk.push(b.order.id);
      }
      for (const id of this.st.flagDown(line, now)) atRisk.push(id);
    } catch (e) {
      throw this.poison('setCapacity', e);
    }
    return atRisk;
  }

  /**
   * Registers a client with its tier, or changes the tier it is registered with, from now on.
   * Every later order of the client must carry this tier (an order that says otherwise is
   * refused); orders already submitted keep the tier they were decided with.
   */
  setClient(clientId: string, change: { tier: Tier }, at?: TimeInput): ClientChange {
    this.usable();
    const now = this.timeOf(at);
    const issues: ValidationIssue[] = [];
    if (typeof clientId !== 'string' || clientId.length === 0)
      issues.push({
        path: 'clientId',
        message: `must be a non-empty client id, received ${JSON.stringify(clientId) ?? String(clientId)}`,
      });
    let tier: Tier | undefined;
    if (change === null || typeof change !== 'object' || Array.isArray(change)) {
      issues.push({
        path: 'change',
        message: `expected { tier }, received ${change === null ? 'null' : Array.isArray(change) ? 'an array' : typeof change}`,
      });
    } else {
      const r = check(CLIENT_CHANGE, change);
      if (r.ok) tier = r.value.tier;
      else issues.push(...r.issues);
    }
    if (issues.length > 0 || tier === undefined) throw new ValidationError(issues, 'setClient');
    const previous = this.st.clients.get(clientId);
    try {
      this.commitTime(now);
      this.st.clients.set(clientId, tier);
    } catch (e) {
      throw this.poison('setClient', e);
    }
    return this.settle({ clientId, tier, ...(previous !== undefined ? { previous } : {}) });
  }

  /**
   * Hands a finished order over to its client (发车登记): shipped or picked up. The order is
   * `'delivered'` from now on, and its entry is added to the delivery register. A hand-over short
   * of items (`shortItems > 0`) stays open for a company-caused `missing` rush that reissues
   * them: submit it with `rush: { cause: 'missing', forOrder: orderId }`.
   */
  deliver(orderId: string, handover: Handover, at?: TimeInput): DeliveryRecord {
    this.usable();
    const now = this.timeOf(at);
    const issues: ValidationIssue[] = [];
    const rec = typeof orderId === 'string' ? this.st.orders.get(orderId) : undefined;
    if (rec === undefined)
      issues.push({
        path: 'orderId',
        message: `must be a finished order; ${shownId(orderId)} ${this.notHeld()}`,
      });
    else if (rec.status === 'delivered')
      issues.push({
        path: 'orderId',
        message: `must be an order not yet delivered; '${orderId}' was delivered ${this.st.t((this.st.deliveryByOrder.get(orderId) as DeliveryRecord).deliveredAt)}`,
      });
    else if (rec.status !== 'finished')
      issues.push({
        path: 'orderId',
        message: `must be a finished order; '${orderId}' is ${rec.status}`,
      });
    // The common hand-over is checked without zod; anything else, by zod, which explains.
    let given: Handover | undefined = fastHandover(handover);
    if (given === undefined) {
      if (handover === null || typeof handover !== 'object' || Array.isArray(handover)) {
        issues.push({
          path: 'handover',
          message: `expected { via: 'ship' | 'pickup', reference?, shortItems? }, received ${handover === null ? 'null' : Array.isArray(handover) ? 'an array' : typeof handover}`,
        });
      } else {
        const r = check(handoverSchema, handover, ['handover']);
        if (r.ok) given = r.value;
        else issues.push(...r.issues);
      }
    }
    const shortItems = given?.shortItems ?? 0;
    if (rec !== undefined && given !== undefined && shortItems > rec.order.quantity)
      issues.push({
        path: 'handover.shortItems',
        message: `must be at most the order's quantity ${rec.order.quantity}, received ${shortItems}`,
      });
    if (issues.length > 0 || rec === undefined || given === undefined)
      throw new ValidationError(issues, 'deliver');
    const o = rec.order;
    const dueBy =
      (given.via === 'ship' ? (o.shipBy ?? o.pickupAt) : (o.pickupAt ?? o.shipBy)) ??
      rec.promisedBy;
    // Two literals rather than a conditional spread, which V8 builds as a generic copy; the
    // keys keep one order, as the register and snapshots show them.
    const { via, reference } = given;
    const onTime = now <= dueBy;
    const clientId = o.clientId;
    const entry: DeliveryRecord =
      reference === undefined
        ? { orderId, clientId, via, shortItems, deliveredAt: now, dueBy, onTime }
        : { orderId, clientId, via, reference, shortItems, deliveredAt: now, dueBy, onTime };
    try {
      this.commitTime(now);
      rec.status = 'delivered';
      this.st.deliveries.push(entry);
      this.st.deliveryByOrder.set(orderId, entry);
    } catch (e) {
      throw this.poison('deliver', e);
    }
    if (this.hub.wants('delivered'))
      this.hub.emit({ type: 'delivered', at: now, orderId, delivery: deliveryHandedOut(entry) });
    return this.settle(deliveryHandedOut(entry));
  }

  /**
   * The delivery register: every hand-over, in the order they were made, narrowed by `options`
   * (a time range, a client).
   */
  deliveryRegister(options?: DeliveryRegisterOptions): DeliveryRecord[] {
    this.usable();
    const issues: ValidationIssue[] = [];
    let since = Number.NEGATIVE_INFINITY;
    let until = Number.POSITIVE_INFINITY;
    let clientId: string | undefined;
    if (options !== undefined) {
      if (options === null || typeof options !== 'object' || Array.isArray(options)) {
        issues.push({
          path: 'options',
          message: `expected { since?, until?, clientId? }, received ${options === null ? 'null' : Array.isArray(options) ? 'an array' : typeof options}`,
        });
      } else {
        for (const k of Object.keys(options))
          if (!REGISTER_OPTIONS.includes(k))
            issues.push({
              path: `options.${k}`,
              message: `is not an option of deliveryRegister (${REGISTER_OPTIONS.join(', ')})`,
            });
        for (const k of ['since', 'until'] as const) {
          if (options[k] === undefined) continue;
          const ms = readTime(options[k]);
          if (typeof ms === 'string') issues.push({ path: `options.${k}`, message: ms });
          else if (k === 'since') since = ms;
          else until = ms;
        }
        if (options.clientId !== undefined) {
          if (typeof options.clientId !== 'string')
            issues.push({
              path: 'options.clientId',
              message: `must be a client id, received ${typeof options.clientId}`,
            });
          else clientId = options.clientId;
        }
      }
    }
    if (issues.length > 0) throw new ValidationError(issues, 'deliveryRegister');
    const out: DeliveryRecord[] = [];
    for (const d of this.st.deliveries)
      if (
        d.deliveredAt >= since &&
        d.deliveredAt < until &&
        (clientId === undefined || d.clientId === clientId)
      )
        out.push(deliveryHandedOut(d));
    return out;
  }

  /**
   * Moves the engine's time to `at`, and does nothing else: the alarms that fall due fire
   * (`'late'`, `'rework-overdue'`), and orders time has made late are reported at risk. Time
   * never goes back: an `at` before the last call's time is a `ValidationError`.
   */
  advance(at?: TimeInput): void {
    this.usable();
    const now = this.timeOf(at);
    try {
      this.commitTime(now);
    } catch (e) {
      throw this.poison('advance', e);
    }
    this.settle(undefined);
  }

  /**
   * Subscribes `listener` to the events of `type` (see `SchedulerEventMap`); returns the function
   * that unsubscribes it. Events are delivered after the call that caused them completed its
   * change, in the order they happened. A listener that throws changes nothing in the engine
   * and does not stop the others: its error goes to the `'listener-error'` listeners, or, with
   * none, to `process.emitWarning`.
   */
  on<T extends SchedulerEventType>(type: T, listener: SchedulerListener<T>): () => void {
    this.usable();
    const issues: ValidationIssue[] = [];
    if (!EVENT_TYPES.includes(type))
      issues.push({
        path: 'type',
        message: `must be one of ${EVENT_TYPES.map((t) => `'${t}'`).join(', ')}, received ${JSON.stringify(type) ?? String(type)}`,
      });
    if (typeof listener !== 'function')
      issues.push({ path: 'listener', message: `must be a function, received ${typeof listener}` });
    if (issues.length > 0) throw new ValidationError(issues, 'on');
    // Alarms are kept only while someone listens for what they tell: the first listener arms
    // every pending one, as a restore does, and the last one leaving disarms them.
    const kind = ALARM_OF[type];
    const first = kind !== undefined && !this.hub.wants(type);
    const off = this.hub.on(type, listener);
    if (first) this.armPending(kind);
    return () => {
      off();
      if (kind !== undefined && !this.hub.wants(type)) this.alarms.clearKind(kind);
    };
  }

  /**
   * Cancels a queued, held or in-production order: it leaves the plan at once, and the capacity
   * it held is free for the next decision. Cancelling the order in production frees its line
   * (the next `next` starts another order). Its rush stays in the rush register, marked
   * `cancelledAt`; an accepted client rush gives its units back to its day's quota; an open
   * rework entry is closed as `cancelled`. Returns an `OrderChange`: the order, its line,
   * status `'cancelled'`, the status it had (`was`), the time, and the promise it held.
   * Cancelling a finished, delivered, cancelled or unknown order is a `ValidationError` on
   * `orderId`.
   */
  cancel(orderId: string, at?: TimeInput): OrderChange {
    this.usable();
    const now = this.timeOf(at);
    const rec = this.orderIn(
      orderId,
      'cancel',
      ['queued', 'held', 'in-production'],
      'a queued, held or in-production order',
    );
    const was = rec.status as OrderChange['was'];
    try {
      this.commitTime(now);
      const line = this.st.lines.get(rec.line) as Line;
      if (was === 'queued') line.withdraw(rec);
      else if (was === 'in-production') line.finish();
      this.suspendRush(rec, now, was, 'cancelledAt');
      const rework = this.st.reworkByOrder.get(rec.order.id);
      if (rework && rework.closedAt === undefined) {
        rework.closedAt = now;
        rework.cancelled = true;
      }
      this.st.reworkByOrder.delete(rec.order.id);
      rec.status = 'cancelled';
      rec.statusAt = now;
      this.st.settle(rec);
    } catch (e) {
      throw this.poison('cancel', e);
    }
    return this.stopped(rec, 'cancelled', was, now);
  }

  /**
   * Holds a queued order (waiting for a file, a payment): it is not produced and holds no
   * capacity until `release`. An accepted client rush gives its units back to its day's quota
   * and leaves the client's rush history; its register entry is marked `heldAt`. Returns an
   * `OrderChange` with status `'held'`. Holding an order in production (never interrupted), a
   * held, finished, delivered or cancelled one, or a company-caused one (made first, by the
   * lab's rule) is a `ValidationError` on `orderId`.
   */
  hold(orderId: string, at?: TimeInput): OrderChange {
    this.usable();
    const now = this.timeOf(at);
    const rec = this.orderIn(orderId, 'hold', ['queued'], 'a queued order');
    this.notCompany(rec, 'hold', 'held');
    try {
      this.commitTime(now);
      (this.st.lines.get(rec.line) as Line).withdraw(rec);
      this.suspendRush(rec, now, 'queued', 'heldAt');
      rec.status = 'held';
      rec.statusAt = now;
    } catch (e) {
      throw this.poison('hold', e);
    }
    return this.stopped(rec, 'held', 'queued', now);
  }

  /**
   * What follows a cancel or a hold, once the change is complete: the order's alarms are
   * disarmed (it is neither late nor overdue while it is out of the plan), its event is told,
   * and the change answered.
   */
  private stopped(
    rec: OrderRecord,
    status: OrderChange['status'],
    was: OrderChange['was'],
    now: number,
  ): OrderChange {
    const orderId = rec.order.id;
    this.alarms.disarm('late', orderId);
    this.alarms.disarm('rework', orderId);
    if (this.hub.wants(status)) this.hub.emit({ type: status, at: now, orderId, line: rec.line });
    return this.settle({
      orderId,
      line: rec.line,
      status,
      was,
      at: now,
      promisedBy: rec.promisedBy,
    });
  }

  /**
   * Releases a held order: it is decided again, on its line, as a submission at this moment
   * would be (its rush request through the gates, a new register entry; else its normal
   * promise), keeping its upload time and so its first-uploaded, first-made rank among the
   * plain orders of its tier and line. Returns the decision, whose last reason is `released`.
   * Releasing an order that is not held is a `ValidationError` on `orderId`.
   */
  release(orderId: string, at?: TimeInput): Decision {
    this.usable();
    const now = this.timeOf(at);
    const rec = this.orderIn(orderId, 'release', ['held'], 'a held order');
    const line = this.st.lines.get(rec.line) as Line;
    if (!this.decider.fitsWindow(rec.order, line, this.st.calendar.coord(now)))
      throw new ValidationError(
        [{ ...this.pastWindow(rec.order, line, NO_PATH), path: 'orderId' }],
        'release',
      );
    let released: Decision;
    try {
      this.commitTime(now);
      const heldAt = rec.statusAt as number;
      rec.work = line.workFor(rec.units);
      rec.status = 'queued';
      rec.statusAt = undefined;
      this.decider.decideRecord(rec, now, line);
      const d = decisionOf(this.st, rec);
      d.decidedAt = now;
      d.reasons.push({
        rule: 'released',
        message: `released at ${this.st.t(now)}, held since ${this.st.t(heldAt)}: decided as a submission at that moment, keeping its upload time ${this.st.t(rec.order.uploadedAt)}.`,
      });
      rec.why = { kind: 'stored', decision: d };
      released = d;
    } catch (e) {
      throw this.poison('release', e);
    }
    this.decided(released);
    if (this.hub.wants('released'))
      this.hub.emit({
        type: 'released',
        at: now,
        orderId: rec.order.id,
        decision: handedOut(released),
      });
    return this.settle(handedOut(released));
  }

  /**
   * Changes a queued or held order's `quantity`, `shipBy` or `pickupAt` (validated as the
   * order's own fields, under `changes.`). A queued order keeps its promise when the line can
   * still finish it by then without making any other order late (and it asks for no earlier
   * time than before); otherwise it gets the earliest promise the line can keep. It never moves
   * another order's promise. The decision's first reason says which: `amended-promise-kept` or
   * `amended-promise-moved`; a held order is changed and stays held (`amended-while-held`).
   * An accepted client rush's new quantity counts against its day's quota: one that would pass
   * it is refused. A company-caused order cannot be amended.
   */
  amend(orderId: string, changes: OrderChanges, at?: TimeInput): Decision {
    this.usable();
    const now = this.timeOf(at);
    const issues: ValidationIssue[] = [];
    const rec = this.orderIn(
      orderId,
      'amend',
      ['queued', 'held'],
      'a queued or held order',
      issues,
    );
    const parsed = check(amendSchema, changes, ['changes']);
    if (!parsed.ok) issues.push(...parsed.issues);
    if (rec === undefined || !parsed.ok) throw new ValidationError(issues, 'amend');
    this.notCompany(rec, 'amend', 'amended');
    const c = parsed.value;
    const order: NormalizedOrder = { ...rec.order };
    if (c.quantity !== undefined) order.quantity = c.quantity;
    if (c.shipBy !== undefined) order.shipBy = c.shipBy;
    if (c.pickupAt !== undefined) order.pickupAt = c.pickupAt;
    const units = this.decider.unitsOf(order);
    const line = this.st.lines.get(rec.line) as Line;
    if (!this.decider.fitsWindow(order, line, this.st.calendar.coord(now)))
      throw new ValidationError([this.pastWindow(order, line, ['changes'])], 'amend');
    const entry = rec.rushEntry;
    const counted = rec.status === 'queued' && rec.cls === 'rush' && entry?.cause === 'client';
    if (counted && units > rec.units) {
      const used = (line.rushUnits.get(entry.day) ?? 0) - rec.units;
      if (exceedsQuota(used, units, entry.quota.limit))
        throw new ValidationError(
          [
            {
              path: 'changes.quantity',
              message: `would bring the accepted rush units on ${line.id} for ${entry.day} to ${used + units}, over the quota of ${Number(entry.quota.limit.toFixed(6))}; received ${order.quantity}`,
            },
          ],
          'amend',
        );
    }
    let amended: Decision;
    try {
      this.commitTime(now);
      const prior = decisionOf(this.st, rec);
      freezeEntry(this.st, rec);
      const what = changed(this.st, rec.order, order);
      const old = rec.promisedBy;
      let reason: Reason;
      if (rec.status === 'held') {
        rec.order = order;
        rec.units = units;
        reason = {
          rule: 'amended-while-held',
          message: `amended (${what}) while held: it gets a promise when released.`,
        };
      } else {
        line.withdraw(rec);
        if (counted)
          line.rushUnits.set(entry.day, (line.rushUnits.get(entry.day) ?? 0) - rec.units + units);
        rec.order = order;
        rec.units = units;
        rec.work = line.workFor(units);
        const kept = this.decider.reprice(rec, line, now);
        reason = kept
          ? {
              rule: 'amended-promise-kept',
              message: `amended (${what}): the line still finishes it by its promise ${this.st.t(old)}, which it keeps.`,
            }
          : {
              rule: 'amended-promise-moved',
              message: `amended (${what}): its promise ${this.st.t(old)} no longer fits without delaying promised orders (or it asks for an earlier time); promised by ${this.st.t(rec.promisedBy)}, the earliest the line can keep from ${this.st.t(rec.requestedBy)}.`,
            };
      }
      const d: Decision = {
        orderId: rec.order.id,
        line: rec.line,
        outcome: rec.outcome,
        promisedBy: rec.promisedBy,
        reasons: [reason, ...prior.reasons],
        atRisk: [],
        decidedAt: now,
        requestedBy: rec.requestedBy,
      };
      rec.why = { kind: 'stored', decision: d };
      amended = d;
    } catch (e) {
      throw this.poison('amend', e);
    }
    this.decided(amended);
    return this.settle(handedOut(amended));
  }

  /** The registered clients and their tiers, in registration order. */
  clients(): ClientSpec[] {
    this.usable();
    return [...this.st.clients].map(([id, tier]) => ({ id, tier }));
  }

  /**
   * The production plan: the order in production and the queue, in production order, with
   * projected start and finish at present capacity. `at` defaults to the time of the last call.
   */
  plan(lineId?: string, at?: TimeInput): PlanEntry[] {
    this.usable();
    const lines =
      lineId === undefined ? [...this.st.lines.values()] : [this.lineOf(lineId, 'plan')];
    const now = at === undefined ? this.st.lastTime : this.readAt(at, 'plan');
    const out: PlanEntry[] = [];
    for (const line of lines) {
      const cnow = Number.isFinite(now) ? this.st.calendar.coord(now) : 0;
      if (line.busy) {
        const b = line.busy;
        // On a line that is down, the order in production finishes as if the line came back now.
        const finish = line.down
          ? this.st.calendar.timeAt(line.startCoord(cnow))
          : (b.expectedFinish as number);
        out.push({
          orderId: b.order.id,
          line: line.id,
          status: 'in-production',
          start: b.startedAt as number,
          finish,
          promisedBy: b.promisedBy,
          late: finish > b.promisedBy,
        });
      }
      let c = line.startCoord(cnow);
      for (const h of line.ledger.inProductionOrder()) {
        const rec = line.byHandle[h] as OrderRecord;
        const start = this.st.calendar.startAt(c);
        c += rec.work;
        const finish = this.st.calendar.timeAt(c);
        out.push({
          orderId: rec.order.id,
          line: line.id,
          status: 'queued',
          start,
          finish,
          promisedBy: rec.promisedBy,
          late: finish > rec.promisedBy,
        });
      }
    }
    return out;
  }

  /**
   * Everything the engine knows about an order, with its decision and a plain-words summary.
   * An order settled longer ago than `retention` has left memory: asking for it is a
   * `ValidationError`, as for an id never submitted (the engine keeps no trace of it).
   */
  explain(orderId: string): Explanation {
    this.usable();
    const rec = typeof orderId === 'string' ? this.st.orders.get(orderId) : undefined;
    if (!rec)
      throw new ValidationError(
        [
          {
            path: 'orderId',
            message: `must be an order the engine holds; ${shownId(orderId)} ${this.notHeld()}`,
          },
        ],
        'explain',
      );
    const line = this.st.lines.get(rec.line) as Line;
    const position =
      rec.status === 'queued'
        ? line.ledger.positionOf(rec.handle) + (line.busy ? 1 : 0)
        : undefined;
    const late = rec.finishedAt !== undefined ? rec.finishedAt > rec.promisedBy : undefined;
    // On a line that is down, the order in production is expected as `plan` shows it: as if the
    // line came back at the time of the last call.
    const expected =
      rec.status === 'in-production' && line.down
        ? this.st.calendar.timeAt(line.startCoord(this.st.calendar.coord(this.st.lastTime)))
        : rec.expectedFinish;
    const d = decisionOf(this.st, rec);
    // Only a delivered order has a delivery: the entry of this id may be that of an earlier order
    // of the same id, which left memory before the entry (its id was used again since).
    const delivery = rec.status === 'delivered' ? this.st.deliveryByOrder.get(orderId) : undefined;
    const state =
      delivery !== undefined
        ? `finished ${this.st.t(rec.finishedAt as number)}, ${delivery.via === 'ship' ? 'shipped' : 'picked up'} ${this.st.t(delivery.deliveredAt)}${delivery.onTime ? '' : ` after ${this.st.t(delivery.dueBy)}`}${delivery.shortItems > 0 ? ` short of ${delivery.shortItems} item${delivery.shortItems === 1 ? '' : 's'}` : ''}`
        : rec.status === 'finished'
          ? `finished ${this.st.t(rec.finishedAt as number)}${late ? ', late' : ', on time'}`
          : rec.status === 'in-production'
            ? `in production since ${this.st.t(rec.startedAt as number)}, expected ${this.st.t(expected as number)}${line.down ? ` if line ${line.id}, down since ${this.st.t(line.downSince as number)}, came back now` : ''}`
            : rec.status === 'held'
              ? `held since ${this.st.t(rec.statusAt as number)}, not produced until released`
              : rec.status === 'cancelled'
                ? `cancelled ${this.st.t(rec.statusAt as number)}`
                : rec.status === 'queued'
                  ? `queued on ${rec.line}, ${position} order${position === 1 ? '' : 's'} ahead`
                  : rec.status;
    const risk = rec.reportedAtRisk
      ? ` Reported at risk ${this.st.t(this.st.riskLog.firstAt(rec))}.`
      : '';
    return {
      orderId,
      line: rec.line,
      class: rec.cls,
      status: rec.status,
      order: structuredClone(rec.order),
      decision: d,
      promisedBy: rec.promisedBy,
      atRisk: this.st.riskLog.of(rec),
      ...(position !== undefined ? { position } : {}),
      ...(rec.startedAt !== undefined ? { startedAt: rec.startedAt } : {}),
      ...(rec.status === 'in-production' ? { expectedFinish: expected as number } : {}),
      ...(rec.finishedAt !== undefined ? { finishedAt: rec.finishedAt, late } : {}),
      ...(rec.status === 'held' ? { heldAt: rec.statusAt as number } : {}),
      ...(rec.status === 'cancelled' ? { cancelledAt: rec.statusAt as number } : {}),
      ...(delivery !== undefined ? { delivery: deliveryHandedOut(delivery) } : {}),
      summary: `${d.outcome} (${(d.reasons[0] as Reason).rule}): ${(d.reasons[0] as Reason).message} Promised by ${this.st.t(rec.promisedBy)}; ${state}.${risk}`,
    };
  }

  /**
   * The rush register: the rush decisions, accepted or declined, in decision order, of the
   * retention horizon (decided no longer than `retention` ago; older ones have left memory).
   * Entries are numbered from the engine's first decision on: `from` and `to` take a slice of
   * those numbers (as `Array.prototype.slice` reads its bounds), so that a caller keeping its
   * own copy can read only the entries added since it last looked (`registerSizes().rush`);
   * entries that have left are not in it.
   */
  rushRegister(from?: number, to?: number): RushRecord[] {
    this.usable();
    return this.st.rushLog.slice(from, to).map((e) => rushRecordOf(this.st, e));
  }

  /**
   * The rework register: the company-caused reworks, with their deadline and when they were
   * closed, of the retention horizon: every open one, and those closed no longer than
   * `retention` ago (from the oldest open one on, all are held). Numbered and sliced as
   * `rushRegister` is.
   */
  reworkRegister(from?: number, to?: number): ReworkRecord[] {
    this.usable();
    return structuredClone(this.st.reworkLog.slice(from, to));
  }

  /**
   * How many entries were ever added to the rush and rework registers and the at-risk log: the
   * number the next entry of each will get (those held are counted by `memorySizes`).
   */
  registerSizes(): { rush: number; rework: number; atRisk: number } {
    this.usable();
    return {
      rush: this.st.rushLog.length,
      rework: this.st.reworkLog.length,
      atRisk: this.st.riskLog.length,
    };
  }

  /**
   * How much the engine holds in memory, as counts: the orders (the work in hand and the
   * settled ones within the retention horizon), of which settled; the rush, rework and at-risk
   * entries held; the accepted client-rush times kept for the frequency window; the days of
   * rush units per line; the pages of order times. Retention keeps each bounded by the work in
   * hand and the horizon.
   */
  memorySizes(): {
    orders: number;
    settled: number;
    rush: number;
    rework: number;
    deliveries: number;
    atRisk: number;
    clientRushes: number;
    rushDays: number;
    timePages: number;
    /** Pending alarms: a late promise or a rework deadline not yet passed (the heap also holds stale ones, at most as many again plus 1,024). */
    alarms: number;
  } {
    this.usable();
    return { ...this.st.sizes(), alarms: this.alarms.sizes.live };
  }

  /**
   * Open rework entries past their deadline at `at` (default: the time of the last call). An
   * open entry never leaves memory.
   */
  overdueRework(at?: TimeInput): ReworkRecord[] {
    this.usable();
    const now =
      at === undefined
        ? this.clock
          ? this.readAt(this.clock(), 'overdueRework')
          : this.st.lastTime
        : this.readAt(at, 'overdueRework');
    return structuredClone(
      [...this.st.reworkLog].filter((r) => r.closedAt === undefined && r.deadline < now),
    );
  }

  /**
   * The at-risk reports, in the order they were made, from the `since`-th on (numbered from the
   * engine's first report) when given. Reports leave with their order (`retention`).
   */
  atRiskLog(since = 0): AtRiskReport[] {
    this.usable();
    return this.st.riskLog.slice(since);
  }

  /** Ids of the orders, queued or in production, that have been reported at risk and are not finished. */
  atRisk(lineId?: string): string[] {
    this.usable();
    if (lineId !== undefined) this.lineOf(lineId, 'atRisk');
    const out: string[] = [];
    for (const rec of this.st.orders.values()) {
      if (
        (rec.status === 'queued' || rec.status === 'in-production') &&
        rec.reportedAtRisk &&
        (lineId === undefined || rec.line === lineId)
      )
        out.push(rec.order.id);
    }
    return out;
  }

  /** The state of a line: capacity (0 while it is down), queue length, work queued (working ms) and the order in production. */
  lineStatus(lineId: string): {
    line: string;
    unitsPerHour: number;
    queued: number;
    queuedWorkMs: number;
    inProduction?: string;
  } {
    this.usable();
    const line = this.lineOf(lineId, 'lineStatus');
    return {
      line: line.id,
      unitsPerHour: line.capacity,
      queued: line.ledger.length,
      queuedWorkMs: line.ledger.totalWork,
      ...(line.busy ? { inProduction: line.busy.order.id } : {}),
    };
  }

  /** The ids of the configured lines, in configuration order. */
  lineIds(): string[] {
    this.usable();
    return [...this.st.lines.keys()];
  }

  /** The whole state as plain JSON; `restoreScheduler` brings it back. */
  snapshot(): Snapshot {
    this.usable();
    return toSnapshot(this.st);
  }

  /**
   * @internal `JSON.stringify(snapshot())` of the state at this call, in pieces made as they
   * are taken (an order at a time), so that a large state is never held whole as a snapshot or
   * its text. The scheduler may go on changing meanwhile: the pieces are cut from the state as
   * it is now (`snapshotCut`). Take the last piece or give them up (`return()`): until then,
   * each order a call changes is first copied for them. Used by the durable scheduler's
   * checkpoints.
   */
  snapshotText(): Generator<string> {
    this.usable();
    return snapshotCut(this.st);
  }

  /**
   * @internal Keeps the events of the next calls from the listeners until the returned function
   * is called: with `true` they are delivered then, with `false` dropped. The durable scheduler
   * holds them while a call it decided on this engine is committed, so that listeners are told
   * of committed calls only.
   */
  holdEvents(): (deliver: boolean) => void {
    this.hub.hold();
    return (deliver) => this.hub.release(deliver);
  }

  /** @internal Rebuilds the state from a validated snapshot (used by `restoreScheduler`). */
  load(s: Snapshot): void {
    loadSnapshot(this.st, s);
    // The alarms are derived, not stored: every one the snapshot's state still has pending.
    this.riskTold = this.st.riskLog.length;
    this.reworkArmed = this.st.reworkLog.length;
    this.alarms.clear();
    this.armPending('late');
    this.armPending('rework');
  }

  /** Arms every pending alarm of `kind` the state has, if someone listens for it. */
  private armPending(kind: AlarmKind): void {
    if (kind === 'late' && this.hub.wants('late'))
      for (const rec of this.st.orders.values())
        if (
          (rec.status === 'queued' || rec.status === 'in-production') &&
          rec.promisedBy >= this.st.lastTime
        )
          this.alarms.arm('late', rec.order.id, rec.seq, rec.promisedBy);
    if (kind === 'rework')
      for (const r of this.st.reworkLog)
        if (r.closedAt === undefined && r.deadline >= this.st.lastTime) this.armRework(r);
  }

  // ------------------------------------------------------------------ validation

  /**
   * The record of an order, looked up where an order to complete is: among the lines' orders in
   * production (a handful) before the map of every order, whose lookup at 10⁵ orders and more
   * is a cache miss or two per step of production.
   */
  private inProduction(orderId: string): OrderRecord | undefined {
    for (const line of this.st.lines.values())
      if (line.busy !== undefined && line.busy.order.id === orderId) return line.busy;
    return this.st.orders.get(orderId);
  }

  /**
   * The record of an order that must be in one of `allowed` statuses for `call`; else the
   * issue on `orderId`, thrown, or added to `issues` when given (then `undefined`).
   */
  private orderIn(
    orderId: string,
    call: string,
    allowed: readonly OrderStatus[],
    what: string,
    issues?: ValidationIssue[],
  ): OrderRecord;
  private orderIn(
    orderId: string,
    call: string,
    allowed: readonly OrderStatus[],
    what: string,
    issues: ValidationIssue[],
  ): OrderRecord | undefined;
  private orderIn(
    orderId: string,
    call: string,
    allowed: readonly OrderStatus[],
    what: string,
    issues?: ValidationIssue[],
  ): OrderRecord | undefined {
    const rec = typeof orderId === 'string' ? this.st.orders.get(orderId) : undefined;
    if (rec && allowed.includes(rec.status)) return rec;
    const state = rec
      ? rec.status === 'in-production'
        ? 'is in production (an order in production is never interrupted)'
        : `is ${rec.status}`
      : this.notHeld();
    const issue = { path: 'orderId', message: `must be ${what}; ${shownId(orderId)} ${state}` };
    if (issues === undefined) throw new ValidationError([issue], call);
    issues.push(issue);
    return undefined;
  }

  /**
   * Why an order id finds nothing: it was never submitted, or its order settled past the
   * retention horizon and left memory (a late pickup, for one, then cannot be handed over).
   */
  private notHeld(): string {
    const days = this.st.config.retention;
    return `is not held: never submitted, or settled longer ago than the retention of ${days} day${days === 1 ? '' : 's'}`;
  }

  /** Refuses to hold or amend a company-caused order: the lab's own fault, made first. */
  private notCompany(rec: OrderRecord, call: string, done: string): void {
    if (rec.cls !== 'company') return;
    throw new ValidationError(
      [
        {
          path: 'orderId',
          message: `'${rec.order.id}' is a company-caused order, made first by the lab's rule; it cannot be ${done} (cancel it and submit the one wanted)`,
        },
      ],
      call,
    );
  }

  /**
   * Marks the order's latest rush entry (`heldAt` or `cancelledAt`), its sentences rendered
   * first so that the register keeps the decision it recorded. An accepted client rush that
   * counted (not already held) gives its units back to the quota of its day: the quota counts
   * what the lab will make. A held rush also leaves the client's rush history, since its release
   * is decided again; a cancelled one stays in it (the client did rush).
   */
  private suspendRush(
    rec: OrderRecord,
    now: number,
    was: OrderChange['was'],
    mark: 'heldAt' | 'cancelledAt',
  ): void {
    const e = rec.rushEntry;
    if (e === undefined) return;
    freezeEntry(this.st, rec);
    this.st.records.cut?.keepEntry(e);
    e[mark] = now;
    if (rec.cls !== 'rush' || e.cause !== 'client' || was === 'held') return;
    const line = this.st.lines.get(rec.line) as Line;
    const left = (line.rushUnits.get(e.day) ?? 0) - rec.units;
    if (left > 0) line.rushUnits.set(e.day, left);
    else line.rushUnits.delete(e.day);
    if (mark === 'heldAt') {
      const times = this.st.clientRushes.get(rec.order.clientId);
      const i = times ? times.lastIndexOf(e.requestedAt) : -1;
      if (times && i >= 0) {
        times.splice(i, 1);
        if (times.length === 0) this.st.clientRushes.delete(rec.order.clientId);
      }
    }
  }

  /** Refuses the call if an earlier one poisoned this instance. */
  private usable(): void {
    if (this.failure) throw new SchedulerPoisonedError(this.failure.call, this.failure.cause);
  }

  /** Poisons this instance after `error` escaped while `call` changed the state; returns the error to throw. */
  private poison(call: string, error: unknown): SchedulerPoisonedError {
    this.failure = new SchedulerPoisonedError(call, error);
    return this.failure;
  }

  /** The issue of an order whose decision would give a time after `MAX_DECIDED_MS`. */
  private pastWindow(
    order: NormalizedOrder,
    line: Line,
    path: readonly (string | number)[],
  ): ValidationIssue {
    const hours = Math.ceil(line.workFor(this.decider.unitsOf(order)) / MS_PER_HOUR);
    return {
      path: pathOf(path, 'quantity'),
      message: `would make the work queued on line '${line.id}' end after ${day(MAX_DECIDED_MS)}, the latest time a decision may give (${order.quantity} items are ${hours} working hours at ${line.unitsPerHour} units an hour); received ${order.quantity}`,
    };
  }

  private timeOf(at: TimeInput | undefined): number {
    const now = callTime(at, this.clock, 'the engine never reads the wall clock');
    if (now < this.st.lastTime) {
      throw new ValidationError([
        {
          path: 'at',
          message: `must not be earlier than the engine's last time ${this.st.t(this.st.lastTime)}, received ${this.st.t(now)}`,
        },
      ]);
    }
    return now;
  }

  private readAt(input: unknown, path: string): number {
    const ms = readTime(input);
    if (typeof ms === 'string') throw new ValidationError([{ path, message: ms }]);
    return ms;
  }

  /**
   * Moves time to `now`: reports the orders time has made late at risk, then fires the alarms
   * time passed, in time order. The reports come first, so that every `'late'` event follows
   * the `'at-risk'` event of its order (rules.md §7.4, no silent delay).
   */
  private commitTime(now: number): void {
    this.st.lastTime = now;
    this.st.detectDelays(now);
    this.st.forget(now);
    this.tellRisks();
    for (const alarm of this.alarms.due(now)) {
      if (alarm.kind === 'late') {
        const rec = this.st.orders.get(alarm.orderId);
        // A stale alarm: the order finished or left the plan, or its promise moved.
        if (
          rec === undefined ||
          (rec.status !== 'queued' && rec.status !== 'in-production') ||
          rec.promisedBy !== alarm.at
        )
          continue;
        if (this.hub.wants('late'))
          this.hub.emit({
            type: 'late',
            at: now,
            orderId: rec.order.id,
            line: rec.line,
            promisedBy: rec.promisedBy,
            status: rec.status,
          });
      } else {
        const r = this.st.reworkByOrder.get(alarm.orderId);
        if (r === undefined || r.closedAt !== undefined || r.deadline !== alarm.at) continue;
        if (this.hub.wants('rework-overdue'))
          this.hub.emit({
            type: 'rework-overdue',
            at: now,
            orderId: r.orderId,
            rework: structuredClone(r),
          });
      }
    }
  }

  /**
   * What every state-changing call does last, once its change is complete: tells the at-risk
   * reports it made, arms the alarms of the rework entries it registered, and delivers the
   * events to the listeners. Returns the call's answer.
   */
  private settle<T>(answer: T): T {
    this.tellRisks();
    const log = this.st.reworkLog;
    for (const r of log.slice(this.reworkArmed)) if (r.closedAt === undefined) this.armRework(r);
    this.reworkArmed = log.length;
    this.hub.deliver();
    return answer;
  }

  /** Queues an `'at-risk'` event for each report not yet told. */
  private tellRisks(): void {
    const log = this.st.riskLog;
    if (this.hub.wants('at-risk'))
      for (const report of log.slice(this.riskTold))
        this.hub.emit({ type: 'at-risk', at: report.at, orderId: report.orderId, report });
    this.riskTold = log.length;
  }

  /**
   * What follows a decision on an order (a submission; a release or an amendment): its `late`
   * alarm is armed at its promise, the delivery it reissues missing items for is linked, and
   * the `'decision'` event queued.
   */
  private decided(decision: Decision): void {
    const rec = this.st.orders.get(decision.orderId) as OrderRecord;
    // A promise kept by an amendment may have passed already: it was told late when it did.
    if (rec.promisedBy >= this.st.lastTime && this.hub.wants('late'))
      this.alarms.arm('late', decision.orderId, rec.seq, rec.promisedBy);
    // Linked once, at the order's first decision: a later one (an amendment) links nothing more.
    const original = rec.order.rush?.forOrder;
    const delivery = original === undefined ? undefined : this.st.deliveryByOrder.get(original);
    if (delivery !== undefined && !delivery.reissuedBy?.includes(decision.orderId))
      delivery.reissuedBy = [...(delivery.reissuedBy ?? []), decision.orderId];
    if (this.hub.wants('decision'))
      this.hub.emit({
        type: 'decision',
        at: decision.decidedAt,
        orderId: decision.orderId,
        decision: structuredClone(decision),
      });
  }

  private armRework(r: ReworkRecord): void {
    if (!this.hub.wants('rework-overdue')) return;
    const seq = this.st.orders.get(r.orderId)?.seq ?? 0;
    this.alarms.arm('rework', r.orderId, seq, r.deadline);
  }

  private lineOf(lineId: string, context: string): Line {
    const line = typeof lineId === 'string' ? this.st.lines.get(lineId) : undefined;
    if (!line) {
      throw new ValidationError(
        [
          {
            path: 'lineId',
            message: `must be one of ${[...this.st.lines.keys()].map((l) => `'${l}'`).join(', ')}, received ${JSON.stringify(lineId)}`,
          },
        ],
        context,
      );
    }
    return line;
  }

  /** Validates orders (schema and state), collecting every problem; changes nothing. */
  private validateOrders(
    inputs: unknown[],
    now: number,
    context: string,
    base: (string | number)[],
  ): NormalizedOrder[] {
    const issues: ValidationIssue[] = [];
    const out: NormalizedOrder[] = [];
    // A single submit needs no duplicate check within the call, nor its bookkeeping.
    const batchIds = inputs.length > 1 ? new Set<string>() : undefined;
    for (let i = 0; i < inputs.length; i++) {
      const path = inputs.length === 1 && base.length === 0 ? [] : [...base, i];
      const o = this.validateOne(inputs[i], now, path, issues, batchIds);
      if (o) out.push(o);
    }
    if (issues.length > 0) throw new ValidationError(issues, context);
    return out;
  }

  /** Validates one order into `issues`; returns it normalized unless its schema failed. */
  private validateOne(
    input: unknown,
    now: number,
    path: readonly (string | number)[],
    issues: ValidationIssue[],
    batchIds: Set<string> | undefined,
  ): NormalizedOrder | undefined {
    // The common case skips zod; anything unusual is zod's to accept or explain.
    let o = fastOrder(input);
    if (o === undefined) {
      const r = check(orderSchema, input, path);
      if (!r.ok) {
        issues.push(...r.issues);
        return undefined;
      }
      o = r.value as NormalizedOrder;
    }
    if (this.st.orders.has(o.id))
      issues.push({
        path: pathOf(path, 'id'),
        message: `must be unused; order '${o.id}' was already submitted`,
      });
    else if (batchIds?.has(o.id))
      issues.push({
        path: pathOf(path, 'id'),
        message: `must be unique in the batch; '${o.id}' appears twice`,
      });
    batchIds?.add(o.id);
    if (!Object.hasOwn(this.st.config.products, o.product)) {
      issues.push({
        path: pathOf(path, 'product'),
        message: `must be a product of the catalog (${Object.keys(this.st.config.products).join(', ')}), received '${o.product}'`,
      });
    } else if (o.line !== undefined) {
      const line = this.st.lines.get(o.line);
      if (!line)
        issues.push({
          path: pathOf(path, 'line'),
          message: `must be one of ${[...this.st.lines.keys()].join(', ')}, received '${o.line}'`,
        });
      else if (!line.makes(o))
        issues.push({
          path: pathOf(path, 'line'),
          message: `line '${o.line}' does not make '${o.product}'`,
        });
    } else if (!this.st.madeProducts.has(o.product)) {
      issues.push({ path: pathOf(path, 'product'), message: `no line makes '${o.product}'` });
    }
    // A registered client's orders carry its tier (公平对待): the same client is never
    // decided as one tier and, minutes later, as another.
    const registered = this.st.clients.size > 0 ? this.st.clients.get(o.clientId) : undefined;
    if (registered !== undefined && registered !== o.tier)
      issues.push({
        path: pathOf(path, 'tier'),
        message: `client '${o.clientId}' is registered as ${registered}; the order says ${o.tier}`,
      });
    const original = o.rush?.forOrder;
    if (original !== undefined) {
      const delivery = this.st.deliveryByOrder.get(original);
      if (delivery === undefined || delivery.shortItems === 0)
        issues.push({
          path: pathOf(path, 'rush.forOrder'),
          message: `must be a delivered order that was short of items, received '${original}' (${delivery === undefined ? (this.st.orders.has(original) ? `it is ${this.st.orders.get(original)?.status}` : 'no such order') : 'delivered complete'})`,
        });
    }
    if (o.uploadedAt > now)
      issues.push({
        path: pathOf(path, 'uploadedAt'),
        message: `must not be after the time of submission ${this.st.t(now)}, received ${this.st.t(o.uploadedAt)}`,
      });
    return o;
  }
}

/** An order id as a message shows it: quoted, or as it came when it is not a string. */
function shownId(orderId: unknown): string {
  return typeof orderId === 'string' ? `'${orderId}'` : String(orderId);
}

/**
 * Renders the sentences of the order's latest rush entry into it, if they are still rendered
 * on read: the order's decision is about to change, and the entry keeps the one it recorded.
 */
function freezeEntry(st: EngineState, rec: OrderRecord): void {
  const e = rec.rushEntry;
  if (e === undefined || e.reasons !== undefined) return;
  const d = decisionOf(st, rec);
  st.records.cut?.keepEntry(e);
  e.reasons = d.reasons;
  e.atRisk = d.atRisk;
}

/** What an amendment changed, in words: `quantity 20 → 40, ship time … → …`. */
function changed(st: EngineState, before: NormalizedOrder, after: NormalizedOrder): string {
  const parts: string[] = [];
  if (before.quantity !== after.quantity)
    parts.push(`quantity ${before.quantity} → ${after.quantity}`);
  const time = (v: number | undefined) => (v === undefined ? 'none' : st.t(v));
  if (before.shipBy !== after.shipBy)
    parts.push(`ship time ${time(before.shipBy)} → ${time(after.shipBy)}`);
  if (before.pickupAt !== after.pickupAt)
    parts.push(`pickup time ${time(before.pickupAt)} → ${time(after.pickupAt)}`);
  return parts.length > 0 ? parts.join(', ') : 'nothing changed';
}
/** The options `deliveryRegister` knows. */
const REGISTER_OPTIONS: readonly string[] = ['since', 'until', 'clientId'];

/** What `setClient` may change: the tier, and nothing else. */
const CLIENT_CHANGE = z.strictObject({ tier: tierSchema });

/** The path of a single order's fields: the order is the call's argument. */
const NO_PATH: readonly (string | number)[] = Object.freeze([]);

function pathOf(path: readonly (string | number)[], field: string): string {
  return path.length === 0 ? field : `${path.join('.')}.${field}`;
}

/** The UTC date of an instant, `yyyy-MM-dd`. */
function day(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function byUpload(a: NormalizedOrder, b: NormalizedOrder): number {
  if (a.uploadedAt !== b.uploadedAt) return a.uploadedAt - b.uploadedAt;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Creates a scheduler; every part of the configuration is optional. Throws `ValidationError` on a bad configuration. */
export function createScheduler(config?: SchedulerConfig): Scheduler {
  return new Scheduler(resolveConfig(config));
}
