/**
 * What both stores read and write the same way: the register tables' rows, the journal's rows,
 * and the header with its checks. Each store turns the three register values its database
 * types differently (`tight`, `reasons`, `at_risk`) into its own representation.
 */
import type { DeliveryRecord, ReworkRecord, RushRecord } from '../domain/types.js';
import {
  type JournalEntry,
  type RegisterKind,
  type RegisterQuery,
  type RegisterRows,
  STORE_SCHEMA_VERSION,
  StoreError,
  type StoreHeader,
} from './types.js';

/** A time as UTC ISO 8601 text, or null. */
export const iso = (ms: number | undefined): string | null =>
  ms === undefined ? null : new Date(ms).toISOString();

/** A row of `rush_register` (schema 3), the entry of `ordinal`, written by journal entry `seq`. */
export function rushRow(r: RushRecord, seq: number, ordinal: number) {
  return {
    order_id: r.orderId,
    journal_seq: seq,
    requested_at: iso(r.requestedAt),
    requested_at_ms: r.requestedAt,
    ordinal,
    day: r.day,
    client_id: r.clientId,
    tier: r.tier,
    line: r.line,
    product: r.product,
    quantity: r.quantity,
    units: r.units,
    urgency: r.urgency ?? null,
    cause: r.cause,
    reason: r.reason ?? null,
    responsible: r.responsible ?? null,
    outcome: r.outcome,
    deciding_rule: r.reasons[0]?.rule ?? '',
    deadline: iso(r.deadline),
    promised_by: iso(r.promisedBy),
    earliest_possible: iso(r.earliestPossible),
    tight: r.tight,
    quota_used: r.quota.used,
    quota_limit: r.quota.limit,
    recent_rushes: r.recentRushes,
    reasons: r.reasons,
    at_risk: r.atRisk,
    record: JSON.stringify(r),
  };
}

/** A row of `rework_register`, written (or closed) by journal entry `seq`. */
export function reworkRow(r: ReworkRecord, seq: number) {
  return {
    order_id: r.orderId,
    journal_seq: seq,
    registered_at: iso(r.registeredAt),
    registered_at_ms: r.registeredAt,
    date: r.date,
    line: r.line,
    product: r.product,
    client_id: r.clientId,
    cause: r.cause ?? null,
    responsible: r.responsible ?? null,
    deadline: iso(r.deadline),
    closed_at: iso(r.closedAt),
    record: JSON.stringify(r),
  };
}

/** A row of `delivery_register`, written (or marked with a reissue) by journal entry `seq`. */
export function deliveryRow(r: DeliveryRecord, seq: number) {
  return {
    order_id: r.orderId,
    journal_seq: seq,
    delivered_at: iso(r.deliveredAt),
    delivered_at_ms: r.deliveredAt,
    client_id: r.clientId,
    via: r.via,
    reference: r.reference ?? null,
    short_items: r.shortItems,
    due_by: iso(r.dueBy),
    on_time: r.onTime,
    record: JSON.stringify(r),
  };
}

/**
 * The table of each register, the time its entries are kept in order of, and whether its key
 * has an ordinal (the rush register's, from schema 3).
 */
export const REGISTER_TABLES: Record<
  RegisterKind,
  { table: string; at: string; ordinal: boolean }
> = {
  rush: { table: 'rush_register', at: 'requested_at_ms', ordinal: true },
  rework: { table: 'rework_register', at: 'registered_at_ms', ordinal: false },
  delivery: { table: 'delivery_register', at: 'delivered_at_ms', ordinal: false },
};

/** The ordinal of entry `i` of the rush rows (`RegisterRows.rushOrdinals`). */
export const rushOrdinal = (rows: RegisterRows, i: number): number => rows.rushOrdinals?.[i] ?? 0;

/** A journal row as both stores hold it: the call and the result as JSON text. */
export function entryFrom(row: { seq: number; call: string; result: string }): JournalEntry {
  return {
    seq: row.seq,
    call: JSON.parse(row.call) as JournalEntry['call'],
    result: JSON.parse(row.result) as unknown,
  };
}

