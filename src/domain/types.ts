/**
 * The public vocabulary of Rushline (rules.md §1). Every time that leaves the engine is epoch
 * milliseconds; times that enter it may also be ISO 8601 strings with an offset.
 */
import type { CalendarException, CalendarSpec } from '../time/calendar.js';

export type { CalendarException, CalendarSpec };

/** A time given to the engine: epoch milliseconds, or ISO 8601 with an offset (`2026-11-24T09:30:00+08:00`). */
export type TimeInput = number | string;

/** Client tier, most important first. */
export type Tier = 'key' | 'special' | 'regular';
/** The default product catalog; a configuration may add others. */
export type DefaultProduct = 'print' | 'album' | 'crystal' | 'frame';
/** How soon a client wants a rush order. */
export type Urgency = 'immediate' | 'half-day' | 'same-day' | 'next-day';
/** Who caused a rush: the client, or the company (missing print, damaged print, rework). */
export type Cause = 'client' | 'missing' | 'damaged' | 'rework';
/** The three classes the simulator and the reports speak of. */
export type OrderClass = 'company' | 'rush' | 'normal';

/** A rush request attached to an order. */
export interface RushRequest {
  /** Required for client rushes; ignored for company-caused ones, which are always the most urgent. */
  urgency?: Urgency;
  /** @default 'client' */
  cause?: Cause;
  /** Free text; for rework, the cause written into the rework register. */
  reason?: string;
  /** For rework: the person responsible, written into the rework register. */
  responsible?: string;
  /**
   * For a `missing` rush: the delivered order whose short items (`deliver`'s `shortItems`) it
   * reissues. The delivery must have been short; the delivery register links the two.
   */
  forOrder?: string;
}

/**
 * Where an order is in its life (rules.md §7.7: every order is always in one of these):
 * `queued` (promised, waiting for its line), `held` (waiting for a file or a payment: not
 * produced and holding no capacity), `in-production`, `finished`, `delivered` (handed over to
 * the client) or `cancelled`.
 */
export type OrderStatus =
  | 'queued'
  | 'held'
  | 'in-production'
  | 'finished'
  | 'delivered'
  | 'cancelled';

/** What `amend` may change of a queued or held order; at least one field. */
export interface OrderChanges {
  /** Items, a positive integer. */
  quantity?: number;
  shipBy?: TimeInput;
  pickupAt?: TimeInput;
}

/**
 * What `cancel` and `hold` answer: the order, its line, its status now (`cancelled` or `held`),
 * the status it had before the call, when the call happened, and the promise it held then.
 */
export interface OrderChange {
  orderId: string;
  line: string;
  status: 'cancelled' | 'held';
  /** The status before the call. */
  was: 'queued' | 'held' | 'in-production';
  /** When it was cancelled or held (epoch ms). */
  at: number;
  /** The promise it held before the call; a held or cancelled order holds none. */
  promisedBy: number;
}

/** One job to produce, as the caller submits it. */
export interface Order {
  id: string;
  clientId: string;
  tier: Tier;
  product: string;
  /** Items, a positive integer. */
  quantity: number;
  uploadedAt: TimeInput;
  shipBy?: TimeInput;
  pickupAt?: TimeInput;
  rush?: RushRequest;
  /** Pin the order to this line; by default the least-loaded line that makes the product. */
  line?: string;
}

/** An order after validation: times in epoch ms, cause filled in. */
export interface NormalizedOrder {
  id: string;
  clientId: string;
  tier: Tier;
  product: string;
  quantity: number;
  uploadedAt: number;
  shipBy?: number;
  pickupAt?: number;
  rush?: {
    urgency?: Urgency;
    cause: Cause;
    reason?: string;
    responsible?: string;
    forOrder?: string;
  };
  line?: string;
}

/** A production line: one order at a time, without preemption. */
export interface LineSpec {
  id: string;
  /** The products this line makes. */
  products: string[];
  /** Units (items, for the default products) per working hour; positive. */
  unitsPerHour: number;
}

/**
 * A client registered with its tier (issue 18, 公平对待): every order of a registered client must
 * carry that tier, so that one client is never treated as `regular` and as `key` minutes apart.
 */
export interface ClientSpec {
  id: string;
  tier: Tier;
}

/** What `setClient` answers: the client's tier now, and the one it had if it was registered. */
export interface ClientChange {
  clientId: string;
  tier: Tier;
  /** The tier it was registered with before; absent when the call registered it. */
  previous?: Tier;
}

/** A product of the catalog. */
export interface ProductSpec {
  /** Units of work per item. @default 1 */
  unitsPerItem: number;
}

/** Why a decision came out as it did: a rule id and a sentence. */
export interface Reason {
  /** A rule id of rules.md §4 (`accepted`, `daily-rush-quota`, …), or of promise-making (`requested-time`, `available-to-promise`, `first-uploaded-first-made`). */
  rule: string;
  message: string;
}

/** What `submit` answers for one order. */
export interface Decision {
  orderId: string;
  line: string;
  outcome: 'queued' | 'rush-accepted' | 'rush-declined';
  /** The promise: the order will be finished by this time (epoch ms). */
  promisedBy: number;
  /** Non-empty; the first entry is the deciding rule. */
  reasons: Reason[];
  /**
   * Ids of orders whose promise this decision put at risk (only a company-caused rush can), and
   * the order's own id when it was decided on a line that is down (its promise is at risk from
   * the start).
   */
  atRisk: string[];
  /** For a rush declined as unreachable or as breaking promises: the earliest time the order could be promised. */
  earliestPossible?: number;
  /** When the decision was made (epoch ms). */
  decidedAt: number;
  /** The time the order asked for before promise-making (urgency deadline, ship/pickup, or turnaround). */
  requestedBy: number;
}

