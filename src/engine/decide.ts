/**
 * Deciding one order (rules.md §3–§5): which line, which class, the rush gates with their
 * facts, the promise, and the entries of the registers. The facade has validated the order
 * and committed the time before any of this runs.
 */
import { TIER_RANK } from '../domain/defaults.js';
import { requestedTime } from '../domain/requested.js';
import type {
  Decision,
  NormalizedOrder,
  ReworkRecord,
  RushRecord,
  Urgency,
} from '../domain/types.js';
import { decideRush, quotaLimit } from '../policy/gates.js';
import { earliestPromise, keepsPromises } from '../promise/promising.js';
import type { LedgerKey } from '../queue/promise-ledger.js';
import { parseHHmm } from '../time/calendar.js';
import { MAX_DECIDED_MS, MS_PER_HOUR, MS_PER_MINUTE } from '../time/units.js';
import type { Line } from './line.js';
import { decisionOf } from './reasons.js';
import { OrderRecord, type RushEntry, type Why } from './records.js';
import type { EngineState } from './state.js';

type ClientWhy = Extract<Why, { kind: 'client' }>;

/** Decides orders against the engine's state, changing it: queues, registers, rush counts. */
export class Decider {
  /** Working ms a rush's deadline may lie after the end of its work: the `immediate` buffer or the `half-day` span. */
  private readonly rushSpan: number;

  constructor(private readonly st: EngineState) {
    const rush = st.config.policy.rush;
    this.rushSpan = Math.max(
      rush.immediateBufferMinutes * MS_PER_MINUTE,
      rush.halfDayHours * MS_PER_HOUR,
    );
  }

  /**
   * Decides one validated order at `now` on `line` (as `lineFor` chose it) and queues it;
   * returns the caller's copy of the decision.
   */
  decide(order: NormalizedOrder, now: number, line: Line): Decision {
    const units = this.unitsOf(order);
    const rec = new OrderRecord(
      this.st.records,
      order,
      line.id,
      ++this.st.seq,
      units,
      line.workFor(units),
      now,
    );
    this.st.orders.set(order.id, rec);
    this.decideRecord(rec, now, line);
    return decisionOf(this.st, rec);
  }

  /**
   * Decides the order of `rec` at `now` on `line` and queues it, as a submission at that
   * moment would: its rush request through the gates (a new register entry), else its normal
   * promise, with first uploaded, first made by its own upload time. A held order being
   * released comes through here with its record, its work set at the line's present rate.
   */
  decideRecord(rec: OrderRecord, now: number, line: Line): void {
    rec.why = undefined;
    rec.cls = 'normal';
    rec.plain = false;
    rec.outcome = 'queued';
    rec.decidedDown = false;
    const rush = rec.order.rush;
    if (rush && rush.cause !== 'client') this.decideCompany(rec, line, now);
    else if (rush) this.decideClientRush(rec, line, now);
    else this.queueNormal(rec, line, now);
    // On a line that is down the promise was counted as if the line came back now; when it
    // will is not known, so the order is reported at risk at once (docs/rules.md).
    if (line.down) {
      rec.decidedDown = true;
      this.st.flagDown(line, now);
    }
  }

  /**
   * Promises again a queued order that was amended, taken off its line and given its new
   * quantity and times (rules.md, "The life of an order"): it keeps its promise when the line can
   * still finish it by then without making any other order late, unless it now asks for an
   * earlier time than before; otherwise it gets the earliest promise the line can keep from the
   * time it asks for. Never moves another order's promise. Returns whether the promise was kept.
   */
  reprice(rec: OrderRecord, line: Line, now: number): boolean {
    const cal = this.st.calendar;
    const o = rec.order;
    const policy = this.st.config.policy;
    const own = requestedTime(o, policy).time;
    let requested: number;
    if (rec.cls === 'rush') {
      // An accepted rush asks for the earlier of its urgency deadline and its own time.
      const deadline = rec.rushEntry?.deadline ?? rec.requestedBy;
      requested = Math.min(deadline, own);
    } else {
      requested = own;
      rec.plain = o.shipBy === undefined && o.pickupAt === undefined;
      if (rec.plain) {
        const floor = line.fcfs[o.tier].latestPromiseBefore(o.uploadedAt);
        if (floor > requested) requested = floor;
      }
    }
    const c0 = line.startCoord(cal.coord(now));
    const old = rec.promisedBy;
    const keep =
      requested >= rec.requestedBy &&
      keepsPromises(line.ledger, this.keyOf(rec, old), cal.coord(old), rec.work, c0);
    const promise = keep
      ? old
      : earliestPromise(line.ledger, cal, this.keyOf(rec, requested), rec.work, requested, c0);
    rec.requestedBy = requested;
    rec.promisedBy = promise;
    // An order once reported at risk stays reported: its new promise does not guard it again
    // (docs/rules.md), exactly as a restored engine would queue it.
    line.enqueue(rec, cal.coord(promise), TIER_RANK[o.tier], !rec.reportedAtRisk);
    if (line.down) {
      rec.decidedDown = true;
      this.st.flagDown(line, now);
    }
    return keep;
  }

