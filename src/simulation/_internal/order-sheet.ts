/**
 * The order sheet of a simulated run: one row per order, in columns. A row holds what was
 * drawn for the order (when it came, its client, product and quantity, its rush, its pickup
 * time, its lifecycle) and what became of it (its line, the decision, its start, finish,
 * cancel, hold and hand-over).
 *
 * Why columns. A `SimulatedOrder` object took about 440 bytes: V8 keeps each of its ten times
 * as a number object of its own beside the field that points to it, and a 10⁶-order day kept
 * a million of them, and the drawn orders beside them. A row here takes about 100 bytes (130
 * with a lifecycle). A run fills its sheet; the records the API shows are made from it when
 * they are read (`recordOf`). The sheet is plain data (typed arrays and lists of names), so a
 * worker thread can send it back whole.
 */
import type { Cause, Decision, Order, OrderClass, Tier, Urgency } from '../../domain/types.js';
import type { SimulatedOrder } from '../types.js';

export interface Client {
  id: string;
  tier: Tier;
  habitual: boolean;
  /** The probability that an order of this client (not company-caused) comes with a rush request. */
  rushPropensity: number;
}

/**
 * What happens to an order after its submission (`Scenario.lifecycle`), drawn with it; times
 * are epoch ms, -1 for what does not happen to it.
 */
export interface Fate {
  /** When the client cancels it. */
  cancelAt: number;
  /** When it is held, and for how many ms. */
  holdAt: number;
  holdMs: number;
  /** Ms from its finish to its hand-over. */
  handoverMs: number;
}

export interface Arrival {
  at: number;
  order: Order;
  client: Client;
  /** Its lifecycle; absent in a scenario without `lifecycle`. */
  fate?: Fate;
}

/** A row's rush: none, a client's, or a company cause (rules.md §1), by its code. */
export const RUSH_CAUSES = ['none', 'client', 'missing', 'damaged', 'rework'] as const;
/** The codes of no rush and of a client's rush; every code after them is a company cause. */
export const NO_RUSH = 0;
export const CLIENT_RUSH = 1;
export const URGENCIES: readonly Urgency[] = ['immediate', 'half-day', 'same-day', 'next-day'];
const OUTCOMES: readonly Decision['outcome'][] = ['queued', 'rush-accepted', 'rush-declined'];

/** A row's marks, as bits of `marks`. */
export const Mark = {
  /** Submitted after the warm-up, so counted in the KPIs. */
  counted: 1,
  late: 2,
  /** The engine reported it at risk at some point. */
  atRisk: 4,
  /** Held now: on no line's queue until its release. */
  held: 8,
} as const;

/** Whether row `i` has `mark`. */
export function hasMark(sheet: OrderSheet, i: number, mark: number): boolean {
  return ((sheet.marks[i] as number) & mark) !== 0;
}

/** Gives row `i` the mark, or takes it away. */
export function setMark(sheet: OrderSheet, i: number, mark: number, on = true): void {
  const marks = sheet.marks[i] as number;
  sheet.marks[i] = on ? marks | mark : marks & ~mark;
}

/** What the lifecycle drew for each row (`Fate`, in columns); -1 for what does not happen. */
export interface FateColumns {
  cancelAt: Float64Array;
  holdAt: Float64Array;
  holdMs: Float64Array;
  handoverMs: Float64Array;
}

