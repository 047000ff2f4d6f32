/**
 * Saving and restoring the engine's state as plain JSON (the format is in
 * snapshot-format.ts). Coordinates are recomputed from times on the way in.
 */
import { TIER_RANK } from '../domain/defaults.js';
import type { AtRiskReport, Decision } from '../domain/types.js';
import { handedOut } from './_internal/handed-out.js';
import type { Line } from './line.js';
import { decisionOf, rushRecordOf } from './reasons.js';
import { isSettled, OrderRecord, RecordCut, type RushEntry } from './records.js';
import { SNAPSHOT_FORMAT, SNAPSHOT_VERSION, type Snapshot } from './snapshot-format.js';
import { EngineState } from './state.js';

/**
 * An array of a snapshot given by its elements, made one at a time: so that the snapshot's text
 * can be written piece by piece without the whole array built first.
 */
class Elements {
  constructor(readonly each: () => Iterable<unknown>) {}
}

/**
 * How a snapshot sees the orders: as the state holds them now, or as they were at a cut
 * (`snapshotCut`) while the state went on.
 */
interface OrdersSeen {
  /** The orders held, by submission sequence number. */
  inOrder(): Iterable<OrderRecord>;
  /** The order of a rush entry whose sentences are rendered from its decision. */
  byId(id: string): OrderRecord | undefined;
  /** An order's rush entry as the snapshot holds it. */
  entry(e: RushEntry): RushEntry;
}

/**
 * The orders held, by submission sequence number. The map holds them so already (an order is
 * added once, when submitted or restored in that order, with a number above every other's), so
 * they are sorted only if that ever stops holding: a cut lists 10⁵ orders in a millisecond.
 */
function ordersBySeq(st: EngineState): OrderRecord[] {
  const orders = [...st.orders.values()];
  for (let i = 1; i < orders.length; i++)
    if ((orders[i] as OrderRecord).seq < (orders[i - 1] as OrderRecord).seq)
      return orders.sort((a, b) => a.seq - b.seq);
  return orders;
}

/** The orders as the state holds them now. */
function ordersNow(st: EngineState): OrdersSeen {
  return {
    inOrder: () => ordersBySeq(st),
    byId: (id) => st.orders.get(id),
    entry: (e) => e,
  };
}

/**
 * The snapshot's fields in order, each a value or the `Elements` of an array; undefined for a
 * field absent from this state. `toSnapshot` and `snapshotText` both render this one list, so
 * the text is exactly `JSON.stringify(toSnapshot(st))`.
 */