  /** Units of work of an order. */
  unitsOf(order: NormalizedOrder): number {
    return order.quantity * (this.st.config.products[order.product]?.unitsPerItem ?? 1);
  }

  /**
   * The line an order goes to: its own, or the one that makes the product and can start on new
   * work soonest (configuration order breaks ties). `cnow` is the coordinate of now; `pending`
   * holds, per line, the work of the orders of the same batch decided before this one, which
   * the ledgers will hold by then. Changes nothing.
   */
  lineFor(order: NormalizedOrder, cnow: number, pending?: Map<Line, number>): Line {
    if (order.line !== undefined) return this.st.lines.get(order.line) as Line;
    let best: Line | undefined;
    let bestFree = Number.POSITIVE_INFINITY;
    for (const line of this.st.lines.values()) {
      if (!line.makes(order)) continue;
      // A line that is down is chosen only when every line that makes the product is down.
      const free = line.down
        ? Number.MAX_VALUE
        : line.startCoord(cnow) + line.ledger.totalWork + (pending?.get(line) ?? 0);
      if (free < bestFree) {
        best = line;
        bestFree = free;
      }
    }
    return best as Line;
  }

  /**
   * Whether every time the decision of `order` on `line` gives lies by `MAX_DECIDED_MS`, so
   * that it can be decided whole; changes nothing. The times it computes from working time
   * (finish, promise, the deadline of a rush) lie at or before the end of the line's work with
   * the order added, plus a rush's deadline span; the others (a requested time, a rework
   * deadline, a day's close) lie at most a policy span after a time a caller gave.
   */
  fitsWindow(
    order: NormalizedOrder,
    line: Line,
    cnow: number,
    pending?: Map<Line, number>,
  ): boolean {
    const work = line.workFor(this.unitsOf(order));
    let end = line.startCoord(cnow) + line.ledger.totalWork + (pending?.get(line) ?? 0) + work;
    if (order.rush !== undefined) {
      // An immediate rush asked for after the cutoff is made from the next opening.
      if (order.rush.cause === 'client' && order.rush.urgency === 'immediate')
        end = Math.max(end, this.immediateFrom(this.st.calendar.timeAt(cnow)) + work);
      end += this.rushSpan;
    }
    return this.st.calendar.endsBy(end, MAX_DECIDED_MS);
  }

  /**
   * Whether a client rush at `now` comes after today's same-day cutoff, within today's hours.
   * After the cutoff the lab promises no client rush for today (docs/rules.md): a `same-day`
   * rush cannot be had, and an `immediate` one is made from the next working day's opening.
   */
  private afterCutoff(now: number): boolean {
    const cal = this.st.calendar;
    const today = cal.dayOf(now);
    if (!today.working || now >= (today.close as number)) return false;
    const cutoff = this.st.config.policy.rush.sameDayCutoff;
    const hours = cal.exceptionOn(today.date);
    if (!hours) return localHHmm(this.st.fmt, now) > cutoff;
    // On a half day or an overtime day the cutoff keeps its distance from the close: a lab
    // that closes at 13:00 instead of 18:00 stops promising same-day rushes at 11:00, one that
    // stays open until 21:00 at 19:00 (with the default 16:00 cutoff).
    const shifted = hours.close - (parseHHmm(cal.spec.close) - parseHHmm(cutoff));
    return parseHHmm(localHHmm(this.st.fmt, now)) > shifted;
  }

  /** The coordinate an immediate client rush asked for at `now` may start from at the earliest. */
  private immediateFrom(now: number): number {
    const cal = this.st.calendar;
    return this.afterCutoff(now) ? cal.coord(cal.nextWorkingDay(now).open) : cal.coord(now);
  }

  /** The ledger key of an order with `promise`. */
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

