/**
 * What a simulation answers: one record per order, a timeline of the day in fixed buckets, and
 * a summary of KPIs (with a 95% confidence interval over replications). Times are epoch ms.
 */
import type { Cause, Decision, OrderClass, Tier, Urgency } from '../domain/types.js';
import type { ResolvedScenario } from './scenario.js';

/** One order of a simulated day, from submission to finish. */
export interface SimulatedOrder {
  id: string;
  clientId: string;
  /** The client is one of the scenario's habitual rushers. */
  habitual: boolean;
  line: string;
  class: OrderClass;
  tier: Tier;
  product: string;
  quantity: number;
  /** The rush's urgency; undefined for an order without a rush or a company-caused one. */
  urgency?: Urgency;
  /** The rush's cause; undefined for an order without a rush. */
  cause?: Cause;
  submittedAt: number;
  startedAt: number;
  finishedAt: number;
  /** The promise in force: after a hold, the one its release gave (so `outcome` and `rule`). */
  promisedBy: number;
  /** What the order asked for before promise-making. */
  requestedBy: number;
  outcome: Decision['outcome'];
  /** The deciding rule (the first reason of the decision). */
  rule: string;
  late: boolean;
  /** The engine reported the order at risk at some point. */
  atRisk: boolean;
  /** Submitted after the warm-up, so counted in the KPIs. */
  counted: boolean;
  /** The time the client will pick it up; -1 when it has none (it is shipped). */
  pickupAt: number;
  /** When the client cancelled it (`Scenario.lifecycle`); -1 when it was not cancelled. */
  cancelledAt: number;
  /** When it was held, waiting for a file or a payment; -1 when it never was. */
  heldAt: number;
  /** When it was handed over (shipped or picked up); -1 for a cancelled order. */
  deliveredAt: number;
  /** What its hand-over was due by, from the engine's delivery register: its pickup time, else its promise; -1 until handed over. */
  dueBy: number;
}

/** One line during one bucket of the timeline. */
export interface TimelineLine {
  /** Orders queued (not started) at the end of the bucket. */
  queued: number;
  /** Time-weighted mean of the queue during the bucket. */
  meanQueued: number;
  maxQueued: number;
  /** Share of the bucket's working time the line was producing; null when the lab was closed. */
  utilization: number | null;
  /** Work that arrived during the bucket over what the line can make in a bucket: above 1 the queue grows. */
  offeredLoad: number;
  /** Capacity at the end of the bucket. */
  unitsPerHour: number;
  /** Units of work that arrived for the line during the bucket. */
  arrivedUnits: number;
  /** Working ms the line was producing, and working ms the lab was open, during the bucket. */
  busyMs: number;
  openMs: number;
}

/** One bucket of the timeline. */
export interface TimelineBucket {
  start: number;
  end: number;
  /** Orders submitted during the bucket. */
  arrivals: number;
  lines: Record<string, TimelineLine>;
  /** Rush decisions made during the bucket: accepted, and declined by rule. */
  rushes: { accepted: number; declined: Record<string, number> };
}

export interface Timeline {
  bucketMinutes: number;
  lines: string[];
  buckets: TimelineBucket[];
}

/** A KPI over the replications: its mean, a 95% confidence interval, and every value. */
export interface Kpi {
  id: string;
  /** The lab's name for it. */
  label: string;
  unit: 'share' | 'minutes' | 'hours' | 'orders';
  group: 'assessment' | 'acceptance' | 'delivery' | 'lines' | 'waiting' | 'lateness' | 'volume';
  /** Mean over the replications that have a value; null when none has. */
  mean: number | null;
  /**
   * 95% interval of the mean; null with fewer than two values. Student's t for most KPIs; for a
   * share, Wilson's score interval, which stays inside [0, 1] (docs/simulation.md says how).
   */
  ci95: [number, number] | null;
  /** The value in each replication (null when it has none, e.g. a share of zero requests). */
  values: (number | null)[];
}

/**
 * What the rush policy decided, by the rule that decided (rules.md §4: `company-fault`,
 * `accepted`, and each declining gate), over every replication: the counts are totals over the
 * replications (divide by `replications` for a mean per replication). Only requests submitted
 * after the warm-up count. Days are the lab's production days, `yyyy-MM-dd`.
 */
export interface RushDecisions {
  /** Rush requests (client and company) by deciding rule. */
  total: Record<string, number>;
  /** The same, per production day, in date order. */
  days: { day: string; rules: Record<string, number> }[];
  /**
   * Each line's daily rush quota: client-rush units accepted (`used`) and the quota that applied
   * to regular and special clients (`limit`, `quotaShare` × the day's capacity; after a capacity
   * change that day, the largest that applied), both summed
   * over the replications with a client-rush decision on that line that day; `used / limit`
   * is the share of the quota used. In date order, then line order.
   */
  quota: { day: string; line: string; used: number; limit: number }[];
}

export interface SimulationSummary {
  scenario: string;
  seed: number;
  replications: number;
  kpis: Kpi[];
  rushDecisions: RushDecisions;
}

/** What `simulate` answers. `orders` and `timeline` are those of the first replication. */
export interface SimulationResult {
  scenario: ResolvedScenario;
  seed: number;
  summary: SimulationSummary;
  /**
   * One record per order, in submission order. Made from the run's order sheet when first
   * read (a million records take about 300 MB and most of a second); from then on an ordinary
   * array property, the same array at every read.
   */
  orders: SimulatedOrder[];
  timeline: Timeline;
}

export interface SimulateOptions {
  /** The seed of the random streams. Same scenario and seed give a byte-identical result. @default 1 */
  seed?: number;
  /** Independent days to simulate; the KPIs carry a 95% interval over them. @default 1 */
  replications?: number;
  /**
   * Called as orders are simulated, with how many are done and how many there are in all,
   * every hundredth of them and at the last. In a `study` the replications run side by side
   * and `replication` is the one whose orders were just counted.
   */
  onProgress?: (progress: { done: number; total: number; replication: number }) => void;
  /** Width of a timeline bucket. @default 15 */
  bucketMinutes?: number;
  /**
   * The most orders the run may expect over all its replications (the arrival rates over the
   * arrival window, times the replications), checked before anything is drawn. A day holds
   * about 350 bytes an order while it runs: raise this when the machine has the memory.
   * @default 2000000
   */
  maxOrders?: number;
}

/** A `study`'s options: those of `simulate`, and how many worker threads run its replications. */
export interface StudyOptions extends SimulateOptions {
  /**
   * Worker threads the replications are spread over (never more than there are
   * replications); the result does not depend on it.
   * @default os.availableParallelism()
   */
  workers?: number;
}