/** One entry of the rush register: every rush decision, accepted or declined. */
export interface RushRecord {
  orderId: string;
  clientId: string;
  tier: Tier;
  line: string;
  product: string;
  quantity: number;
  units: number;
  urgency?: Urgency;
  cause: Cause;
  reason?: string;
  responsible?: string;
  /** When the rush was asked for (epoch ms). */
  requestedAt: number;
  /** The lab's production day the decision counts against, `yyyy-MM-dd`. */
  day: string;
  outcome: 'rush-accepted' | 'rush-declined';
  /** The deadline the rush asked for (urgency or rework SLA); absent when there is none (a same-day rush after the cutoff). */
  deadline?: number;
  promisedBy: number;
  reasons: Reason[];
  atRisk: string[];
  earliestPossible?: number;
  /** Whether the line was tight when the rush was decided. */
  tight: boolean;
  /** Client-rush units accepted on that line and day before this decision, and the limit that applied. */
  quota: { used: number; limit: number };
  /** The client's accepted client rushes within the frequency window before this one. */
  recentRushes: number;
  /**
   * When the order was held after this decision: an accepted rush's units went back to the
   * day's quota, and its release is decided again, in a later entry.
   */
  heldAt?: number;
  /** When the order was cancelled after this decision (an accepted rush's units went back to the day's quota). */
  cancelledAt?: number;
}

/** One entry of the rework register (返工件登记表). */
export interface ReworkRecord {
  orderId: string;
  line: string;
  product: string;
  clientId: string;
  registeredAt: number;
  /** The lab's local date of registration, `yyyy-MM-dd`. */
  date: string;
  /** The cause as given in `rush.reason`. */
  cause?: string;
  responsible?: string;
  deadline: number;
  closedAt?: number;
  /** Set when the entry was closed because its order was cancelled, not made. */
  cancelled?: true;
}

/** One line of `plan()`: an order in production order, with its projected times. */
export interface PlanEntry {
  orderId: string;
  line: string;
  status: 'in-production' | 'queued';
  start: number;
  finish: number;
  promisedBy: number;
  /** The projected finish is after the promise. */
  late: boolean;
}

/** What `next` answers: the order now started. */
export interface StartedOrder {
  orderId: string;
  line: string;
  startedAt: number;
  /** When the line will finish it at its present capacity (epoch ms). */
  expectedFinish: number;
  promisedBy: number;
  order: NormalizedOrder;
}

/** What `complete` answers. */
export interface Completion {
  orderId: string;
  line: string;
  startedAt: number;
  finishedAt: number;
  promisedBy: number;
  late: boolean;
}

/** An order reported at risk: its promise can no longer be kept as things stand. */
export interface AtRiskReport {
  orderId: string;
  line: string;
  /** When it was reported (epoch ms). */
  at: number;
  /** What put it at risk. */
  cause: 'company-rush' | 'capacity-drop' | 'line-delay';
  /** The company-caused order that pushed it, for `company-rush`. */
  by?: string;
}

/** Everything the engine knows about one order. */
export interface Explanation {
  orderId: string;
  line: string;
  class: OrderClass;
  status: OrderStatus;
  order: NormalizedOrder;
  decision: Decision;
  promisedBy: number;
  atRisk: AtRiskReport[];
  /** For a queued order: how many orders are ahead of it on its line. */
  position?: number;
  startedAt?: number;
  /** For the order in production: when the line is expected to finish it. */
  expectedFinish?: number;
  finishedAt?: number;
  late?: boolean;
  /** For a held order: since when. */
  heldAt?: number;
  /** For a cancelled order: when. */
  cancelledAt?: number;
  /** For a delivered order: its entry of the delivery register. */
  delivery?: DeliveryRecord;
  /** The decision and the order's state in plain words. */
  summary: string;
}

/** How a finished order reaches its client: shipped, or picked up at the counter. */
export type HandoverVia = 'ship' | 'pickup';

/** What `deliver` is told about a hand-over (发车登记). */
export interface Handover {
  via: HandoverVia;
  /** The carrier's tracking number, the counter slip, …: free text kept in the register. */
  reference?: string;
  /**
   * Items of the order that were not in the hand-over (漏件): a whole number from 0 to the
   * order's quantity. More than 0 leaves the delivery open for a company-caused `missing` rush
   * that reissues them (`rush: { cause: 'missing', forOrder }`). @default 0
   */
  shortItems?: number;
}

/** One entry of the delivery register: an order handed over to its client. */
export interface DeliveryRecord {
  orderId: string;
  clientId: string;
  via: HandoverVia;
  reference?: string;
  shortItems: number;
  /** When it was handed over (epoch ms). */
  deliveredAt: number;
  /**
   * When the client was to have it: the order's `shipBy` for a shipment, its `pickupAt` for a
   * pickup (the other one when it has only that), else its promise.
   */
  dueBy: number;
  /** `deliveredAt <= dueBy`: the client received it in time (考核: 到客人按时收到产品止). */
  onTime: boolean;
  /** The `missing` rush orders submitted for its short items, in submission order. */
  reissuedBy?: string[];
}

/** Which entries `deliveryRegister` lists. Every option narrows the list; none lists them all. */
export interface DeliveryRegisterOptions {
  /** Only hand-overs at or after this time. */
  since?: TimeInput;
  /** Only hand-overs before this time. */
  until?: TimeInput;
  /** Only this client's hand-overs. */
  clientId?: string;
}