function snapshotFields(
  st: EngineState,
  seen: OrdersSeen,
  fresh: boolean,
): [keyof Snapshot, unknown][] {
  // The rush entries the register still holds; an order's own entry past it goes with the order.
  const held = new Set(st.rushLog);
  // A caller's snapshot gets its own copies of what the engine holds; text is made at once from
  // the engine's own (nothing here changes it), which at 10⁵ orders saves 10⁵ clones a cut.
  const copy: <T>(value: T) => T = fresh ? structuredClone : (value) => value;
  const order = (r: OrderRecord) => {
    const entry = r.rushEntry;
    return {
      order: copy(r.order),
      line: r.line,
      cls: r.cls,
      seq: r.seq,
      units: r.units,
      submittedAt: r.submittedAt,
      requestedBy: r.requestedBy,
      promisedBy: r.promisedBy,
      plain: r.plain,
      status: r.status,
      decision: handedOut(decisionOf(st, r)),
      atRisk: st.riskLog.of(r),
      ...(r.startedAt !== undefined ? { startedAt: r.startedAt } : {}),
      ...(r.expectedFinish !== undefined ? { expectedFinish: r.expectedFinish } : {}),
      ...(r.finishedAt !== undefined ? { finishedAt: r.finishedAt } : {}),
      ...(r.status === 'held' ? { heldAt: r.statusAt as number } : {}),
      ...(r.status === 'cancelled' ? { cancelledAt: r.statusAt as number } : {}),
      ...(entry !== undefined && !held.has(entry) && !isSettled(r)
        ? { rushEntry: rushRecordOf(st, seen.entry(entry), () => r) }
        : {}),
    };
  };
  const registered = st.rushLog.start + st.reworkLog.start + st.riskLog.start > 0;
  return [
    ['format', SNAPSHOT_FORMAT],
    ['version', SNAPSHOT_VERSION],
    [
      'config',
      {
        calendar: copy(st.config.calendar),
        lines: st.config.lines.map((l) => ({
          ...copy(l),
          unitsPerHour: (st.lines.get(l.id) as Line).unitsPerHour,
        })),
        products: copy(st.config.products),
        policy: copy(st.config.policy),
        ...(st.config.gates.length > 0 ? { gates: st.config.gates.map((g) => g.id) } : {}),
        retention: st.config.retention,
      },
    ],
    ['lastTime', Number.isFinite(st.lastTime) ? st.lastTime : null],
    ['seq', st.seq],
    [
      'orders',
      new Elements(function* () {
        for (const r of seen.inOrder()) yield order(r);
      }),
    ],
    [
      'rushRegister',
      new Elements(function* () {
        for (const e of st.rushLog) yield rushRecordOf(st, seen.entry(e), seen.byId);
      }),
    ],
    [
      'reworkRegister',
      new Elements(function* () {
        for (const r of st.reworkLog) yield { ...r };
      }),
    ],
    ['atRiskLog', new Elements(() => st.riskLog.from(0))],
    [
      'registerStart',
      registered
        ? { rush: st.rushLog.start, rework: st.reworkLog.start, atRisk: st.riskLog.start }
        : undefined,
    ],
    ['clientRushes', Object.fromEntries([...st.clientRushes].map(([c, times]) => [c, [...times]]))],
    [
      'rushUnits',
      Object.fromEntries(
        [...st.lines.values()].map((l) => [l.id, Object.fromEntries(l.rushUnits)]),
      ),
    ],
    ['clients', st.clients.size > 0 ? Object.fromEntries(st.clients) : undefined],
    ['linesDown', linesDown(st)],
    [
      'deliveryRegister',
      st.deliveries.held > 0
        ? new Elements(function* () {
            for (const d of st.deliveries) yield copy(d);
          })
        : undefined,
    ],
  ];
}

/**
 * The whole state as plain JSON: the orders held (the work in hand and the retention window) and
 * the registers' held entries with the number of the first of each. Every part is a fresh copy
 * the caller may change: the parts built here (records, rendered decisions and registers) are
 * new already, and only what the engine holds itself is cloned, so that a large snapshot is
 * built once rather than built and then copied whole.
 */
export function toSnapshot(st: EngineState): Snapshot {
  const out: Record<string, unknown> = {};
  for (const [key, value] of snapshotFields(st, ordersNow(st), true)) {
    if (value === undefined) continue;
    out[key] = value instanceof Elements ? Array.from(value.each()) : value;
  }
  return out as unknown as Snapshot;
}

/**
 * `JSON.stringify(toSnapshot(st))` of the state at this call, in pieces made as they are taken:
 * one order, one register entry or one small field at a time, so that a snapshot of 10⁵ orders
 * is never held whole, as objects or as text. The state may go on changing meanwhile (a
 * checkpoint is written in parts over the calls after its entry): the pieces are cut from the
 * state as it was at this call.
 *
 * The cut lists the orders and the rush register's entries, and copies now what is small or
 * bounded by the retention and changed in place (the rework and delivery registers, the
 * clients' rush times, the lines' rush units); an order or a rush entry is copied by the call
 * that first changes it afterwards (`RecordCut`); the at-risk log is shared, since it only
 * grows at its end. One cut is read at a time: a later one ends the earlier, whose next piece
 * then throws. Taking the last piece, or giving the pieces up (`return()`), ends the cut.
 */
