/**
 * Queries of the register tables of a durable scheduler (issue 19): the registers outlive the
 * engine's memory in the store, and are read a page at a time with filters. This checks a
 * query as the caller gives it and turns a page's place into the text a caller passes back.
 */
import { ValidationError, type ValidationIssue } from '../domain/errors.js';
import type { RegisterKind, RegisterQuery } from '../store/types.js';

/** A register query as a caller gives it. Times are epoch ms. */
export interface RegisterQueryOptions {
  /** Entries at or after this time: a rush entry's `requestedAt`, a rework entry's `registeredAt`. */
  since?: number;
  /** Entries before this time. */
  until?: number;
  clientId?: string;
  line?: string;
  /** Rush: `'rush-accepted'` or `'rush-declined'`; rework: `'open'` or `'closed'`. */
  outcome?: string;
  /**
   * At most this many entries.
   * @default 100
   */
  limit?: number;
  /** The `next` of the page before: this page starts after it. */
  after?: string;
}

/** The most entries one page holds. */
export const MAX_PAGE = 10_000;

const OUTCOMES: Record<RegisterKind, readonly string[]> = {
  rush: ['rush-accepted', 'rush-declined'],
  rework: ['open', 'closed'],
};

/** The place after an entry, as a page's `next`: its time and order id. */
export function pageMark(at: number, orderId: string): string {
  return `${at}:${orderId}`;
}

/** A query checked: a `ValidationError` names every option that is not as described. */
export function registerQuery(
  kind: unknown,
  options: RegisterQueryOptions | undefined,
  where: string,
): { kind: RegisterKind; query: RegisterQuery } {
  const issues: ValidationIssue[] = [];
  if (kind !== 'rush' && kind !== 'rework')
    throw new ValidationError(
      [{ path: 'kind', message: `expected 'rush' or 'rework', received ${JSON.stringify(kind)}` }],
      where,
    );
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
  if (o.outcome !== undefined && !OUTCOMES[kind].includes(o.outcome))
    issues.push({
      path: 'outcome',
      message: `expected one of ${OUTCOMES[kind].map((x) => `'${x}'`).join(', ')} for the ${kind} register, received ${JSON.stringify(o.outcome)}`,
    });
  const limit = o.limit ?? 100;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE)
    issues.push({
      path: 'limit',
      message: `expected a whole number from 1 to ${MAX_PAGE}, received ${String(o.limit)}`,
    });
  let after: RegisterQuery['after'];
  if (o.after !== undefined) {
    const text = String(o.after);
    const colon = text.indexOf(':');
    const at = Number(text.slice(0, colon));
    if (typeof o.after !== 'string' || colon < 1 || !Number.isFinite(at))
      issues.push({
        path: 'after',
        message: `expected the 'next' of an earlier page, received ${JSON.stringify(o.after)}`,
      });
    else after = { at, orderId: text.slice(colon + 1) };
  }
  if (issues.length > 0) throw new ValidationError(issues, where);
  const query: RegisterQuery = { limit };
  for (const name of ['since', 'until', 'clientId', 'line', 'outcome'] as const)
    if (o[name] !== undefined) (query as unknown as Record<string, unknown>)[name] = o[name];
  if (after) query.after = after;
  return { kind, query };
}