  private decideCompany(rec: OrderRecord, line: Line, now: number): void {
    const rush = rec.order.rush as NonNullable<NormalizedOrder['rush']>;
    rec.cls = 'company';
    const cal = this.st.calendar;
    const c0 = line.startCoord(cal.coord(now));
    // A company-caused order goes after the company-caused orders already queued (first come,
    // first served among them) and before everything else.
    const finish = c0 + line.ledger.companyWork() + rec.work;
    let deadline: number;
    if (rush.cause === 'rework') {
      const sla = this.st.config.policy.reworkSlaHours[rec.order.product] ?? 'same-day';
      deadline = sla === 'same-day' ? cal.productionDay(now).close : now + sla * MS_PER_HOUR;
    } else {
      deadline = cal.timeAt(
        finish + this.st.config.policy.rush.immediateBufferMinutes * MS_PER_MINUTE,
      );
    }
    const pushed = cal.coord(deadline) < finish;
    const promise = pushed ? cal.timeAt(finish) : deadline;
    rec.requestedBy = deadline;
    rec.promisedBy = promise;
    rec.outcome = 'rush-accepted';
    line.enqueue(rec, cal.coord(promise), TIER_RANK[rec.order.tier], !rec.reportedAtRisk);
    const atRisk = this.st.flagLate(line, now, 'company-rush', rec.order.id);
    rec.why = { kind: 'company', deadline, pushed, atRisk };
    // Company rushes count against no quota; the register still shows the day as it stood.
    const load = this.st.loadOf(line, now);
    this.recordRush(
      rec,
      line,
      now,
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
      const entry = {
        orderId: rec.order.id,
        line: line.id,
        product: rec.order.product,
        clientId: rec.order.clientId,
        registeredAt: now,
        date: cal.dayOf(now).date,
      } as ReworkRecord;
      if (rush.reason !== undefined) entry.cause = rush.reason;
      if (rush.responsible !== undefined) entry.responsible = rush.responsible;
      entry.deadline = deadline;
      this.st.reworkLog.push(entry);
      this.st.reworkByOrder.set(rec.order.id, entry);
    }
  }

  private decideClientRush(rec: OrderRecord, line: Line, now: number): void {
    const rush = rec.order.rush as NonNullable<NormalizedOrder['rush']>;
    const urgency = rush.urgency as Urgency;
    const cal = this.st.calendar;
    const policy = this.st.config.policy;
    const cnow = cal.coord(now);
    const c0 = line.startCoord(cnow);
    const companyWork = line.ledger.companyWork();
    const firstFinish = c0 + companyWork + rec.work;

    let deadline: number | undefined;
    let closedDay: string | undefined;
    let askedAt: string | undefined;
    switch (urgency) {
      case 'immediate': {
        // Produced next in its class, but not before the next opening once the cutoff passed.
        const from = this.immediateFrom(now);
        if (from > cnow) askedAt = localHHmm(this.st.fmt, now);
        const finish = Math.max(firstFinish, from + rec.work);
        deadline = cal.timeAt(finish + policy.rush.immediateBufferMinutes * MS_PER_MINUTE);
        break;
      }
      case 'half-day':
        deadline = cal.timeAt(cnow + policy.rush.halfDayHours * MS_PER_HOUR);
        break;
      case 'same-day': {
        const today = cal.dayOf(now);
        if (!today.working || now >= (today.close as number)) {
          closedDay = today.date;
        } else if (this.afterCutoff(now)) {
          askedAt = localHHmm(this.st.fmt, now);
        } else {
          deadline = today.close as number;
        }
        break;
      }
      case 'next-day':
        deadline = cal.nextWorkingDay(now).close;
        break;
    }
    // A line that is down promises no rush: when it returns is not known (docs/rules.md).
    const reachable = !line.down && deadline !== undefined && firstFinish <= cal.coord(deadline);

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

    let earliest: number | undefined;
    if (line.down) {
      // No counter-offer: the earliest the line can make the order is not known.
    } else if (verdict.rule === 'deadline-unreachable')
      earliest = earliestPromise(line.ledger, cal, key, rec.work, deadline ?? now, c0);
    else if (verdict.rule === 'would-break-promises')
      earliest = earliestPromise(line.ledger, cal, key, rec.work, deadline as number, c0);
    const why = { kind: 'client', rule: verdict.rule } as ClientWhy;
    if ('message' in verdict) why.message = verdict.message;
    why.deadline = deadline;
    if (line.down) why.lineDownSince = line.downSince;
    if (closedDay !== undefined) why.closedDay = closedDay;
    if (askedAt !== undefined) why.askedAt = askedAt;
    if (deadline !== undefined && !reachable) why.finish = cal.timeAt(firstFinish);
    why.day = pd.date;
    why.promisedPct = Math.round((promisedToday / Math.max(1, remainingToday)) * 100);
    why.tight = tight;
    why.used = used;
    why.limit = limit;
    why.dailyCapacity = dailyCapacity;
    why.recent = recent;
    rec.why = why;

    if (verdict.accepted) {
      rec.cls = 'rush';
      // A rush never makes a promise later than the order would get without it (rules.md §3):
      // an accepted rush asks for the earlier of its urgency deadline and the time the order
      // asks for on its own (turnaround, ship or pickup time). The feasibility gate found the
      // deadline keepable, so the earliest keepable promise from that time is at latest the
      // deadline; and it is no later than the order's promise without the rush, which starts
      // its search from the same time or a later one.
      const asked = Math.min(deadline as number, requestedTime(rec.order, policy).time);
      const promise =
        asked < (deadline as number)
          ? earliestPromise(line.ledger, cal, this.keyOf(rec, asked), rec.work, asked, c0)
          : (deadline as number);
      rec.requestedBy = asked;
      rec.promisedBy = promise;
      rec.outcome = 'rush-accepted';
      line.enqueue(
        rec,
        promise === deadline ? due : cal.coord(promise),
        TIER_RANK[rec.order.tier],
        !rec.reportedAtRisk,
      );
      this.st.addRushUnits(line, pd.date, rec.units, now);
      this.st.noteClientRush(rec.order.clientId, now);
    } else {
      rec.outcome = 'rush-declined';
      if (earliest !== undefined) why.earliest = earliest;
      this.queueNormal(rec, line, now);
    }
    this.recordRush(rec, line, now, deadline, pd.date, tight, { used, limit }, recent);
  }