export function snapshotCut(st: EngineState): Generator<string> {
  const cut = new RecordCut(st.seq);
  const orders = ordersBySeq(st);
  const clientRushes = new Map<string, number[]>();
  for (const [client, at] of st.clientRushes) clientRushes.set(client, [...at]);
  const lines = new Map<string, Line>();
  for (const [id, line] of st.lines) lines.set(id, line.copy());
  // Read, never changed; its orders are seen through the cut, never through `orders`.
  const then = Object.assign(Object.create(EngineState.prototype) as EngineState, st, {
    orders: new Map<string, OrderRecord>(),
    rushLog: st.rushLog.map((e) => e),
    reworkLog: st.reworkLog.map((r) => ({ ...r })),
    riskLog: st.riskLog.copy(),
    deliveries: st.deliveries.map((d) => ({ ...d })),
    clientRushes,
    clients: new Map(st.clients),
    lines,
  });
  const seen: OrdersSeen = {
    *inOrder() {
      for (const r of orders) yield cut.asOf(r);
    },
    byId: (id) => cut.orderAsOf(id, st.orders.get(id)),
    entry: (e) => cut.entryAsOf(e),
  };
  st.records.cut = cut;
  return (function* () {
    try {
      for (const piece of pieces(snapshotFields(then, seen, false))) {
        if (st.records.cut !== cut)
          throw new Error('snapshotText: a later snapshot cut ended this one');
        yield piece;
      }
    } finally {
      if (st.records.cut === cut) st.records.cut = undefined;
    }
  })();
}

/** The text of a snapshot's fields, in pieces. */
function* pieces(fields: [keyof Snapshot, unknown][]): Generator<string> {
  let open = '{';
  for (const [key, value] of fields) {
    if (value === undefined) continue;
    const name = `${open}${JSON.stringify(key)}:`;
    open = ',';
    if (!(value instanceof Elements)) {
      yield name + JSON.stringify(value);
      continue;
    }
    let before = `${name}[`;
    for (const x of value.each()) {
      yield before + JSON.stringify(x);
      before = ',';
    }
    yield before === ',' ? ']' : `${before}]`;
  }
  yield '}';
}

/** `linesDown` of a snapshot: the lines that are down, with the time each went down; absent when none is. */
function linesDown(st: EngineState): Record<string, number> | undefined {
  const down = [...st.lines.values()].filter((l) => l.down);
  return down.length === 0
    ? undefined
    : Object.fromEntries(down.map((l) => [l.id, l.downSince as number]));
}

/** Rebuilds a fresh state from a validated snapshot. */
export function loadSnapshot(st: EngineState, s: Snapshot): void {
  st.lastTime = s.lastTime ?? Number.NEGATIVE_INFINITY;
  st.seq = s.seq;
  for (const o of s.orders) {
    const line = st.lines.get(o.line) as Line;
    const rec = new OrderRecord(
      st.records,
      o.order,
      o.line,
      o.seq,
      o.units,
      line.workFor(o.units),
      o.submittedAt,
    );
    rec.cls = o.cls;
    rec.requestedBy = o.requestedBy;
    rec.promisedBy = o.promisedBy;
    rec.plain = o.plain;
    rec.status = o.status;
    rec.outcome = o.decision.outcome;
    rec.why = keptAsNumbers(st, rec, o.decision)
      ? undefined
      : { kind: 'stored', decision: o.decision };
    rec.startedAt = o.startedAt;
    rec.expectedFinish = o.expectedFinish;
    rec.finishedAt = o.finishedAt;
    rec.statusAt = o.heldAt ?? o.cancelledAt;
    st.orders.set(o.order.id, rec);
    if (rec.status === 'queued') {
      line.enqueue(
        rec,
        st.calendar.coord(rec.promisedBy),
        TIER_RANK[rec.order.tier],
        o.atRisk.length === 0,
      );
    } else if (rec.status === 'in-production') {
      line.resume(rec, st.calendar.coord(rec.expectedFinish as number));
    }
  }
  st.rushLog.reset(s.registerStart?.rush ?? 0);
  st.reworkLog.reset(s.registerStart?.rework ?? 0);
  st.riskLog.reset(s.registerStart?.atRisk ?? 0);
  // Loops, not push(...xs): spreading a register of 10⁵ entries overflows the call stack.
  // Each order's latest entry is the one a hold, a cancellation or an amendment marks.
  for (const r of s.rushRegister) {
    st.rushLog.push(r);
    const rec = st.orders.get(r.orderId);
    if (rec) rec.rushEntry = r;
  }
  for (const o of s.orders)
    if (o.rushEntry !== undefined)
      (st.orders.get(o.order.id) as OrderRecord).rushEntry = o.rushEntry as RushEntry;
  for (const r of s.reworkRegister) {
    st.reworkLog.push(r);
    if (r.closedAt === undefined) st.reworkByOrder.set(r.orderId, r);
  }
  // Each held order's own list is the last of the log's reports with its id, in order
  // (`restoreScheduler` checked that); the earlier ones with its id, if any, are of an order
  // that left memory before the id was used again.
  const own = ownReports(s);
  s.atRiskLog.forEach((r, i) => {
    const rec = own[i] ? st.orders.get(r.orderId) : undefined;
    st.riskLog.add(rec, r.orderId, r.line, r.at, r.cause, r.by);
  });
  for (const [client, times] of Object.entries(s.clientRushes))
    st.clientRushes.set(client, [...times]);
  // Registration is state: the snapshot's replaces the configuration's. A snapshot without any
  // (none registered, or made before clients could be) keeps what the configuration registered.
  if (s.clients !== undefined) {
    st.clients.clear();
    for (const [client, tier] of Object.entries(s.clients)) st.clients.set(client, tier);
  }
  // A line that was down goes down again at the time it did, after its order in production
  // resumed: the work that order had left is kept from then on.
  for (const [lineId, since] of Object.entries(s.linesDown ?? {})) {
    const line = st.lines.get(lineId) as Line;
    line.stop(st.calendar.coord(since), since);
  }
  for (const d of s.deliveryRegister ?? []) {
    const entry = structuredClone(d);
    st.deliveries.push(entry);
    st.deliveryByOrder.set(entry.orderId, entry);
  }
  for (const [lineId, days] of Object.entries(s.rushUnits)) {
    const line = st.lines.get(lineId);
    if (line) for (const [day, units] of Object.entries(days)) line.rushUnits.set(day, units);
  }
  st.afterRestore();
}

