/**
 * The register tables of a durable scheduler (issue 19): the registers outlive the engine's
 * memory in the store, and are read a page at a time with filters. This checks a query as the
 * caller gives it and turns a page's place into the text a caller passes back; and it says which
 * delivery entries a call made or marked, for the rows the scheduler writes and the entries the
 * replay check compares alike.
 */
import { ValidationError, type ValidationIssue } from '../domain/errors.js';
import type {
  DeliveryRecord,
  Explanation,
  Order,
  ReworkRecord,
  RushRecord,
} from '../domain/types.js';
import type { Scheduler } from '../engine/scheduler.js';
import { rushOrdinal } from '../store/rows.js';
import type {
  RegisterEntry,
  RegisterKind,
  RegisterQuery,
  Store,
  StoredCall,
} from '../store/types.js';

/** A register query as a caller gives it. Times are epoch ms. */
export interface RegisterQueryOptions {
  /**
   * Entries at or after this time: a rush entry's `requestedAt`, a rework entry's
   * `registeredAt`, a delivery's `deliveredAt`.
   */
  since?: number;
  /** Entries before this time. */
  until?: number;
  clientId?: string;
  /** The line of a rush or rework entry; a delivery register query takes none. */
  line?: string;
  /**
   * Rush: `'rush-accepted'` or `'rush-declined'`; rework: `'open'` or `'closed'`; delivery:
   * `'on-time'` or `'late'` (`onTime`).
   */
  outcome?: string;
  /**
   * At most this many entries.
   * @default 100
   */
  limit?: number;
  /**
   * The `next` of the page before: this page starts after it. A `next` of a rushline before
   * store schema 3 (`'<at>:<orderId>'`) is taken as the place after that entry's ordinal 0.
   */
  after?: string;
}

/** The most entries one page holds. */
export const MAX_PAGE = 10_000;

const OUTCOMES: Record<RegisterKind, readonly string[]> = {
  rush: ['rush-accepted', 'rush-declined'],
  rework: ['open', 'closed'],
  delivery: ['on-time', 'late'],
};

/**
 * The delivery register entries a call just made or marked, given its answer and the engine that
 * made it: the hand-over a `deliver` answers (its order may have left memory in that very call,
 * when the call moved time past the order's horizon), and the delivery a `missing` rush for its
 * short items marked (`reissuedBy`): the latest hand-over of the order it names, if the engine
 * still holds it.
 */
export function deliveriesOf(
  engine: Scheduler,
  call: StoredCall,
  answer: unknown,
): DeliveryRecord[] {
  if (call.kind === 'deliver') return [answer as DeliveryRecord];
  const orders =
    call.kind === 'submit' ? [call.order] : call.kind === 'submitBatch' ? call.orders : [];
  const named = new Set<string>();
  for (const o of orders as Order[]) if (o.rush?.forOrder !== undefined) named.add(o.rush.forOrder);
  const marked: DeliveryRecord[] = [];
  for (const id of named) {
    // The order's own delivery while it is held (the common case: one explain); else, when it
    // left memory before its hand-over's entry did, a read of the whole register.
    const d =
      heldExplanation(engine, id)?.delivery ??
      engine
        .deliveryRegister()
        .filter((x) => x.orderId === id)
        .at(-1);
    if (d !== undefined) marked.push(d);
  }
  return marked;
}

/**
 * Visits the rush and rework entries the engine holds, each with its number. The registers
 * number their entries from the engine's first, and those that left memory are not held: the
 * first held is number (entries ever made) - (entries held).
 */
export function eachHeldEntry(
  engine: Scheduler,
  visit: { rush(n: number, r: RushRecord): void; rework(n: number, r: ReworkRecord): void },
): void {
  const sizes = engine.registerSizes();
  const rush = engine.rushRegister();
  for (const [i, r] of rush.entries()) visit.rush(sizes.rush - rush.length + i, r);
  const rework = engine.reworkRegister();
  for (const [i, r] of rework.entries()) visit.rework(sizes.rework - rework.length + i, r);
}

/** `explain(orderId)`, or undefined for an order the engine does not hold. */
export function heldExplanation(engine: Scheduler, orderId: string): Explanation | undefined {
  try {
    return engine.explain(orderId);
  } catch (e) {
    if (e instanceof ValidationError) return undefined;
    throw e;
  }
}

/**
 * Numbers the rush entries that share an order and a time, in register order: an entry's
 * ordinal is how many entries of its order at its `requestedAt` came before it (store schema 3
 * keys the rush table by order id, time and ordinal). Entries come in the order of their time,
 * since calls' times never go back, so only the latest time's counts are kept. The entries of
 * one time leave memory together (`retention` after that time), so the entries an engine holds,
 * counted, get the ordinals they got when they were made; but at `retention: 0` the entries of
 * the last call's millisecond made before that call have left, and are counted first from the
 * store (`leftMemoryAt`).
 *
 * The rework register needs none: a rework entry is made only by its order's submission (a
 * company-caused order cannot be held, so it is never released and decided again), and an id
 * comes again only once its order left memory, `retention` after it settled: in the same
 * millisecond only at `retention: 0`, a limit the delivery register's key shares.
 */
export class RushOrdinals {
  private at = Number.NaN;
  private readonly counts = new Map<string, number>();

  /** Counts the entries that left memory (`leftMemoryAt`), before those the engine holds. */
  count(left: LeftEntries): void {
    this.at = left.at;
    this.counts.clear();
    for (const [orderId, n] of left.counts) this.counts.set(orderId, n);
  }

