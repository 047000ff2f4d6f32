import { ValidationError, type ValidationIssue } from '../domain/errors.js';
import { check } from '../domain/schemas.js';
import type { AtRiskReport } from '../domain/types.js';
import { type ResolvedConfig, resolveConfig, type SchedulerConfig } from './config.js';
import { Scheduler } from './scheduler.js';
import { ownReports } from './snapshot.js';
import {
  type Snapshot,
  snapshotFrameSchema,
  snapshotOrderSchema,
  snapshotSchema,
} from './snapshot-format.js';

/**
 * What `restoreScheduler` takes besides the snapshot: a `SchedulerConfig`. `clock` and the
 * custom `gates` are what a snapshot cannot hold (it records the gates' ids, which must match).
 * `calendar`, `lines`, `products` and `policy` come from the snapshot; each of them that is
 * given must be the one the snapshot was made with, resolved as `createScheduler` resolves it
 * (a policy laid over `defaultPolicy`, products over the default catalog). A line's
 * `unitsPerHour` is not compared: capacity is state (`setCapacity`), and the snapshot's is kept.
 * Nor are `clients`: registration is state (`setClient`), and a snapshot that holds any keeps its
 * own; one that holds none (none was registered, or it predates registration) takes the given.
 * Nor is `retention`: how long settled orders stay in memory changes no decision, so a restore
 * may be given another (else it keeps the snapshot's).
 */
export type RestoreConfig = SchedulerConfig;

/** How `restoreScheduler` takes its snapshot. */
export interface RestoreOptions {
  /**
   * Whether the engine may keep the snapshot's order objects as they are, and change them,
   * instead of copies: for a snapshot nothing else holds, such as one just parsed from its
   * text. Each order is then checked on its own, and nothing is copied: at 10⁵ orders the
   * copies took about 110 MB and a second. A snapshot that does not pass is refused with the same
   * issues either way.
   * @default false
   */
  adopt?: boolean;
}

/** A checked copy of a snapshot, or a `ValidationError` naming every issue. */
function checkedCopy(snapshot: unknown): Snapshot {
  const r = check(snapshotSchema, snapshot);
  if (!r.ok) throw new ValidationError(r.issues, 'restoreScheduler');
  return r.value as unknown as Snapshot;
}

/**
 * A snapshot whose orders are kept as given, each checked on its own; undefined when any part
 * does not pass (the whole check then names the issues, in its order). The orders' schema
 * gives back what it accepts unchanged, so the orders as given are the orders as checked.
 */
function adopted(snapshot: unknown): Snapshot | undefined {
  const frame = check(snapshotFrameSchema, snapshot);
  if (!frame.ok) return undefined;
  for (const o of frame.value.orders)
    if (!snapshotOrderSchema.safeParse(o).success) return undefined;
  return frame.value as unknown as Snapshot;
}

/** The parts of a configuration a snapshot holds, which a restore may be given again. */
const STORED_PARTS = ['calendar', 'lines', 'products', 'policy'] as const;

/**
 * Rebuilds a scheduler from `snapshot()`. The calendar, lines, products and policy come from
 * the snapshot, so the restored engine decides exactly as the original would have. Throws
 * `ValidationError` on a snapshot that is not one, or does not hold together, and on a
 * configuration that differs from the snapshot's, naming each field that differs.
 */