  /**
   * Queues an order with its normal promise: the requested time if the line can keep it, else
   * the earliest it can (available-to-promise).
   */
  private queueNormal(rec: OrderRecord, line: Line, now: number): void {
    const o = rec.order;
    const cal = this.st.calendar;
    let requested = requestedTime(o, this.st.config.policy).time;
    rec.plain = o.shipBy === undefined && o.pickupAt === undefined;
    if (rec.plain) {
      // First uploaded, first made: never ask ahead of a queued plain order of the same tier
      // uploaded earlier.
      const floor = line.fcfs[o.tier].latestPromiseBefore(o.uploadedAt);
      if (floor > requested) requested = floor;
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
    // A new order is on time; a released one once reported at risk stays reported (docs/rules.md).
    line.enqueue(rec, cal.coord(promise), TIER_RANK[o.tier], !rec.reportedAtRisk);
  }

  private recordRush(
    rec: OrderRecord,
    line: Line,
    now: number,
    deadline: number | undefined,
    day: string,
    tight: boolean,
    quota: { used: number; limit: number },
    recentRushes: number,
  ): void {
    const o = rec.order;
    const rush = o.rush as NonNullable<NormalizedOrder['rush']>;
    // Optional fields are added one by one, in the register's key order.
    const e = {
      orderId: o.id,
      clientId: o.clientId,
      tier: o.tier,
      line: line.id,
      product: o.product,
      quantity: o.quantity,
      units: rec.units,
    } as RushEntry;
    if (rush.urgency !== undefined) e.urgency = rush.urgency;
    e.cause = rush.cause;
    if (rush.reason !== undefined) e.reason = rush.reason;
    if (rush.responsible !== undefined) e.responsible = rush.responsible;
    e.requestedAt = now;
    e.day = day;
    e.outcome = rec.outcome as RushRecord['outcome'];
    if (deadline !== undefined) e.deadline = deadline;
    e.promisedBy = rec.promisedBy;
    // Rendered from the order's decision on read.
    e.reasons = undefined;
    e.atRisk = undefined;
    if (rec.earliest !== undefined) e.earliestPossible = rec.earliest;
    e.tight = tight;
    e.quota = quota;
    e.recentRushes = recentRushes;
    this.st.rushLog.push(e);
    rec.rushEntry = e;
  }
}

function localHHmm(fmt: Intl.DateTimeFormat, ms: number): string {
  return fmt.format(ms).slice(-5);
}