  /** The ordinal of the next entry of `r`'s order at its time, counted. */
  next(r: RushRecord): number {
    if (r.requestedAt !== this.at) {
      this.at = r.requestedAt;
      this.counts.clear();
    }
    const n = this.counts.get(r.orderId) ?? 0;
    this.counts.set(r.orderId, n + 1);
    return n;
  }
}

/** Rush entries of one time that left memory: how many of each order's, by order id. */
export interface LeftEntries {
  at: number;
  counts: Map<string, number>;
}

/**
 * The rush entries at `at` that the store holds and the engine no longer does. For an engine of
 * `retention: 0` at its last call's time `at`: an entry leaves memory at the next call, even of
 * the same millisecond, so the entries of that millisecond but the last call's have left, and
 * the next entry of an order must be numbered after them. The store's rows at `at` are the
 * entries of that time (none is later), and those the engine holds are the latest of each order.
 */
export async function leftMemoryAt(
  store: Store,
  engine: Scheduler,
  at: number,
): Promise<LeftEntries> {
  const rows = await store.readRegisters(at);
  const counts = new Map<string, number>();
  for (const [i, r] of rows.rush.entries())
    if (r.requestedAt === at)
      counts.set(r.orderId, Math.max(counts.get(r.orderId) ?? 0, rushOrdinal(rows, i) + 1));
  for (const r of engine.rushRegister())
    if (r.requestedAt === at) counts.set(r.orderId, (counts.get(r.orderId) ?? 0) - 1);
  return { at, counts };
}

/** The time a register entry is kept in order of: when it was requested, registered or made. */
export function entryTime(e: RegisterEntry<RegisterKind>): number {
  return 'requestedAt' in e ? e.requestedAt : 'registeredAt' in e ? e.registeredAt : e.deliveredAt;
}

/**
 * The place after an entry, as a page's `next`: `'<at>/<ordinal>:<orderId>'`. The time and
 * ordinal hold no ':', so the first ':' ends them, and the order id (which may hold any
 * character) is the rest.
 */
export function pageMark(at: number, ordinal: number, orderId: string): string {
  return `${at}/${ordinal}:${orderId}`;
}

/**
 * A page's `next` read back, or undefined for text that is none. Without `/<ordinal>` it is the
 * `next` of a rushline before store schema 3, whose tables kept one entry of an order at a time:
 * the place after that entry, which the migration made ordinal 0. An entry of that order and
 * time with a higher ordinal was written later, so the page that follows holds it.
 */
function pagePlace(text: string): RegisterQuery['after'] {
  const colon = text.indexOf(':');
  if (colon < 1) return undefined;
  const [at = '', ordinal = '0', extra] = text.slice(0, colon).split('/');
  const place = { at: Number(at), orderId: text.slice(colon + 1), ordinal: Number(ordinal) };
  if (extra !== undefined || at === '' || !Number.isFinite(place.at)) return undefined;
  if (ordinal === '' || !Number.isInteger(place.ordinal) || place.ordinal < 0) return undefined;
  return place;
}

/** A query checked: a `ValidationError` names every option that is not as described. */
export function registerQuery(
  kind: unknown,
  options: RegisterQueryOptions | undefined,
  where: string,
): { kind: RegisterKind; query: RegisterQuery } {
  const issues: ValidationIssue[] = [];
  if (typeof kind !== 'string' || !Object.hasOwn(OUTCOMES, kind))
    throw new ValidationError(
      [
        {
          path: 'kind',
          message: `expected 'rush', 'rework' or 'delivery', received ${JSON.stringify(kind)}`,
        },
      ],
      where,
    );
  const register = kind as RegisterKind;
  if (options !== undefined && (options === null || typeof options !== 'object'))
    throw new ValidationError(
      [{ path: 'options', message: `expected an object of filters, received ${String(options)}` }],
      where,
    );
  const o = options ?? {};
  const time = (name: 'since' | 'until') => {
    const v = o[name];
    if (v !== undefined && !Number.isFinite(v))
      issues.push({ path: name, message: `expected a time in epoch ms, received ${String(v)}` });
  };
  time('since');
  time('until');
  for (const name of ['clientId', 'line'] as const)
    if (o[name] !== undefined && typeof o[name] !== 'string')
      issues.push({ path: name, message: `expected a string, received ${typeof o[name]}` });
  // A hand-over is of an order, not made on a line: its rush or rework entry has the line.
  if (register === 'delivery' && o.line !== undefined)
    issues.push({
      path: 'line',
      message: `the delivery register has no line to filter on, received ${JSON.stringify(o.line)}`,
    });
  if (o.outcome !== undefined && !OUTCOMES[register].includes(o.outcome))
    issues.push({
      path: 'outcome',
      message: `expected one of ${OUTCOMES[register].map((x) => `'${x}'`).join(', ')} for the ${register} register, received ${JSON.stringify(o.outcome)}`,
    });
  const limit = o.limit ?? 100;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE)
    issues.push({
      path: 'limit',
      message: `expected a whole number from 1 to ${MAX_PAGE}, received ${String(o.limit)}`,
    });
  const after = typeof o.after === 'string' ? pagePlace(o.after) : undefined;
  if (o.after !== undefined && after === undefined)
    issues.push({
      path: 'after',
      message: `expected the 'next' of an earlier page ('<at>/<ordinal>:<orderId>'), received ${JSON.stringify(o.after)}`,
    });
  if (issues.length > 0) throw new ValidationError(issues, where);
  const query: RegisterQuery = { limit };
  for (const name of ['since', 'until', 'clientId', 'line', 'outcome'] as const)
    if (o[name] !== undefined) (query as unknown as Record<string, unknown>)[name] = o[name];
  if (after) query.after = after;
  return { kind: register, query };
}