export function restoreScheduler(
  snapshot: unknown,
  config?: RestoreConfig,
  options?: RestoreOptions,
): Scheduler {
  const s = (options?.adopt === true && adopted(snapshot)) || checkedCopy(snapshot);
  if (config !== undefined && (typeof config !== 'object' || config === null)) {
    throw new ValidationError(
      [
        {
          path: 'config',
          message: `expected { calendar?, lines?, products?, policy?, clock?, gates? }, received ${config === null ? 'null' : typeof config}`,
        },
      ],
      'restoreScheduler',
    );
  }
  const { gates: gateIds = [], ...stored } = s.config;
  // A part left out (or undefined) is the snapshot's; what is given is resolved over it, so a
  // bad configuration is refused as `createScheduler` refuses it.
  const given = Object.entries(config ?? {}).filter(([, v]) => v !== undefined);
  const resolved = resolveConfig({ ...stored, ...Object.fromEntries(given) });
  const ownConfig = given.some(([k]) => (STORED_PARTS as readonly string[]).includes(k))
    ? resolveConfig(stored)
    : resolved;

  const issues: ValidationIssue[] = [];
  for (const part of STORED_PARTS)
    if (given.some(([k]) => k === part))
      differences(
        comparable(ownConfig, part),
        comparable(resolved, part),
        `config.${part}`,
        issues,
      );
  const givenGates = resolved.gates.map((g) => g.id);
  if (givenGates.join('\u0000') !== gateIds.join('\u0000')) {
    issues.push({
      path: 'config.gates',
      message: `must be the custom gates the snapshot was taken with, in order: [${gateIds.join(', ')}]; received [${givenGates.join(', ')}]`,
    });
  }
  if (issues.length > 0) throw new ValidationError(issues, 'restoreScheduler');

  // The snapshot must hold together: every order on a known line, states consistent.
  const lines = new Set(resolved.lines.map((l) => l.id));
  const busy = new Set<string>();
  const ids = new Set<string>();
  const seqs = new Set<number>();
  s.orders.forEach((o, i) => {
    // Sequence numbers order equal keys and index each order's times: unique, and below the
    // engine's own counter so that new orders cannot take one.
    if (seqs.has(o.seq))
      issues.push({ path: `orders.${i}.seq`, message: `${o.seq} is used by two orders` });
    else if (o.seq > s.seq)
      issues.push({
        path: `orders.${i}.seq`,
        message: `must not exceed the snapshot's seq ${s.seq}, received ${o.seq}`,
      });
    seqs.add(o.seq);
    if (!lines.has(o.line))
      issues.push({
        path: `orders.${i}.line`,
        message: `must be a line of the snapshot, received '${o.line}'`,
      });
    if (ids.has(o.order.id))
      issues.push({ path: `orders.${i}.order.id`, message: `'${o.order.id}' appears twice` });
    ids.add(o.order.id);
    if (o.status === 'in-production') {
      if (busy.has(o.line))
        issues.push({
          path: `orders.${i}.status`,
          message: `line '${o.line}' has two orders in production`,
        });
      busy.add(o.line);
      if (o.expectedFinish === undefined || o.startedAt === undefined)
        issues.push({
          path: `orders.${i}`,
          message: 'an order in production needs startedAt and expectedFinish',
        });
    }
    if ((o.status === 'finished' || o.status === 'delivered') && o.finishedAt === undefined)
      issues.push({
        path: `orders.${i}.finishedAt`,
        message: `is required for a ${o.status} order`,
      });
    // A held or cancelled order says since when, and only such an order does.
    for (const [status, field] of [
      ['held', 'heldAt'],
      ['cancelled', 'cancelledAt'],
    ] as const)
      if ((o.status === status) !== (o[field] !== undefined))
        issues.push({
          path: `orders.${i}.${field}`,
          message:
            o.status === status
              ? `is required for a ${status} order`
              : `is only for a ${status} order; this one is ${o.status}`,
        });
  });
  // The delivery register and the orders agree: one entry for each delivered order, none for
  // an order of another status. An entry may outlive its order (retention runs from the
  // finish, the entry's from the hand-over).
  const statusOf = new Map(s.orders.map((o) => [o.order.id, o.status]));
  const delivered = new Set<string>();
  (s.deliveryRegister ?? []).forEach((d, i) => {
    const status = statusOf.get(d.orderId);
    if ((status !== undefined && status !== 'delivered') || delivered.has(d.orderId))
      issues.push({
        path: `deliveryRegister.${i}.orderId`,
        message: `must be a delivered order of the snapshot or one that left memory, listed once; received '${d.orderId}'`,
      });
    delivered.add(d.orderId);
  });
  s.orders.forEach((o, i) => {
    if (o.status === 'delivered' && !delivered.has(o.order.id))
      issues.push({
        path: `orders.${i}.status`,
        message: `order '${o.order.id}' is delivered but not in the delivery register`,
      });
  });
  // A line down is a line of the snapshot, gone down no later than the snapshot's last call.
  for (const [lineId, since] of Object.entries(s.linesDown ?? {})) {
    if (!lines.has(lineId))
      issues.push({
        path: `linesDown.${lineId}`,
        message: `must name a line of the snapshot, received '${lineId}'`,
      });
    else if (s.lastTime === null || since > s.lastTime)
      issues.push({
        path: `linesDown.${lineId}`,
        message: `must be no later than the snapshot's lastTime ${s.lastTime}, received ${since}`,
      });
  }
  // The at-risk log and the orders' own lists hold the same reports: each order lists exactly
  // the last of the log's entries with its id, in log order, on its line. Earlier entries with
  // the id, and entries naming no order of the snapshot, are of orders that left memory.
  const lineOf = new Map(s.orders.map((o) => [o.order.id, o.line]));
  const own = ownReports(s);
  const logged = new Map<string, AtRiskReport[]>();
  s.atRiskLog.forEach((r, i) => {
    if (!own[i]) return;
    const line = lineOf.get(r.orderId);
    if (line !== r.line)
      issues.push({
        path: `atRiskLog.${i}.line`,
        message: `must be the line of order '${r.orderId}' ('${line}'), received '${r.line}'`,
      });
    const list = logged.get(r.orderId);
    if (list) list.push(r);
    else logged.set(r.orderId, [r]);
  });
  s.orders.forEach((o, i) => {
    const own = o.atRisk;
    const log = logged.get(o.order.id) ?? [];
    const same =
      own.length === log.length &&
      own.every((a, k) => {
        const b = log[k] as AtRiskReport;
        return (
          a.orderId === b.orderId &&
          a.line === b.line &&
          a.at === b.at &&
          a.cause === b.cause &&
          a.by === b.by
        );
      });
    if (!same)
      issues.push({
        path: `orders.${i}.atRisk`,
        message: `must be the order's entries of atRiskLog, in order (${log.length} there, ${own.length} here)`,
      });
  });
  if (issues.length > 0) throw new ValidationError(issues, 'restoreScheduler');

  // The snapshot's own configuration, with the clock and gates given: the lines keep the
  // capacities the snapshot holds.
  const scheduler = new Scheduler({
    ...ownConfig,
    clock: resolved.clock,
    gates: resolved.gates,
    clients: resolved.clients,
    retention: resolved.retention,
  });
  scheduler.load(s);
  return scheduler;
}

