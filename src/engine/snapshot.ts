/**
 * Saving and restoring the engine's state as plain JSON (the format is in
 * snapshot-format.ts). Coordinates are recomputed from times on the way in.
 */
import { TIER_RANK } from '../domain/defaults.js';
import type { AtRiskReport } from '../domain/types.js';
import type { Line } from './line.js';
import { decisionOf, rushRecordOf } from './reasons.js';
import { isSettled, OrderRecord, type RushEntry } from './records.js';
import { SNAPSHOT_FORMAT, SNAPSHOT_VERSION, type Snapshot } from './snapshot-format.js';
import type { EngineState } from './state.js';

/**
 * The whole state as plain JSON: the orders held (the work in hand and the retention window) and
 * the registers' held entries with the number of the first of each. Every part is a fresh copy the caller may change: the parts
 * built here (records, rendered decisions and registers) are new already, and only what the
 * engine holds itself is cloned, so that a large snapshot is built once rather than built and
 * then copied whole.
 */
export function toSnapshot(st: EngineState): Snapshot {
  const orders = [...st.orders.values()].sort((a, b) => a.seq - b.seq);
  // The rush entries the register still holds; an order's own entry past it goes with the order.
  const held = new Set(st.rushLog);
  const copy = structuredClone;
  return {
    format: SNAPSHOT_FORMAT,
    version: SNAPSHOT_VERSION,
    config: {
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
    lastTime: Number.isFinite(st.lastTime) ? st.lastTime : null,
    seq: st.seq,
    orders: orders.map((r) => ({
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
      decision: decisionOf(st, r),
      atRisk: st.riskLog.of(r),
      ...(r.startedAt !== undefined ? { startedAt: r.startedAt } : {}),
      ...(r.expectedFinish !== undefined ? { expectedFinish: r.expectedFinish } : {}),
      ...(r.finishedAt !== undefined ? { finishedAt: r.finishedAt } : {}),
      ...(r.status === 'held' ? { heldAt: r.statusAt as number } : {}),
      ...(r.status === 'cancelled' ? { cancelledAt: r.statusAt as number } : {}),
      ...(r.rushEntry !== undefined && !held.has(r.rushEntry) && !isSettled(r)
        ? { rushEntry: rushRecordOf(st, r.rushEntry) }
        : {}),
    })),
    rushRegister: [...st.rushLog].map((e) => rushRecordOf(st, e)),
    reworkRegister: [...st.reworkLog].map((r) => ({ ...r })),
    atRiskLog: st.riskLog.slice(0),
    ...(st.rushLog.start + st.reworkLog.start + st.riskLog.start > 0
      ? {
          registerStart: {
            rush: st.rushLog.start,
            rework: st.reworkLog.start,
            atRisk: st.riskLog.start,
          },
        }
      : {}),
    clientRushes: Object.fromEntries([...st.clientRushes].map(([c, times]) => [c, [...times]])),
    rushUnits: Object.fromEntries(
      [...st.lines.values()].map((l) => [l.id, Object.fromEntries(l.rushUnits)]),
    ),
    ...(st.clients.size > 0 ? { clients: Object.fromEntries(st.clients) } : {}),
    ...linesDown(st),
    ...(st.deliveries.held > 0 ? { deliveryRegister: structuredClone([...st.deliveries]) } : {}),
  };
}

/** `linesDown` of a snapshot: the lines that are down, with the time each went down; absent when none is. */
function linesDown(st: EngineState): { linesDown?: Record<string, number> } {
  const down = [...st.lines.values()].filter((l) => l.down);
  return down.length === 0
    ? {}
    : { linesDown: Object.fromEntries(down.map((l) => [l.id, l.downSince as number])) };
}

/** Rebuilds a fresh state from a validated snapshot. */
export function loadSnapshot(st: EngineState, s: Snapshot): void {
  st.lastTime = s.lastTime ?? Number.NEGATIVE_INFINITY;
  st.seq = s.seq;
  for (const o of s.orders) {
    const line = st.lines.get(o.line) as Line;
    const rec = new OrderRecord(
      st.times,
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
    rec.why = { kind: 'stored', decision: o.decision };
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
