/**
 * Deciding one order (rules.md §3–§5): which line, which class, the rush gates with their
 * facts, the promise, and the entries of the registers. The facade has validated the order
 * and committed the time before any of this runs.
 */
import { TIER_RANK } from '../domain/defaults.js';
import type {
  Decision,
  NormalizedOrder,
  Reason,
  ReworkRecord,
  RushRecord,
  Urgency,
} from '../domain/types.js';
import { decideRush, quotaLimit } from '../policy/gates.js';
import { earliestPromise, keepsPromises } from '../promise/promising.js';
import type { LedgerKey } from '../queue/ledger.js';
import type { Line } from './line.js';
import type { OrderRecord } from './records.js';
import type { EngineState } from './state.js';

const MS_PER_HOUR = 3_600_000;
const MS_PER_MINUTE = 60_000;

/** Decides orders against the engine's state, changing it: queues, registers, rush counts. */
export class Decider {
  constructor(private readonly st: EngineState) {}

  /** Decides one validated order at `now` and queues it; returns the caller's copy of the decision. */
  decide(order: NormalizedOrder, now: number): Decision {
    const line = this.chooseLine(order, now);
    const units = order.quantity * (this.st.config.products[order.product]?.unitsPerItem ?? 1);
    const rec: OrderRecord = {
      order,
      line: line.id,
      cls: 'normal',
      seq: ++this.st.seq,
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
    this.st.orders.set(order.id, rec);
    const rush = order.rush;
    if (rush && rush.cause !== 'client') return this.decideCompany(rec, line, now);
    if (rush) return this.decideClientRush(rec, line, now);
    return this.queueNormal(rec, line, now, [], 'queued');
  }

  /** The line that makes the product and can start on new work soonest (configuration order breaks ties). */
  private chooseLine(order: NormalizedOrder, now: number): Line {
    if (order.line !== undefined) return this.st.lines.get(order.line) as Line;
    const cnow = this.st.calendar.coord(now);
    let best: Line | undefined;
    let bestFree = Number.POSITIVE_INFINITY;
    for (const line of this.st.lines.values()) {
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
    const cal = this.st.calendar;
    const c0 = line.startCoord(cal.coord(now));
    // A company-caused order goes after the company-caused orders already queued (first come,
    // first served among them) and before everything else.
    const finish = c0 + this.companyWork(line) + rec.work;
    let deadline: number;
    let deadlineText: string;
    if (rush.cause === 'rework') {
      const sla = this.st.config.policy.reworkSlaHours[rec.order.product] ?? 'same-day';
      if (sla === 'same-day') {
        deadline = cal.productionDay(now).close;
        deadlineText = `the rework deadline for ${rec.order.product} (the same working day)`;
      } else {
        deadline = now + sla * MS_PER_HOUR;
        deadlineText = `the rework deadline for ${rec.order.product} (${sla} h)`;
      }
    } else {
      deadline = cal.timeAt(
        finish + this.st.config.policy.rush.immediateBufferMinutes * MS_PER_MINUTE,
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
        message: `${deadlineText} ${this.st.t(deadline)} cannot be met even first in line; the earliest finish is ${this.st.t(promise)}.`,
      });
    }
    rec.requestedBy = deadline;
    rec.promisedBy = promise;
    line.enqueue(rec, cal.coord(promise), TIER_RANK[rec.order.tier], true);
    const atRisk = this.st.flagLate(line, now, 'company-rush', rec.order.id);
    if (atRisk.length > 0) {
      reasons.push({
        rule: 'company-fault',
        message: `puts ${atRisk.length} promised order${atRisk.length === 1 ? '' : 's'} at risk: ${atRisk.slice(0, 10).join(', ')}${atRisk.length > 10 ? ', …' : ''}.`,
      });
    }
    const decision = this.finishDecision(rec, now, 'rush-accepted', reasons, atRisk, undefined);
    // Company rushes count against no quota; the register still shows the day as it stood.
    const load = this.st.loadOf(line, now);
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
        limit: quotaLimit(this.st.config.policy, rec.order.tier, load.dailyCapacity),
      },
      this.st.recentRushes(rec.order.clientId, now),
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
      this.st.reworkLog.push(entry);
      this.st.reworkByOrder.set(rec.order.id, entry);
    }
    return decision;
  }

  private decideClientRush(rec: OrderRecord, line: Line, now: number): Decision {
    const rush = rec.order.rush as NonNullable<NormalizedOrder['rush']>;
    const urgency = rush.urgency as Urgency;
    const cal = this.st.calendar;
    const policy = this.st.config.policy;
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
        } else if (localHHmm(this.st.fmt, now) > policy.rush.sameDayCutoff) {
          unreachableWhy = `asked for at ${localHHmm(this.st.fmt, now)}, after the same-day cutoff ${policy.rush.sameDayCutoff}`;
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
      unreachableWhy = `even produced next, ${rec.order.quantity} ${rec.order.product} would finish ${this.st.t(cal.timeAt(firstFinish))}, after the ${urgency} deadline ${this.st.t(deadline)}`;
    }

    const {
      day: pd,
      remainingToday,
      promisedToday,
      tight,
      dailyCapacity,
      used,
    } = this.st.loadOf(line, now);
    const limit = quotaLimit(policy, rec.order.tier, dailyCapacity);
    const recent = this.st.recentRushes(rec.order.clientId, now);
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
        custom: () => ({
          request: { order: rec.order, urgency },
          context: {
            at: now,
            day: pd.date,
            line: line.id,
            units: rec.units,
            deadline: deadline as number,
            tight,
            quotaUsed: used,
            quotaLimit: limit,
            dailyCapacity,
            recentRushes: recent,
          },
        }),
      },
      policy,
      this.st.config.gates,
    );

    const load = `${Math.round((promisedToday / Math.max(1, remainingToday)) * 100)}% of the rest of ${pd.date} is promised`;
    let earliest: number | undefined;
    const reasons: Reason[] = [];
    switch (verdict.rule) {
      case 'deadline-unreachable':
        earliest = earliestPromise(line.ledger, cal, key, rec.work, deadline ?? now, c0);
        reasons.push({
          rule: 'deadline-unreachable',
          message: `${unreachableWhy}; the earliest the lab can promise is ${this.st.t(earliest)}.`,
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
          message: `promising ${this.st.t(deadline as number)} would make an order already promised late; the earliest the lab can promise without that is ${this.st.t(earliest)}.`,
        });
        break;
      case 'accepted':
        reasons.push({
          rule: 'accepted',
          message: `${urgency} rush accepted: ${rec.order.quantity} ${rec.order.product} promised by ${this.st.t(deadline as number)} without delaying any promised order${tight ? ` (the line is tight: ${load})` : ''}.`,
        });
        break;
      default:
        // A custom gate declined: its id is the rule, its sentence the message.
        if ('message' in verdict) reasons.push({ rule: verdict.rule, message: verdict.message });
        break;
    }

    let decision: Decision;
    if (verdict.accepted) {
      rec.cls = 'rush';
      rec.requestedBy = deadline as number;
      rec.promisedBy = deadline as number;
      line.enqueue(rec, due, TIER_RANK[rec.order.tier], true);
      line.rushUnits.set(pd.date, used + rec.units);
      const times = this.st.clientRushes.get(rec.order.clientId) ?? [];
      times.push(now);
      this.st.clientRushes.set(rec.order.clientId, times);
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
    const cal = this.st.calendar;
    let requested =
      o.uploadedAt + this.st.config.policy.standardTurnaroundHours[o.tier] * MS_PER_HOUR;
    let source = `the ${this.st.config.policy.standardTurnaroundHours[o.tier]} h turnaround for ${o.tier} clients`;
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
          message: `${source} (${this.st.t(requested)}) is raised to ${this.st.t(floor)}, the promise of an earlier upload of the same tier.`,
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
            message: `promised by ${this.st.t(promise)}, as asked by ${source}.`,
          }
        : {
            rule: 'available-to-promise',
            message: `${source} asks for ${this.st.t(requested)}, which the line cannot keep without delaying promised orders; promised by ${this.st.t(promise)}, the earliest it can.`,
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
    // The caller gets its own copy: changing it must not change the engine's record.
    return { ...decision, reasons: decision.reasons.map((r) => ({ ...r })), atRisk: [...atRisk] };
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
    this.st.rushLog.push({
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
      reasons: d.reasons.map((r) => ({ ...r })),
      atRisk: [...d.atRisk],
      ...(d.earliestPossible !== undefined ? { earliestPossible: d.earliestPossible } : {}),
      tight,
      quota,
      recentRushes,
    } as RushRecord);
  }
}

function localHHmm(fmt: Intl.DateTimeFormat, ms: number): string {
  return fmt.format(ms).slice(-5);
}

function unitWord(n: number): string {
  return n === 1 ? 'unit' : 'units';
}
