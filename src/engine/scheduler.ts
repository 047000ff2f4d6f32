/**
 * The `Scheduler`: the engine a lab's order-intake service embeds. It validates every call at
 * the boundary, then works on integers: epoch milliseconds, tier ranks and working-time
 * coordinates. It never reads the wall clock; the caller gives the time.
 *
 * Every state-changing call first validates everything it was given and only then changes
 * anything, so a call that throws `ValidationError` leaves the engine exactly as it was.
 */
import { TIER_RANK, URGENCY_RANK } from '../domain/defaults.js';
import { ValidationError, type ValidationIssue } from '../domain/errors.js';
import { check, orderSchema } from '../domain/schemas.js';
import { readTime } from '../domain/time-input.js';
import type {
  AtRiskReport,
  Completion,
  Decision,
  Explanation,
  NormalizedOrder,
  Order,
  OrderClass,
  PlanEntry,
  Reason,
  ReworkRecord,
  RushRecord,
  StartedOrder,
  TimeInput,
  Urgency,
} from '../domain/types.js';
import { decideRush, quotaLimit } from '../policy/gates.js';
import { earliestPromise, keepsPromises } from '../promise/promising.js';
import type { LedgerKey } from '../queue/ledger.js';
import { WorkingCalendar } from '../time/calendar.js';
import { type ResolvedConfig, resolveConfig, type SchedulerConfig } from './config.js';
import { Line } from './line.js';
import type { OrderRecord } from './records.js';
import { SNAPSHOT_FORMAT, SNAPSHOT_VERSION, type Snapshot } from './snapshot-format.js';

const MS_PER_HOUR = 3_600_000;
const MS_PER_MINUTE = 60_000;
const MS_PER_DAY = 86_400_000;

/** The engine. Build one with `createScheduler` or `restoreScheduler`. */
export class Scheduler {
  /** The configuration in force, with every default filled in (line capacities as configured at creation). */
  readonly config: Readonly<Omit<ResolvedConfig, 'clock'>>;
  /** The lab's working calendar, for converting times the way the engine does. */
  readonly calendar: WorkingCalendar;
  private readonly clock: (() => TimeInput) | undefined;
  private readonly lines = new Map<string, Line>();
  private readonly orders = new Map<string, OrderRecord>();
  private readonly rushLog: RushRecord[] = [];
  private readonly reworkLog: ReworkRecord[] = [];
  private readonly reworkByOrder = new Map<string, ReworkRecord>();
  private readonly riskLog: AtRiskReport[] = [];
  /** Accepted client-rush times per client, oldest first. */
  private readonly clientRushes = new Map<string, number[]>();
  private readonly fmt: Intl.DateTimeFormat;
  private lastTime = Number.NEGATIVE_INFINITY;
  private seq = 0;