/** A part of a resolved configuration as compared: lines without their capacity. */
function comparable(c: ResolvedConfig, part: (typeof STORED_PARTS)[number]): unknown {
  if (part === 'lines') return c.lines.map((l) => ({ id: l.id, products: l.products }));
  return c[part];
}

/** A value in a message: its JSON, cut short. */
function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  const text = JSON.stringify(v);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Adds an issue for each field of JSON data `here` that is not as `there` (the snapshot's). */
function differences(there: unknown, here: unknown, path: string, out: ValidationIssue[]): void {
  if (Array.isArray(there) && Array.isArray(here) && there.length === here.length) {
    there.forEach((t, i) => {
      differences(t, here[i], `${path}.${i}`, out);
    });
  } else if (isObject(there) && isObject(here)) {
    const keys = new Set([...Object.keys(there), ...Object.keys(here)]);
    for (const k of keys) {
      differences(
        Object.hasOwn(there, k) ? there[k] : undefined,
        Object.hasOwn(here, k) ? here[k] : undefined,
        `${path}.${k}`,
        out,
      );
    }
  } else if (JSON.stringify(there) !== JSON.stringify(here)) {
    out.push({
      path,
      message:
        there === undefined
          ? `is not in the snapshot's configuration, received ${show(here)}`
          : `must be the snapshot's ${show(there)}, received ${show(here)}`,
    });
  }
}
