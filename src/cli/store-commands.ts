/**
 * `rushline registers` and `rushline replay`, reading a durable store from the command line (both
 * open it read-only), and `rushline checkpoint`, which writes one.
 */
import { DateTime } from 'luxon';
import { ValidationError } from '../domain/errors.js';
import type { DeliveryRecord, ReworkRecord, RushRecord } from '../domain/types.js';
import { verifyReplay } from '../durable/replay.js';
import { openScheduler } from '../durable/scheduler.js';
import { postgresStore } from '../store/postgres.js';
import { sqliteStore } from '../store/sqlite.js';
import type { Store } from '../store/types.js';

/** A store named on the command line: a postgres:// URL, or a SQLite file. */
export function storeFrom(where: string): Store {
  return /^postgres(ql)?:\/\//.test(where) ? postgresStore(where) : sqliteStore(where);
}

async function openRead(where: string, lab: string | undefined) {
  const store = storeFrom(where);
  const opened = await store.open({ ...(lab !== undefined ? { lab } : {}), readOnly: true });
  return { store, opened };
}

/** `--since`: the lab's midnight of a date, or an ISO time with its offset. */
function sinceMs(since: string | undefined, zone: string): number | undefined {
  if (since === undefined) return undefined;
  const dt = /^\d{4}-\d{2}-\d{2}$/.test(since)
    ? DateTime.fromISO(since, { zone })
    : DateTime.fromISO(since, { setZone: true });
  if (!dt.isValid || (!/^\d{4}-\d{2}-\d{2}$/.test(since) && !/(Z|[+-]\d{2}:?\d{2})$/.test(since)))
    throw new ValidationError([
      {
        path: '--since',
        message: `expected yyyy-MM-dd or an ISO 8601 time with its offset, received '${since}'`,
      },
    ]);
  return dt.toMillis();
}

const RUSH_COLUMNS = [
  'requested_at',
  'order_id',
  'client_id',
  'tier',
  'line',
  'product',
  'quantity',
  'units',
  'urgency',
  'cause',
  'reason',
  'responsible',
  'outcome',
  'deciding_rule',
  'deadline',
  'promised_by',
  'earliest_possible',
  'day',
  'tight',
  'quota_used',
  'quota_limit',
  'recent_rushes',
  'reasons',
] as const;

const REWORK_COLUMNS = [
  'registered_at',
  'order_id',
  'client_id',
  'line',
  'product',
  'cause',
  'responsible',
  'date',
  'deadline',
  'closed_at',
] as const;

const DELIVERY_COLUMNS = [
  'delivered_at',
  'order_id',
  'client_id',
  'via',
  'reference',
  'short_items',
  'due_by',
  'on_time',
  'reissued_by',
] as const;

function localTime(ms: number | undefined, zone: string): string {
  return ms === undefined
    ? ''
    : (DateTime.fromMillis(ms, { zone }).toFormat('yyyy-MM-dd HH:mm') ?? '');
}

function rushCells(r: RushRecord, zone: string): Record<(typeof RUSH_COLUMNS)[number], string> {
  return {
    requested_at: localTime(r.requestedAt, zone),
    order_id: r.orderId,
    client_id: r.clientId,
    tier: r.tier,
    line: r.line,
    product: r.product,
    quantity: String(r.quantity),
    units: String(r.units),
    urgency: r.urgency ?? '',
    cause: r.cause,
    reason: r.reason ?? '',
    responsible: r.responsible ?? '',
    outcome: r.outcome,
    deciding_rule: r.reasons[0]?.rule ?? '',
    deadline: localTime(r.deadline, zone),
    promised_by: localTime(r.promisedBy, zone),
    earliest_possible: localTime(r.earliestPossible, zone),
    day: r.day,
    tight: r.tight ? 'yes' : 'no',
    quota_used: String(r.quota.used),
    quota_limit: String(Math.floor(r.quota.limit)),
    recent_rushes: String(r.recentRushes),
    reasons: r.reasons.map((x) => `${x.rule}: ${x.message}`).join(' | '),
  };
}

function reworkCells(
  r: ReworkRecord,
  zone: string,
): Record<(typeof REWORK_COLUMNS)[number], string> {
  return {
    registered_at: localTime(r.registeredAt, zone),
    order_id: r.orderId,
    client_id: r.clientId,
    line: r.line,
    product: r.product,
    cause: r.cause ?? '',
    responsible: r.responsible ?? '',
    date: r.date,
    deadline: localTime(r.deadline, zone),
    closed_at: localTime(r.closedAt, zone),
  };
}

function deliveryCells(
  d: DeliveryRecord,
  zone: string,
): Record<(typeof DELIVERY_COLUMNS)[number], string> {
  return {
    delivered_at: localTime(d.deliveredAt, zone),
    order_id: d.orderId,
    client_id: d.clientId,
    via: d.via,
    reference: d.reference ?? '',
    short_items: String(d.shortItems),
    due_by: localTime(d.dueBy, zone),
    on_time: d.onTime ? 'yes' : 'no',
    reissued_by: (d.reissuedBy ?? []).join(' '),
  };
}

/** RFC 4180: quote a field holding a comma, a quote or a line break; double its quotes. */
function csvField(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
}