export interface OrderSheet {
  length: number;
  /** Digits of the number in an order's id: `O` and the row's number from 1, padded. */
  idWidth: number;
  /** The names the codes of the columns stand for. */
  clients: Client[];
  products: string[];
  lines: string[];
  /** Deciding rules: none yet (''), then each in the order it was first met. */
  rules: string[];
  // What was drawn.
  submittedAt: Float64Array;
  client: Uint32Array;
  product: Uint32Array;
  quantity: Uint32Array;
  /** Index in `RUSH_CAUSES`. */
  rush: Uint8Array;
  /** Index in `URGENCIES`, for a client rush. */
  urgency: Uint8Array;
  /** -1 for an order that is shipped. */
  pickupAt: Float64Array;
  fate: FateColumns | undefined;
  // What became of it: times are -1 until they happen, as in `SimulatedOrder`.
  /** Index in `lines`; `NO_LINE` until the order is decided. */
  line: Uint32Array;
  /** Index in the decision outcomes. */
  outcome: Uint8Array;
  /** Index in `rules`: the engine's rule ids, a few dozen at most. */
  rule: Uint16Array;
  /** Bits of `Mark`. */
  marks: Uint8Array;
  startedAt: Float64Array;
  finishedAt: Float64Array;
  promisedBy: Float64Array;
  requestedBy: Float64Array;
  cancelledAt: Float64Array;
  heldAt: Float64Array;
  deliveredAt: Float64Array;
  dueBy: Float64Array;
}

const unset = (n: number) => new Float64Array(n).fill(-1);

/** The line code of an order not decided yet. */
export const NO_LINE = 0xffff_ffff;

/** An empty sheet of `length` rows; the draw fills what was drawn, the run the rest. */
export function newSheet(
  length: number,
  names: { clients: Client[]; products: string[]; lines: string[] },
  withFates: boolean,
): OrderSheet {
  return {
    length,
    idWidth: Math.max(6, String(length).length),
    ...names,
    rules: [''],
    submittedAt: new Float64Array(length),
    client: new Uint32Array(length),
    product: new Uint32Array(length),
    quantity: new Uint32Array(length),
    rush: new Uint8Array(length),
    urgency: new Uint8Array(length),
    pickupAt: unset(length),
    fate: withFates
      ? {
          cancelAt: unset(length),
          holdAt: unset(length),
          holdMs: new Float64Array(length),
          handoverMs: new Float64Array(length),
        }
      : undefined,
    line: new Uint32Array(length).fill(NO_LINE),
    outcome: new Uint8Array(length),
    rule: new Uint16Array(length),
    marks: new Uint8Array(length),
    startedAt: unset(length),
    finishedAt: unset(length),
    promisedBy: unset(length),
    requestedBy: unset(length),
    cancelledAt: unset(length),
    heldAt: unset(length),
    deliveredAt: unset(length),
    dueBy: unset(length),
  };
}

/** The id of row `i`. */
export function orderId(sheet: OrderSheet, i: number): string {
  return `O${String(i + 1).padStart(sheet.idWidth, '0')}`;
}

/** The row of an order by its id (`orderId`): the simulator reads the engine's ids back so. */
export function rowOf(id: string): number {
  return Number(id.slice(1)) - 1;
}

/** What kind of order row `i` is: a client rush, a company-caused one, or a plain order. */
export function classOf(sheet: OrderSheet, i: number): OrderClass {
  const r = sheet.rush[i] as number;
  return r === NO_RUSH ? 'normal' : r === CLIENT_RUSH ? 'rush' : 'company';
}

/** Row `i`'s client. */
export function clientOf(sheet: OrderSheet, i: number): Client {
  return sheet.clients[sheet.client[i] as number] as Client;
}

/** Row `i`'s lifecycle, in a scenario with one. */
export function fateOf(sheet: OrderSheet, i: number): Fate | undefined {
  const f = sheet.fate;
  if (!f) return undefined;
  return {
    cancelAt: f.cancelAt[i] as number,
    holdAt: f.holdAt[i] as number,
    holdMs: f.holdMs[i] as number,
    handoverMs: f.handoverMs[i] as number,
  };
}