  /** @internal Use `createScheduler`. */
  constructor(config: ResolvedConfig) {
    const { clock, ...rest } = config;
    this.config = rest;
    this.clock = clock;
    this.calendar = new WorkingCalendar(config.calendar);
    for (const spec of config.lines) this.lines.set(spec.id, new Line(spec));
    this.fmt = new Intl.DateTimeFormat('sv-SE', {
      timeZone: config.calendar.zone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
  }

  // ------------------------------------------------------------------ public API

  /**
   * Submits one order: decides its rush request if it has one, gives it a promise the line can
   * keep, and queues it. Returns the decision with its reasons.
   */
  submit(order: Order, at?: TimeInput): Decision {
    const now = this.timeOf(at);
    const parsed = this.validateOrders([order], now, 'submit', []);
    this.commitTime(now);
    return this.decide(parsed[0] as NormalizedOrder, now);
  }

  /**
   * Submits a batch (the morning intake). Rush requests are decided most urgent first
   * (company-caused, urgency, tier, fewer recent rushes, smaller quantity, upload time, id), then
   * the other orders by upload time, so the order of the input never decides. Decisions come
   * back in the input's order. Either every order is valid and all are decided, or the call
   * throws and nothing changed.
   */
  submitBatch(orders: Order[], at?: TimeInput): Decision[] {
    const now = this.timeOf(at);
    if (!Array.isArray(orders)) {
      throw new ValidationError(
        [{ path: 'orders', message: `expected an array of orders, received ${typeof orders}` }],
        'submitBatch',
      );
    }
    const parsed = this.validateOrders(orders, now, 'submitBatch', ['orders']);
    this.commitTime(now);
    const recent = (clientId: string) => this.recentRushes(clientId, now);
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
    const out: Decision[] = new Array(parsed.length);
    for (const { order, index } of [...rushes, ...plain]) out[index] = this.decide(order, now);
    return out;
  }

  /**
   * Starts the next order on a line, if any, and returns it. The line must be free: a line
   * still making an order is a `ValidationError`.
   */
  next(lineId: string, at?: TimeInput): StartedOrder | undefined {
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
    this.commitTime(now);
    const rec = line.dequeue();
    if (!rec) return undefined;
    const start = this.calendar.coord(now);
    line.busy = rec;
    line.busyFinish = start + rec.work;
    rec.status = 'in-production';
    rec.startedAt = now;
    rec.expectedFinish = this.calendar.timeAt(line.busyFinish);
    return {
      orderId: rec.order.id,
      line: line.id,
      startedAt: now,
      expectedFinish: rec.expectedFinish,
      promisedBy: rec.promisedBy,
      order: rec.order,
    };
  }

  /** Marks the order in production as finished, and closes its rework entry if it has one. */
  complete(orderId: string, at?: TimeInput): Completion {
    const now = this.timeOf(at);
    const rec = typeof orderId === 'string' ? this.orders.get(orderId) : undefined;
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
    this.commitTime(now);
    const line = this.lines.get(rec.line) as Line;
    line.busy = undefined;
    line.busyFinish = 0;
    rec.status = 'finished';
    rec.finishedAt = now;
    const rework = this.reworkByOrder.get(orderId);
    if (rework && rework.closedAt === undefined) rework.closedAt = now;
    this.detectDelays(now);
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
    const now = this.timeOf(at);
    const line = this.lineOf(lineId, 'setCapacity');
    if (typeof unitsPerHour !== 'number' || !Number.isFinite(unitsPerHour) || unitsPerHour <= 0) {
      throw new ValidationError(
        [
          {
            path: 'unitsPerHour',
            message: `must be a positive number of units per working hour, received ${String(unitsPerHour)}`,
          },
        ],
        'setCapacity',
      );
    }
    this.commitTime(now);
    const cnow = this.calendar.coord(now);
    const old = line.unitsPerHour;
    line.unitsPerHour = unitsPerHour;
    const atRisk: string[] = [];
    if (line.busy) {
      // The rest of the order in production runs at the new rate.
      const remaining = Math.max(0, line.busyFinish - cnow);
      line.busyFinish = cnow + Math.ceil((remaining * old) / unitsPerHour);
      line.busy.work = line.workFor(line.busy.units);
      line.busy.expectedFinish = this.calendar.timeAt(line.busyFinish);
      if (line.busy.expectedFinish > line.busy.promisedBy && line.busy.atRisk.length === 0) {
        this.reportAtRisk(line.busy, now, 'capacity-drop');
        atRisk.push(line.busy.order.id);
      }
    }
    line.ledger.rebuildWork((h) => {
      const rec = line.byHandle[h] as OrderRecord;
      rec.work = line.workFor(rec.units);
      return rec.work;
    });
    for (const id of this.flagLate(line, now, 'capacity-drop')) atRisk.push(id);
    return atRisk;
  }

  /**
   * The production plan: the order in production and the queue, in production order, with
   * projected start and finish at present capacity. `at` defaults to the time of the last call.
   */
  plan(lineId?: string, at?: TimeInput): PlanEntry[] {
    const lines = lineId === undefined ? [...this.lines.values()] : [this.lineOf(lineId, 'plan')];
    const now = at === undefined ? this.lastTime : this.readAt(at, 'plan');
    const out: PlanEntry[] = [];
    for (const line of lines) {
      const cnow = Number.isFinite(now) ? this.calendar.coord(now) : 0;
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
      for (const h of line.ledger.inOrder()) {
        const rec = line.byHandle[h] as OrderRecord;
        const start = this.calendar.startAt(c);
        c += rec.work;
        const finish = this.calendar.timeAt(c);
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

  /** Everything the engine knows about an order, with its decision and a plain-words summary. */
  explain(orderId: string): Explanation {
    const rec = typeof orderId === 'string' ? this.orders.get(orderId) : undefined;
    if (!rec)
      throw new ValidationError(
        [{ path: 'orderId', message: `must be a submitted order, received '${String(orderId)}'` }],
        'explain',
      );
    const line = this.lines.get(rec.line) as Line;
    const position =
      rec.status === 'queued'
        ? line.ledger.positionOf(rec.handle) + (line.busy ? 1 : 0)
        : undefined;
    const late = rec.finishedAt !== undefined ? rec.finishedAt > rec.promisedBy : undefined;
    const d = rec.decision;
    const state =
      rec.status === 'finished'
        ? `finished ${this.t(rec.finishedAt as number)}${late ? ', late' : ', on time'}`
        : rec.status === 'in-production'
          ? `in production since ${this.t(rec.startedAt as number)}, expected ${this.t(rec.expectedFinish as number)}`
          : `queued on ${rec.line}, ${position} order${position === 1 ? '' : 's'} ahead`;
    const risk =
      rec.atRisk.length > 0
        ? ` Reported at risk ${this.t((rec.atRisk[0] as AtRiskReport).at)}.`
        : '';
    return {
      orderId,
      line: rec.line,
      class: rec.cls,
      status: rec.status,
      order: structuredClone(rec.order),
      decision: structuredClone(d),
      promisedBy: rec.promisedBy,
      atRisk: structuredClone(rec.atRisk),
      ...(position !== undefined ? { position } : {}),
      ...(rec.startedAt !== undefined ? { startedAt: rec.startedAt } : {}),
      ...(rec.status === 'in-production' ? { expectedFinish: rec.expectedFinish as number } : {}),
      ...(rec.finishedAt !== undefined ? { finishedAt: rec.finishedAt, late } : {}),
      summary: `${d.outcome} (${(d.reasons[0] as Reason).rule}): ${(d.reasons[0] as Reason).message} Promised by ${this.t(rec.promisedBy)}; ${state}.${risk}`,
    };
  }

  /** The rush register: every rush decision, accepted or declined, in decision order. */
  rushRegister(): RushRecord[] {
    return structuredClone(this.rushLog);
  }

  /** The rework register: every company-caused rework, with its deadline and when it was closed. */
  reworkRegister(): ReworkRecord[] {
    return structuredClone(this.reworkLog);
  }

  /** Open rework entries past their deadline at `at` (default: the time of the last call). */
  overdueRework(at?: TimeInput): ReworkRecord[] {
    const now =
      at === undefined
        ? this.clock
          ? this.readAt(this.clock(), 'overdueRework')
          : this.lastTime
        : this.readAt(at, 'overdueRework');
    return structuredClone(
      this.reworkLog.filter((r) => r.closedAt === undefined && r.deadline < now),
    );
  }

  /** Every at-risk report, in the order they were made; from the `since`-th on when given. */
  atRiskLog(since = 0): AtRiskReport[] {
    return structuredClone(this.riskLog.slice(since));
  }

  /** Ids of the orders, queued or in production, that have been reported at risk and are not finished. */
  atRisk(lineId?: string): string[] {
    if (lineId !== undefined) this.lineOf(lineId, 'atRisk');
    const out: string[] = [];
    for (const rec of this.orders.values()) {
      if (
        rec.status !== 'finished' &&
        rec.atRisk.length > 0 &&
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
    return [...this.lines.keys()];
  }

  /** The whole state as plain JSON; `restoreScheduler` brings it back. */
  snapshot(): Snapshot {
    const orders = [...this.orders.values()].sort((a, b) => a.seq - b.seq);
    return structuredClone({
      format: SNAPSHOT_FORMAT,
      version: SNAPSHOT_VERSION,
      config: {
        calendar: this.config.calendar,
        lines: this.config.lines.map((l) => ({
          ...l,
          unitsPerHour: (this.lines.get(l.id) as Line).unitsPerHour,
        })),
        products: this.config.products,
        policy: this.config.policy,
      },
      lastTime: Number.isFinite(this.lastTime) ? this.lastTime : null,
      seq: this.seq,
      orders: orders.map((r) => ({
        order: r.order,
        line: r.line,
        cls: r.cls,
        seq: r.seq,
        units: r.units,
        submittedAt: r.submittedAt,
        requestedBy: r.requestedBy,
        promisedBy: r.promisedBy,
        plain: r.plain,
        status: r.status,
        decision: r.decision,
        atRisk: r.atRisk,
        ...(r.startedAt !== undefined ? { startedAt: r.startedAt } : {}),
        ...(r.expectedFinish !== undefined ? { expectedFinish: r.expectedFinish } : {}),
        ...(r.finishedAt !== undefined ? { finishedAt: r.finishedAt } : {}),
      })),
      rushRegister: this.rushLog,
      reworkRegister: this.reworkLog,
      atRiskLog: this.riskLog,
      clientRushes: Object.fromEntries(this.clientRushes),
      rushUnits: Object.fromEntries(
        [...this.lines.values()].map((l) => [l.id, Object.fromEntries(l.rushUnits)]),
      ),
    }) as Snapshot;
  }

  /** @internal Rebuilds the state from a validated snapshot (used by `restoreScheduler`). */
  load(s: Snapshot): void {
    this.lastTime = s.lastTime ?? Number.NEGATIVE_INFINITY;
    this.seq = s.seq;
    for (const o of s.orders) {
      const line = this.lines.get(o.line) as Line;
      const rec: OrderRecord = {
        order: o.order,
        line: o.line,
        cls: o.cls,
        seq: o.seq,
        units: o.units,
        work: line.workFor(o.units),
        submittedAt: o.submittedAt,
        requestedBy: o.requestedBy,
        promisedBy: o.promisedBy,
        plain: o.plain,
        status: o.status,
        handle: 0,
        decision: o.decision,
        atRisk: o.atRisk,
        ...(o.startedAt !== undefined ? { startedAt: o.startedAt } : {}),
        ...(o.expectedFinish !== undefined ? { expectedFinish: o.expectedFinish } : {}),
        ...(o.finishedAt !== undefined ? { finishedAt: o.finishedAt } : {}),
      };
      this.orders.set(o.order.id, rec);
      if (rec.status === 'queued') {
        line.enqueue(
          rec,
          this.calendar.coord(rec.promisedBy),
          TIER_RANK[rec.order.tier],
          rec.atRisk.length === 0,
        );
      } else if (rec.status === 'in-production') {
        line.busy = rec;
        line.busyFinish = this.calendar.coord(rec.expectedFinish as number);
      }
    }
    this.rushLog.push(...s.rushRegister);
    for (const r of s.reworkRegister) {
      this.reworkLog.push(r);
      this.reworkByOrder.set(r.orderId, r);
    }
    this.riskLog.push(...s.atRiskLog);
    for (const [client, times] of Object.entries(s.clientRushes))
      this.clientRushes.set(client, [...times]);
    for (const [lineId, days] of Object.entries(s.rushUnits)) {
      const line = this.lines.get(lineId);
      if (line) for (const [day, units] of Object.entries(days)) line.rushUnits.set(day, units);
    }
  }

  // ------------------------------------------------------------------ validation

  private timeOf(at: TimeInput | undefined): number {
    let input: unknown = at;
    if (input === undefined) {
      if (!this.clock)
        throw new ValidationError([
          {
            path: 'at',
            message:
              'is required: no clock was configured, and the engine never reads the wall clock',
          },
        ]);
      input = this.clock();
    }
    const now = this.readAt(input, 'at');
    if (now < this.lastTime) {
      throw new ValidationError([
        {
          path: 'at',
          message: `must not be earlier than the engine's last time ${this.t(this.lastTime)}, received ${this.t(now)}`,
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
    this.lastTime = now;
    this.detectDelays(now);
  }

  private lineOf(lineId: string, context: string): Line {
    const line = typeof lineId === 'string' ? this.lines.get(lineId) : undefined;
    if (!line) {
      throw new ValidationError(
        [
          {
            path: 'lineId',
            message: `must be one of ${[...this.lines.keys()].map((l) => `'${l}'`).join(', ')}, received ${JSON.stringify(lineId)}`,
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
    const batchIds = new Set<string>();
    inputs.forEach((input, i) => {
      const path = inputs.length === 1 && base.length === 0 ? [] : [...base, i];
      const p = (field: string) => [...path, field].join('.');
      const r = check(orderSchema, input, path);
      if (!r.ok) {
        issues.push(...r.issues);
        return;
      }
      const o = r.value as NormalizedOrder;
      if (this.orders.has(o.id))
        issues.push({
          path: p('id'),
          message: `must be unused; order '${o.id}' was already submitted`,
        });
      else if (batchIds.has(o.id))
        issues.push({
          path: p('id'),
          message: `must be unique in the batch; '${o.id}' appears twice`,
        });
      batchIds.add(o.id);
      if (!(o.product in this.config.products)) {
        issues.push({
          path: p('product'),
          message: `must be a product of the catalog (${Object.keys(this.config.products).join(', ')}), received '${o.product}'`,
        });
      } else if (o.line !== undefined) {
        const line = this.lines.get(o.line);
        if (!line)
          issues.push({
            path: p('line'),
            message: `must be one of ${[...this.lines.keys()].join(', ')}, received '${o.line}'`,
          });
        else if (!line.makes(o))
          issues.push({
            path: p('line'),
            message: `line '${o.line}' does not make '${o.product}'`,
          });
      } else if (![...this.lines.values()].some((l) => l.makes(o))) {
        issues.push({ path: p('product'), message: `no line makes '${o.product}'` });
      }
      if (o.uploadedAt > now)
        issues.push({
          path: p('uploadedAt'),
          message: `must not be after the time of submission ${this.t(now)}, received ${this.t(o.uploadedAt)}`,
        });
      out.push(o);
    });
    if (issues.length > 0) throw new ValidationError(issues, context);
    return out;
  }

  // ------------------------------------------------------------------ deciding

  private decide(order: NormalizedOrder, now: number): Decision {
    const line = this.chooseLine(order, now);
    const units = order.quantity * (this.config.products[order.product]?.unitsPerItem ?? 1);
    const rec: OrderRecord = {
      order,
      line: line.id,
      cls: 'normal',
      seq: ++this.seq,
      units,
      work: line.workFor(units),
      submittedAt: now,
      requestedBy: 0,
      promisedBy: 0,
      plain: false,
      status: 'queued',
      handle: 0,
      decision: undefined as unknown as Decision,
      atRisk: [],
    };
    this.orders.set(order.id, rec);
    const rush = order.rush;
    if (rush && rush.cause !== 'client') return this.decideCompany(rec, line, now);
    if (rush) return this.decideClientRush(rec, line, now);
    return this.queueNormal(rec, line, now, [], 'queued');
  }

  /** The line that makes the product and can start on new work soonest (configuration order breaks ties). */
  private chooseLine(order: NormalizedOrder, now: number): Line {
    if (order.line !== undefined) return this.lines.get(order.line) as Line;
    const cnow = this.calendar.coord(now);
    let best: Line | undefined;
    let bestFree = Number.POSITIVE_INFINITY;
    for (const line of this.lines.values()) {
      if (!line.makes(order)) continue;
      const free = line.startCoord(cnow) + line.ledger.totalWork;
      if (free < bestFree) {
        best = line;
        bestFree = free;
      }
    }
    return best as Line;
  }

  private keyOf(rec: OrderRecord, promise: number): LedgerKey {
    return {
      cls: rec.cls === 'company' ? 0 : 1,
      seq: rec.seq,
      promise,
      tier: TIER_RANK[rec.order.tier],
      uploadedAt: rec.order.uploadedAt,
      id: rec.order.id,
    };
  }

  /** Work of the company-caused orders queued on the line. */
  private companyWork(line: Line): number {
    return line.ledger.workBefore({
      cls: 1,
      seq: -1,
      promise: Number.NEGATIVE_INFINITY,
      tier: 0,
      uploadedAt: Number.NEGATIVE_INFINITY,
      id: '',
    });
  }

  private decideCompany(rec: OrderRecord, line: Line, now: number): Decision {
    const rush = rec.order.rush as NonNullable<NormalizedOrder['rush']>;
    rec.cls = 'company';
    const cal = this.calendar;
    const c0 = line.startCoord(cal.coord(now));
    // A company-caused order goes after the company-caused orders already queued (first come,
    // first served among them) and before everything else.
    const finish = c0 + this.companyWork(line) + rec.work;
    let deadline: number;
    let deadlineText: string;
    if (rush.cause === 'rework') {
      const sla = this.config.policy.reworkSlaHours[rec.order.product] ?? 'same-day';
      if (sla === 'same-day') {
        deadline = cal.productionDay(now).close;
        deadlineText = `the rework deadline for ${rec.order.product} (the same working day)`;
      } else {
        deadline = now + sla * MS_PER_HOUR;
        deadlineText = `the rework deadline for ${rec.order.product} (${sla} h)`;
      }
    } else {
      deadline = cal.timeAt(
        finish + this.config.policy.rush.immediateBufferMinutes * MS_PER_MINUTE,
      );
      deadlineText = 'the immediate deadline';
    }
    const reasons: Reason[] = [
      {
        rule: 'company-fault',
        message: `${rush.cause} is the company's own fault: handled as the most urgent, produced before every client order, outside the rush quota.`,
      },
    ];
    let promise = deadline;
    if (cal.coord(deadline) < finish) {
      promise = cal.timeAt(finish);
      reasons.push({
        rule: 'available-to-promise',
        message: `${deadlineText} ${this.t(deadline)} cannot be met even first in line; the earliest finish is ${this.t(promise)}.`,
      });
    }
    rec.requestedBy = deadline;
    rec.promisedBy = promise;
    line.enqueue(rec, cal.coord(promise), TIER_RANK[rec.order.tier], true);
    const atRisk = this.flagLate(line, now, 'company-rush', rec.order.id);
    if (atRisk.length > 0) {
      reasons.push({
        rule: 'company-fault',
        message: `puts ${atRisk.length} promised order${atRisk.length === 1 ? '' : 's'} at risk: ${atRisk.slice(0, 10).join(', ')}${atRisk.length > 10 ? ', …' : ''}.`,
      });
    }
    const decision = this.finishDecision(rec, now, 'rush-accepted', reasons, atRisk, undefined);
    // Company rushes count against no quota; the register still shows the day as it stood.
    const load = this.loadOf(line, now);
    this.recordRush(
      rec,
      line,
      now,
      decision,
      deadline,
      load.day.date,
      load.tight,
      {
        used: load.used,
        limit: quotaLimit(this.config.policy, rec.order.tier, load.dailyCapacity),
      },
      this.recentRushes(rec.order.clientId, now),
    );
    if (rush.cause === 'rework') {
      const entry: ReworkRecord = {
        orderId: rec.order.id,
        line: line.id,
        product: rec.order.product,
        clientId: rec.order.clientId,
        registeredAt: now,
        date: cal.dayOf(now).date,
        ...(rush.reason !== undefined ? { cause: rush.reason } : {}),
        ...(rush.responsible !== undefined ? { responsible: rush.responsible } : {}),
        deadline,
      };
      this.reworkLog.push(entry);
      this.reworkByOrder.set(rec.order.id, entry);
    }
    return decision;
  }

  private decideClientRush(rec: OrderRecord, line: Line, now: number): Decision {
    const rush = rec.order.rush as NonNullable<NormalizedOrder['rush']>;
    const urgency = rush.urgency as Urgency;
    const cal = this.calendar;
    const policy = this.config.policy;
    const cnow = cal.coord(now);
    const c0 = line.startCoord(cnow);
    const companyWork = this.companyWork(line);
    const firstFinish = c0 + companyWork + rec.work;

    let deadline: number | undefined;
    let unreachableWhy = '';
    switch (urgency) {
      case 'immediate':
        deadline = cal.timeAt(firstFinish + policy.rush.immediateBufferMinutes * MS_PER_MINUTE);
        break;
      case 'half-day':
        deadline = cal.timeAt(cnow + policy.rush.halfDayHours * MS_PER_HOUR);
        break;
      case 'same-day': {
        const today = cal.dayOf(now);
        if (!today.working || now >= (today.close as number)) {
          unreachableWhy = `the lab is closed for the rest of ${today.date}`;
        } else if (localHHmm(this.fmt, now) > policy.rush.sameDayCutoff) {
          unreachableWhy = `asked for at ${localHHmm(this.fmt, now)}, after the same-day cutoff ${policy.rush.sameDayCutoff}`;
        } else {
          deadline = today.close as number;
        }
        break;
      }
      case 'next-day':
        deadline = cal.nextWorkingDay(now).close;
        break;
    }
    const reachable = deadline !== undefined && firstFinish <= cal.coord(deadline);
    if (deadline !== undefined && !reachable) {
      unreachableWhy = `even produced next, ${rec.order.quantity} ${rec.order.product} would finish ${this.t(cal.timeAt(firstFinish))}, after the ${urgency} deadline ${this.t(deadline)}`;
    }

    const {
      day: pd,
      remainingToday,
      promisedToday,
      tight,
      dailyCapacity,
      used,
    } = this.loadOf(line, now);
    const limit = quotaLimit(policy, rec.order.tier, dailyCapacity);
    const recent = this.recentRushes(rec.order.clientId, now);
    const key = this.keyOf(rec, deadline ?? 0);
    const due = deadline !== undefined ? cal.coord(deadline) : 0;

    const verdict = decideRush(
      {
        companyCaused: false,
        tier: rec.order.tier,
        product: rec.order.product,
        quantity: rec.order.quantity,
        units: rec.units,
        deadlineReachable: reachable,
        quotaUsed: used,
        dailyCapacity,
        tight,
        recentRushes: recent,
        keepsPromises: () => keepsPromises(line.ledger, key, due, rec.work, c0),
      },
      policy,
    );

    const load = `${Math.round((promisedToday / Math.max(1, remainingToday)) * 100)}% of the rest of ${pd.date} is promised`;
    let earliest: number | undefined;
    const reasons: Reason[] = [];
    switch (verdict.rule) {
      case 'deadline-unreachable':
        earliest = earliestPromise(line.ledger, cal, key, rec.work, deadline ?? now, c0);
        reasons.push({
          rule: 'deadline-unreachable',
          message: `${unreachableWhy}; the earliest the lab can promise is ${this.t(earliest)}.`,
        });
        break;
      case 'daily-rush-quota':
        reasons.push({
          rule: 'daily-rush-quota',
          message: `${used} rush ${unitWord(used)} already accepted on ${line.id} for ${pd.date}; ${rec.units} more would pass the quota of ${Math.floor(limit)} (${Math.round((limit / Math.max(dailyCapacity, 1e-9)) * 100)}% of the day's ${Math.round(dailyCapacity)}).`,
        });
        break;
      case 'frequent-rusher':
        reasons.push({
          rule: 'frequent-rusher',
          message: `the line is tight (${load}) and client ${rec.order.clientId} has had ${recent} accepted rushes in the last ${policy.rush.frequencyWindowDays} days (limit ${policy.rush.frequentRushCount}).`,
        });
        break;
      case 'large-rush-under-load':
        reasons.push({
          rule: 'large-rush-under-load',
          message: `the line is tight (${load}) and ${rec.order.quantity} ${rec.order.product} is more than a small rush (${policy.rush.smallQuantity[rec.order.product]}) for a regular client.`,
        });
        break;
      case 'would-break-promises':
        earliest = earliestPromise(line.ledger, cal, key, rec.work, deadline as number, c0);
        reasons.push({
          rule: 'would-break-promises',
          message: `promising ${this.t(deadline as number)} would make an order already promised late; the earliest the lab can promise without that is ${this.t(earliest)}.`,
        });
        break;
      case 'accepted':
        reasons.push({
          rule: 'accepted',
          message: `${urgency} rush accepted: ${rec.order.quantity} ${rec.order.product} promised by ${this.t(deadline as number)} without delaying any promised order${tight ? ` (the line is tight: ${load})` : ''}.`,
        });
        break;
    }

    let decision: Decision;
    if (verdict.accepted) {
      rec.cls = 'rush';
      rec.requestedBy = deadline as number;
      rec.promisedBy = deadline as number;
      line.enqueue(rec, due, TIER_RANK[rec.order.tier], true);
      line.rushUnits.set(pd.date, used + rec.units);
      const times = this.clientRushes.get(rec.order.clientId) ?? [];
      times.push(now);
      this.clientRushes.set(rec.order.clientId, times);
      decision = this.finishDecision(rec, now, 'rush-accepted', reasons, [], undefined);
    } else {
      decision = this.queueNormal(rec, line, now, reasons, 'rush-declined', earliest);
    }
    this.recordRush(rec, line, now, decision, deadline, pd.date, tight, { used, limit }, recent);
    return decision;
  }

  /**
   * Queues an order with its normal promise: the requested time if the line can keep it, else
   * the earliest it can (available-to-promise).
   */
  private queueNormal(
    rec: OrderRecord,
    line: Line,
    now: number,
    reasons: Reason[],
    outcome: Decision['outcome'],
    earliest?: number,
  ): Decision {
    const o = rec.order;
    const cal = this.calendar;
    let requested = o.uploadedAt + this.config.policy.standardTurnaroundHours[o.tier] * MS_PER_HOUR;
    let source = `the ${this.config.policy.standardTurnaroundHours[o.tier]} h turnaround for ${o.tier} clients`;
    if (o.shipBy !== undefined && o.shipBy < requested) {
      requested = o.shipBy;
      source = 'the ship time';
    }
    if (o.pickupAt !== undefined && o.pickupAt < requested) {
      requested = o.pickupAt;
      source = 'the pickup time';
    }
    rec.plain = o.shipBy === undefined && o.pickupAt === undefined;
    const own: Reason[] = [];
    if (rec.plain) {
      // First uploaded, first made: never ask ahead of a queued plain order of the same tier
      // uploaded earlier.
      const floor = line.fcfs[o.tier].maxPromiseBefore(o.uploadedAt);
      if (floor > requested) {
        own.push({
          rule: 'first-uploaded-first-made',
          message: `${source} (${this.t(requested)}) is raised to ${this.t(floor)}, the promise of an earlier upload of the same tier.`,
        });
        requested = floor;
        source = 'first uploaded, first made';
      }
    }
    rec.requestedBy = requested;
    const c0 = line.startCoord(cal.coord(now));
    const promise = earliestPromise(
      line.ledger,
      cal,
      this.keyOf(rec, requested),
      rec.work,
      requested,
      c0,
    );
    rec.promisedBy = promise;
    line.enqueue(rec, cal.coord(promise), TIER_RANK[o.tier], true);
    const promiseReason: Reason =
      promise === requested
        ? {
            rule: 'requested-time',
            message: `promised by ${this.t(promise)}, as asked by ${source}.`,
          }
        : {
            rule: 'available-to-promise',
            message: `${source} asks for ${this.t(requested)}, which the line cannot keep without delaying promised orders; promised by ${this.t(promise)}, the earliest it can.`,
          };
    return this.finishDecision(
      rec,
      now,
      outcome,
      [...reasons, promiseReason, ...own],
      [],
      earliest,
    );
  }

  private finishDecision(
    rec: OrderRecord,
    now: number,
    outcome: Decision['outcome'],
    reasons: Reason[],
    atRisk: string[],
    earliest: number | undefined,
  ): Decision {
    const decision: Decision = {
      orderId: rec.order.id,
      line: rec.line,
      outcome,
      promisedBy: rec.promisedBy,
      reasons,
      atRisk,
      ...(earliest !== undefined ? { earliestPossible: earliest } : {}),
      decidedAt: now,
      requestedBy: rec.requestedBy,
    };
    rec.decision = decision;
    return structuredClone(decision);
  }

  /**
   * Today's load on a line (rules.md §4): the work promised for the rest of the production
   * day against the capacity left in it, the day's capacity in units, and the client-rush
   * units already accepted for it.
   */
  private loadOf(line: Line, now: number) {
    const cal = this.calendar;
    const pd = cal.productionDay(now);
    const cnow = cal.coord(now);
    const remainingToday = cal.coord(pd.close) - cnow;
    const promisedToday =
      (line.busy ? Math.max(0, line.busyFinish - cnow) : 0) +
      line.ledger.workBefore({
        cls: 1,
        seq: Number.POSITIVE_INFINITY,
        promise: pd.close,
        tier: 255,
        uploadedAt: Number.POSITIVE_INFINITY,
        id: '\uffff',
      });
    return {
      day: pd,
      remainingToday,
      promisedToday,
      tight: promisedToday >= this.config.policy.rush.tightLoad * remainingToday,
      dailyCapacity: (line.unitsPerHour * (cal.coord(pd.close) - cal.coord(pd.open))) / MS_PER_HOUR,
      used: line.rushUnits.get(pd.date) ?? 0,
    };
  }

  private recordRush(
    rec: OrderRecord,
    line: Line,
    now: number,
    d: Decision,
    deadline: number | undefined,
    day: string,
    tight: boolean,
    quota: { used: number; limit: number },
    recentRushes: number,
  ): void {
    const rush = rec.order.rush as NonNullable<NormalizedOrder['rush']>;
    this.rushLog.push({
      orderId: rec.order.id,
      clientId: rec.order.clientId,
      tier: rec.order.tier,
      line: line.id,
      product: rec.order.product,
      quantity: rec.order.quantity,
      units: rec.units,
      ...(rush.urgency !== undefined ? { urgency: rush.urgency } : {}),
      cause: rush.cause,
      ...(rush.reason !== undefined ? { reason: rush.reason } : {}),
      ...(rush.responsible !== undefined ? { responsible: rush.responsible } : {}),
      requestedAt: now,
      day,
      outcome: d.outcome as RushRecord['outcome'],
      ...(deadline !== undefined ? { deadline } : {}),
      promisedBy: d.promisedBy,
      reasons: structuredClone(d.reasons),
      atRisk: [...d.atRisk],
      ...(d.earliestPossible !== undefined ? { earliestPossible: d.earliestPossible } : {}),
      tight,
      quota,
      recentRushes,
    } as RushRecord);
  }

  /** Accepted client rushes of a client within the frequency window ending now. */
  private recentRushes(clientId: string, now: number): number {
    const times = this.clientRushes.get(clientId);
    if (!times) return 0;
    const since = now - this.config.policy.rush.frequencyWindowDays * MS_PER_DAY;
    // Times are appended in time order, so the window is a suffix: binary search its start.
    let lo = 0;
    let hi = times.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((times[mid] as number) > since) hi = mid;
      else lo = mid + 1;
    }
    return times.length - lo;
  }

  // ------------------------------------------------------------------ at risk

  /**
   * Reports every order that can no longer make its promise because time passed while its line
   * was idle or its order in production ran long. Runs on every call that moves time; on a line
   * with nothing late it costs one comparison.
   */
  private detectDelays(now: number): void {
    for (const line of this.lines.values()) {
      const b = line.busy;
      if (b && b.atRisk.length === 0 && now > b.promisedBy) this.reportAtRisk(b, now, 'line-delay');
      this.flagLate(line, now, 'line-delay');
    }
  }

  /** Marks and reports the on-time queued orders of a line that would now finish late. */
  private flagLate(line: Line, now: number, cause: AtRiskReport['cause'], by?: string): string[] {
    const c0 = line.startCoord(this.calendar.coord(now));
    if (line.ledger.minSlack >= c0) return [];
    const ids: string[] = [];
    for (const h of line.ledger.collectSlackBelow(c0)) {
      const rec = line.byHandle[h] as OrderRecord;
      line.ledger.setOnTime(h, false);
      this.reportAtRisk(rec, now, cause, by);
      ids.push(rec.order.id);
    }
    return ids;
  }

  private reportAtRisk(
    rec: OrderRecord,
    now: number,
    cause: AtRiskReport['cause'],
    by?: string,
  ): void {
    const report: AtRiskReport = {
      orderId: rec.order.id,
      line: rec.line,
      at: now,
      cause,
      ...(by !== undefined ? { by } : {}),
    };
    rec.atRisk.push(report);
    this.riskLog.push(report);
  }

  /** A time in the lab's zone, `yyyy-MM-dd HH:mm`. */
  private t(ms: number): string {
    return Number.isFinite(ms) ? this.fmt.format(ms) : String(ms);
  }
}

function byUpload(a: NormalizedOrder, b: NormalizedOrder): number {
  if (a.uploadedAt !== b.uploadedAt) return a.uploadedAt - b.uploadedAt;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function localHHmm(fmt: Intl.DateTimeFormat, ms: number): string {
  return fmt.format(ms).slice(-5);
}

function unitWord(n: number): string {
  return n === 1 ? 'unit' : 'units';
}

/** Creates a scheduler; every part of the configuration is optional. Throws `ValidationError` on a bad configuration. */
export function createScheduler(config?: SchedulerConfig): Scheduler {
  return new Scheduler(resolveConfig(config));
}

export type { OrderClass };