/**
 * Whether the engine may keep a restored order's decision as numbers, as it kept it when it
 * decided it: an order without a rush, whose decision renders from its record to exactly the
 * text the snapshot holds. The text is then not kept: at 10⁵ orders in hand it is most of what
 * a restored engine would hold. Every other decision (a rush's, whose facts the snapshot does
 * not hold, a release's or an amendment's) is kept as stored. Sets the record's `decidedDown`
 * as the decision says, which only the rendering reads.
 */
function keptAsNumbers(st: EngineState, rec: OrderRecord, d: Decision): boolean {
  if (rec.order.rush !== undefined || d.earliestPossible !== undefined) return false;
  rec.why = undefined;
  rec.decidedDown = d.atRisk.length === 1 && d.atRisk[0] === rec.order.id;
  const r = decisionOf(st, rec);
  return (
    r.decidedAt === d.decidedAt &&
    r.outcome === d.outcome &&
    r.promisedBy === d.promisedBy &&
    r.requestedBy === d.requestedBy &&
    r.line === d.line &&
    r.orderId === d.orderId &&
    r.atRisk.length === d.atRisk.length &&
    r.reasons.length === d.reasons.length &&
    r.reasons.every((x, i) => x.rule === d.reasons[i]?.rule && x.message === d.reasons[i]?.message)
  );
}

/**
 * Which reports of a snapshot's at-risk log belong to an order the snapshot holds: for each
 * order, the last `atRisk.length` reports with its id. Those before them with the same id are
 * of an earlier order of that id that left memory: all its reports came before it settled, and
 * so before the id could be used again.
 */
export function ownReports(s: Pick<Snapshot, 'orders' | 'atRiskLog'>): boolean[] {
  const left = new Map<string, number>();
  for (const o of s.orders) if (o.atRisk.length > 0) left.set(o.order.id, o.atRisk.length);
  const own: boolean[] = new Array(s.atRiskLog.length).fill(false);
  for (let i = s.atRiskLog.length - 1; i >= 0; i--) {
    const id = (s.atRiskLog[i] as AtRiskReport).orderId;
    const n = left.get(id);
    if (n !== undefined && n > 0) {
      own[i] = true;
      left.set(id, n - 1);
    }
  }
  return own;
}
