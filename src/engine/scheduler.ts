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
import { fastOrder } from '../domain/fast-order.js';
import { MAX_UNITS_PER_HOUR, MIN_UNITS_PER_HOUR } from '../domain/limits.js';
import { check, orderSchema, rangeProblem, tierSchema, UNITS_PER_HOUR } from '../domain/schemas.js';
import { callTime, readTime } from '../domain/time-input.js';
import type {
  AtRiskReport,
  ClientChange,
  ClientSpec,
  Completion,
  Decision,
  Explanation,
  NormalizedOrder,
  Order,
  PlanEntry,
  Reason,
  ReworkRecord,
  RushRecord,
  StartedOrder,
  Tier,
  TimeInput,
  Urgency,
} from '../domain/types.js';
import type { WorkingCalendar } from '../time/calendar.js';
import { MAX_DECIDED_MS, MS_PER_HOUR } from '../time/units.js';
import { type ResolvedConfig, resolveConfig, type SchedulerConfig } from './config.js';
import { Decider } from './decide.js';
import type { Line } from './line.js';
import { decisionOf, rushRecordOf } from './reasons.js';
import type { OrderRecord } from './records.js';
import { loadSnapshot, toSnapshot } from './snapshot.js';
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
export class Scheduler {
  private readonly st: EngineState;
  private readonly decider: Decider;
  private readonly clock: (() => TimeInput) | undefined;
  /** Set when an unexpected error escaped a state-changing call: every later call is refused. */
  private failure: SchedulerPoisonedError | undefined;

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
    try {
      this.commitTime(now);
      return this.decider.decide(parsed, now, line);
    } catch (e) {
      throw this.poison('submit', e);
    }
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
    try {
      this.commitTime(now);
      const out: Decision[] = new Array(parsed.length);
      for (const { order, index } of sequence)
        out[index] = this.decider.decide(order, now, lines[index] as Line);
      return out;
    } catch (e) {
      throw this.poison('submitBatch', e);
    }
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
      rec = line.dequeue();
      if (!rec) return undefined;
      // Within the calendar: the line's work never ends after MAX_DECIDED_MS as decided, and
      // started later it ends within the calendar's window (see CALENDAR_END_MS).
      const finish = line.start(rec, this.st.calendar.coord(now));
      rec.status = 'in-production';
      rec.startedAt = now;
      rec.expectedFinish = this.st.calendar.timeAt(finish);
    } catch (e) {
      throw this.poison('next', e);
    }
    return {
      orderId: rec.order.id,
      line: line.id,
      startedAt: now,
      expectedFinish: rec.expectedFinish,
      promisedBy: rec.promisedBy,
      // The caller's own copy: changing it must not change the engine's order.
      order: rec.order.rush ? { ...rec.order, rush: { ...rec.order.rush } } : { ...rec.order },
    };
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
      if (rec.order.rush?.cause === 'rework') {
        const rework = this.st.reworkByOrder.get(orderId);
        if (rework && rework.closedAt === undefined) rework.closedAt = now;
        this.st.reworkByOrder.delete(orderId);
      }
    } catch (e) {
      throw this.poison('complete', e);
    }
    return {
      orderId,
      line: rec.line,
      startedAt: rec.startedAt as number,
      finishedAt: now,
      promisedBy: rec.promisedBy,
      late: now > rec.promisedBy,
    };
  }

  /**
   * Changes a line's capacity from now on. Promises stand; returns, at once, the ids of every
   * order whose promise the change puts at risk (in production order).
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
    if (problem !== undefined)
      throw new ValidationError([{ path: 'unitsPerHour', message: problem }], 'setCapacity');
    const cnow = this.st.calendar.coord(now);
    // Slower, the line's work ends later; it must still end by MAX_DECIDED_MS, as when decided.
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
    return { clientId, tier, ...(previous !== undefined ? { previous } : {}) };
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
        const finish = b.expectedFinish as number;
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
            message: `must be an order the engine holds (submitted, and not settled longer ago than the retention of ${this.st.config.retention} days), received '${String(orderId)}'`,
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
    const d = decisionOf(this.st, rec);
    const state =
      rec.status === 'finished'
        ? `finished ${this.st.t(rec.finishedAt as number)}${late ? ', late' : ', on time'}`
        : rec.status === 'in-production'
          ? `in production since ${this.st.t(rec.startedAt as number)}, expected ${this.st.t(rec.expectedFinish as number)}`
          : `queued on ${rec.line}, ${position} order${position === 1 ? '' : 's'} ahead`;
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
      ...(rec.status === 'in-production' ? { expectedFinish: rec.expectedFinish as number } : {}),
      ...(rec.finishedAt !== undefined ? { finishedAt: rec.finishedAt, late } : {}),
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
    atRisk: number;
    clientRushes: number;
    rushDays: number;
    timePages: number;
  } {
    this.usable();
    return this.st.sizes();
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
        rec.status !== 'finished' &&
        rec.reportedAtRisk &&
        (lineId === undefined || rec.line === lineId)
      )
        out.push(rec.order.id);
    }
    return out;
  }

  /** The state of a line: capacity, queue length, work queued (working ms) and the order in production. */
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
      unitsPerHour: line.unitsPerHour,
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

  /** @internal Rebuilds the state from a validated snapshot (used by `restoreScheduler`). */
  load(s: Snapshot): void {
    loadSnapshot(this.st, s);
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

  private commitTime(now: number): void {
    this.st.lastTime = now;
    this.st.detectDelays(now);
    this.st.forget(now);
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
    if (o.uploadedAt > now)
      issues.push({
        path: pathOf(path, 'uploadedAt'),
        message: `must not be after the time of submission ${this.st.t(now)}, received ${this.st.t(o.uploadedAt)}`,
      });
    return o;
  }
}

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
