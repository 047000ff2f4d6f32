import { ValidationError, type ValidationIssue } from '../domain/errors.js';
import { check } from '../domain/schemas.js';
import type { AtRiskReport, TimeInput } from '../domain/types.js';
import type { CustomGate } from '../policy/gates.js';
import { resolveConfig } from './config.js';
import { Scheduler } from './scheduler.js';
import { type Snapshot, snapshotSchema } from './snapshot-format.js';

/** What `restoreScheduler` takes besides the snapshot: what a snapshot cannot hold. */
export interface RestoreConfig {
  /** Where calls without an `at` take the time from. */
  clock?: () => TimeInput;
  /** The custom gates the snapshot was taken with (functions cannot be stored); the ids must match. */
  gates?: CustomGate[];
}

/**
 * Rebuilds a scheduler from `snapshot()`. The calendar, lines, products and policy come from
 * the snapshot, so the restored engine decides exactly as the original would have. Throws
 * `ValidationError` on a snapshot that is not one, or does not hold together.
 */
export function restoreScheduler(snapshot: unknown, config?: RestoreConfig): Scheduler {
  const r = check(snapshotSchema, snapshot);
  if (!r.ok) throw new ValidationError(r.issues, 'restoreScheduler');
  const s = r.value as unknown as Snapshot;
  if (
    config !== undefined &&
    (typeof config !== 'object' ||
      config === null ||
      Object.keys(config).some((k) => k !== 'clock' && k !== 'gates'))
  ) {
    throw new ValidationError(
      [
        {
          path: 'config',
          message:
            'may only hold clock and gates; calendar, lines, products and policy come from the snapshot',
        },
      ],
      'restoreScheduler',
    );
  }
  const { gates: gateIds = [], ...stored } = s.config;
  const resolved = resolveConfig({
    ...stored,
    ...(config?.clock ? { clock: config.clock } : {}),
    ...(config?.gates ? { gates: config.gates } : {}),
  });
  const given = resolved.gates.map((g) => g.id);
  if (given.join('\u0000') !== gateIds.join('\u0000')) {
    throw new ValidationError(
      [
        {
          path: 'config.gates',
          message: `must be the custom gates the snapshot was taken with, in order: [${gateIds.join(', ')}]; received [${given.join(', ')}]`,
        },
      ],
      'restoreScheduler',
    );
  }

  // The snapshot must hold together: every order on a known line, states consistent.
  const issues: ValidationIssue[] = [];
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
    if (o.status === 'finished' && o.finishedAt === undefined)
      issues.push({ path: `orders.${i}.finishedAt`, message: 'is required for a finished order' });
  });
  // The at-risk log and the orders' own lists hold the same reports: each entry names an order
  // of the snapshot on its line, and each order lists exactly its entries, in log order.
  const lineOf = new Map(s.orders.map((o) => [o.order.id, o.line]));
  const logged = new Map<string, AtRiskReport[]>();
  s.atRiskLog.forEach((r, i) => {
    const line = lineOf.get(r.orderId);
    if (line === undefined)
      issues.push({
        path: `atRiskLog.${i}.orderId`,
        message: `must be an order of the snapshot, received '${r.orderId}'`,
      });
    else if (line !== r.line)
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

  const scheduler = new Scheduler(resolved);
  scheduler.load(s);
  return scheduler;
}