/** Row `i` as it is submitted to the engine: the order, with its client and lifecycle. */
export function arrivalOf(sheet: OrderSheet, i: number): Arrival {
  const client = clientOf(sheet, i);
  const at = sheet.submittedAt[i] as number;
  const order: Order = {
    id: orderId(sheet, i),
    clientId: client.id,
    tier: client.tier,
    product: sheet.products[sheet.product[i] as number] as string,
    quantity: sheet.quantity[i] as number,
    uploadedAt: at,
  };
  const rush = sheet.rush[i] as number;
  if (rush === CLIENT_RUSH)
    order.rush = { urgency: URGENCIES[sheet.urgency[i] as number] as Urgency, cause: 'client' };
  else if (rush > CLIENT_RUSH) {
    const cause = RUSH_CAUSES[rush] as Exclude<Cause, 'client'>;
    order.rush = cause === 'rework' ? { cause, reason: 'rework (simulated)' } : { cause };
  }
  const pickupAt = sheet.pickupAt[i] as number;
  if (pickupAt >= 0) order.pickupAt = pickupAt;
  const fate = fateOf(sheet, i);
  return fate ? { at, order, client, fate } : { at, order, client };
}

/** Writes the engine's decision for row `i` (at its submission, and again at a release). */
export function writeDecision(sheet: OrderSheet, i: number, d: Decision): void {
  sheet.outcome[i] = OUTCOMES.indexOf(d.outcome);
  const rule = d.reasons[0]?.rule ?? '';
  let code = sheet.rules.indexOf(rule);
  if (code < 0) code = sheet.rules.push(rule) - 1;
  sheet.rule[i] = code;
  sheet.promisedBy[i] = d.promisedBy;
  sheet.requestedBy[i] = d.requestedBy;
}

/** Row `i`'s decision outcome. */
export function outcomeOf(sheet: OrderSheet, i: number): Decision['outcome'] {
  return OUTCOMES[sheet.outcome[i] as number] as Decision['outcome'];
}

/** Row `i`'s deciding rule. */
export function ruleOf(sheet: OrderSheet, i: number): string {
  return sheet.rules[sheet.rule[i] as number] as string;
}

/**
 * Row `i` as the simulator's record of it, made fresh: one literal, every record with the same
 * fields (`urgency` and `cause` undefined for an order without a rush), so that all share one
 * shape.
 */
export function recordOf(sheet: OrderSheet, i: number): SimulatedOrder {
  const client = clientOf(sheet, i);
  const rush = sheet.rush[i] as number;
  return {
    id: orderId(sheet, i),
    clientId: client.id,
    habitual: client.habitual,
    line: sheet.lines[sheet.line[i] as number] ?? '',
    class: classOf(sheet, i),
    tier: client.tier,
    product: sheet.products[sheet.product[i] as number] as string,
    quantity: sheet.quantity[i] as number,
    urgency: rush === CLIENT_RUSH ? URGENCIES[sheet.urgency[i] as number] : undefined,
    cause: rush === NO_RUSH ? undefined : (RUSH_CAUSES[rush] as Cause),
    submittedAt: sheet.submittedAt[i] as number,
    startedAt: sheet.startedAt[i] as number,
    finishedAt: sheet.finishedAt[i] as number,
    promisedBy: sheet.promisedBy[i] as number,
    requestedBy: sheet.requestedBy[i] as number,
    outcome: outcomeOf(sheet, i),
    rule: ruleOf(sheet, i),
    late: hasMark(sheet, i, Mark.late),
    atRisk: hasMark(sheet, i, Mark.atRisk),
    counted: hasMark(sheet, i, Mark.counted),
    pickupAt: sheet.pickupAt[i] as number,
    cancelledAt: sheet.cancelledAt[i] as number,
    heldAt: sheet.heldAt[i] as number,
    deliveredAt: sheet.deliveredAt[i] as number,
    dueBy: sheet.dueBy[i] as number,
  };
}

/** Every row's record, in submission order. */
export function recordsOf(sheet: OrderSheet): SimulatedOrder[] {
  const out: SimulatedOrder[] = new Array(sheet.length);
  for (let i = 0; i < sheet.length; i++) out[i] = recordOf(sheet, i);
  return out;
}