function csv(columns: readonly string[], rows: Record<string, string>[]): string {
  const lines = [columns.join(',')];
  for (const r of rows) lines.push(columns.map((c) => csvField(r[c] ?? '')).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

/** A plain table for the terminal: the columns a manager reads first. */
function table(columns: readonly string[], rows: Record<string, string>[]): string {
  const width = columns.map((c) => Math.max(c.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((x, i) => x.padEnd(width[i] ?? 0))
      .join('  ')
      .trimEnd();
  return `${[line([...columns]), ...rows.map((r) => line(columns.map((c) => r[c] ?? '')))].join('\n')}\n`;
}

const RUSH_SHOWN = [
  'requested_at',
  'order_id',
  'client_id',
  'tier',
  'line',
  'quantity',
  'urgency',
  'cause',
  'outcome',
  'deciding_rule',
  'promised_by',
] as const;
const REWORK_SHOWN = [
  'registered_at',
  'order_id',
  'line',
  'product',
  'cause',
  'responsible',
  'deadline',
  'closed_at',
] as const;

/** The registers `rushline registers` prints: each with its name, columns and rows. */
type RegisterName = 'rush' | 'rework' | 'delivery';

export async function registersCommand(
  o: {
    store: string;
    lab: string | undefined;
    /** One register, or undefined for all three. */
    which: RegisterName | undefined;
    since: string | undefined;
    csv: boolean;
  },
  out: NodeJS.WritableStream,
): Promise<number> {
  const { store, opened } = await openRead(o.store, o.lab);
  try {
    const zone = (JSON.parse(opened.header.config) as { calendar: { zone: string } }).calendar.zone;
    const rows = await store.readRegisters(sinceMs(o.since, zone));
    const registers = {
      rush: {
        title: 'Rush register',
        columns: RUSH_COLUMNS,
        shown: RUSH_SHOWN,
        rows: rows.rush.map((r) => rushCells(r, zone)),
      },
      rework: {
        title: 'Rework register',
        columns: REWORK_COLUMNS,
        shown: REWORK_SHOWN,
        rows: rows.rework.map((r) => reworkCells(r, zone)),
      },
      delivery: {
        title: 'Delivery register',
        columns: DELIVERY_COLUMNS,
        shown: DELIVERY_COLUMNS,
        rows: (rows.delivery ?? []).map((d) => deliveryCells(d, zone)),
      },
    } satisfies Record<RegisterName, unknown>;
    if (o.csv) {
      if (o.which === undefined)
        throw new ValidationError([
          {
            path: '--csv',
            message: 'choose --rush, --rework or --delivery: a CSV file holds one table',
          },
        ]);
      const r = registers[o.which];
      out.write(csv(r.columns, r.rows));
      return 0;
    }
    const parts: string[] = [];
    for (const name of o.which === undefined
      ? (['rush', 'rework', 'delivery'] as const)
      : [o.which]) {
      const r = registers[name];
      parts.push(
        `${r.title}: ${r.rows.length} entr${r.rows.length === 1 ? 'y' : 'ies'}\n${table(r.shown, r.rows)}`,
      );
    }
    out.write(parts.join('\n'));
    return 0;
  } finally {
    await store.close();
  }
}

export async function replayCommand(
  o: { store: string; lab: string | undefined },
  out: NodeJS.WritableStream,
): Promise<number> {
  const { store, opened } = await openRead(o.store, o.lab);
  try {
    // Given what opening read, the check covers reopening too: success means the store opens.
    const r = await verifyReplay(store, { opened });
    if (r.ok) {
      out.write(
        `replayed ${r.calls} journaled call${r.calls === 1 ? '' : 's'} (entries ${r.firstSeq}–${r.lastSeq}) from the first snapshot: every answer matches the recorded one, and the register tables match the replay\n`,
      );
      return 0;
    }
    const lines = [
      r.mismatches.length > 0
        ? `replayed ${r.calls} journaled calls: ${r.mismatches.length} answer${r.mismatches.length === 1 ? ' differs' : 's differ'} from the recorded one${r.mismatches.length === 1 ? '' : 's'}`
        : `replayed ${r.calls} journaled calls from the first snapshot: every answer matches the recorded one, but`,
    ];
    for (const m of r.mismatches.slice(0, 5))
      lines.push(
        `journal entry ${m.seq}:\n  recorded ${m.recorded.slice(0, 300)}\n  replayed ${m.replayed.slice(0, 300)}`,
      );
    lines.push(...r.sequenceProblems, ...r.reopenProblems, ...r.registerProblems.slice(0, 10));
    out.write(`${lines.join('\n')}\n`);
    return 1;
  } finally {
    await store.close();
  }
}

export async function checkpointCommand(
  o: { store: string; lab: string | undefined },
  out: NodeJS.WritableStream,
): Promise<number> {
  // Opening a durable scheduler creates a store that is not there: this one must be.
  const { store: probe } = await openRead(o.store, o.lab);
  await probe.close();
  const s = await openScheduler({
    store: storeFrom(o.store),
    ...(o.lab !== undefined ? { lab: o.lab } : {}),
  });
  try {
    const seq = await s.checkpoint();
    out.write(`checkpoint written at journal entry ${seq}: opening the store replays no call\n`);
    return 0;
  } finally {
    await s.close();
  }
}