/**
 * The header from the rows of `rushline_meta`, checked: complete, of a schema this version
 * reads, and of the lab asked for (any lab when `lab` is undefined). `where` names the store.
 */
export function checkedHeader(
  rows: { key: string; value: string }[],
  lab: string | undefined,
  where: string,
): StoreHeader {
  const meta = new Map(rows.map((r) => [r.key, r.value]));
  const version = Number(meta.get('schema_version'));
  const storedLab = meta.get('lab');
  const config = meta.get('config');
  if (!Number.isInteger(version) || storedLab === undefined || config === undefined)
    throw new StoreError(
      'corrupt',
      `${where}: the rushline header is incomplete (schema_version, lab and config are required)`,
    );
  if (version > STORE_SCHEMA_VERSION)
    throw new StoreError(
      'newer-schema',
      `${where}: written by a newer rushline (store schema ${version}; this version reads up to ${STORE_SCHEMA_VERSION}); nothing was written to it`,
    );
  if (lab !== undefined && storedLab !== lab)
    throw new StoreError(
      'other-lab',
      `${where}: the journal of lab '${storedLab}', not of '${lab}'; nothing was written to it`,
    );
  return {
    schemaVersion: version,
    lab: storedLab,
    createdAt: meta.get('created_at') ?? '',
    config,
  };
}

/**
 * The query of a register table, as SQL both stores run: SQLite with `?` placeholders,
 * PostgreSQL with `$1`, `$2`, …, of a store of schema `version`. It asks for one row more than
 * `limit`, to tell whether a next page exists. Entries are ordered by their time, then order
 * id, then ordinal: the place a page's `next` names. The rows hold `record` and `ordinal`
 * (0 in a table without one: the other registers, and a rush table before schema 3, which kept
 * one entry of an order at a time).
 */
export function registerSql(
  kind: RegisterKind,
  query: RegisterQuery,
  dialect: 'sqlite' | 'postgres',
  version: number,
): { sql: string; params: unknown[] } {
  const { table, at } = REGISTER_TABLES[kind];
  const ordinal = REGISTER_TABLES[kind].ordinal && version >= 3;
  const params: unknown[] = [];
  const p = (value: unknown) => {
    params.push(value);
    return dialect === 'sqlite' ? '?' : `$${params.length}`;
  };
  const where: string[] = [];
  if (query.since !== undefined) where.push(`${at} >= ${p(query.since)}`);
  if (query.until !== undefined) where.push(`${at} < ${p(query.until)}`);
  if (query.clientId !== undefined) where.push(`client_id = ${p(query.clientId)}`);
  if (query.line !== undefined) where.push(`line = ${p(query.line)}`);
  if (query.outcome !== undefined)
    where.push(
      kind === 'rush'
        ? `outcome = ${p(query.outcome)}`
        : kind === 'rework'
          ? `closed_at IS ${query.outcome === 'open' ? '' : 'NOT '}NULL`
          : // SQLite keeps a flag as 0 or 1, PostgreSQL as a boolean.
            `on_time = ${dialect === 'sqlite' ? Number(query.outcome === 'on-time') : String(query.outcome === 'on-time').toUpperCase()}`,
    );
  // Order ids compare as their UTF-8 bytes on every store (SQLite's BINARY, PostgreSQL's "C").
  const id = dialect === 'postgres' ? 'order_id COLLATE "C"' : 'order_id';
  if (query.after !== undefined) {
    // One template, so that the placeholders are numbered in the order they appear.
    const a = query.after;
    where.push(
      `(${at} > ${p(a.at)} OR (${at} = ${p(a.at)} AND (${id} > ${p(a.orderId)}${ordinal ? ` OR (${id} = ${p(a.orderId)} AND ordinal > ${p(a.ordinal)})` : ''})))`,
    );
  }
  return {
    sql: `SELECT record, ${ordinal ? 'ordinal' : '0 AS ordinal'} FROM ${table}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY ${at}, ${id}${ordinal ? ', ordinal' : ''} LIMIT ${p(query.limit + 1)}`,
    params,
  };
}
