/**
 * The snapshot format: the whole state of a `Scheduler` as plain JSON. Times are epoch ms.
 * Working-time coordinates are never stored (they belong to one process's calendar table);
 * they are recomputed from the times on restore.
 */
import { z } from 'zod';
import { dictSchema } from '../domain/keyed.js';
import type { Policy } from '../domain/policy.js';
import {
  calendarSchema,
  causeSchema,
  lineSchema,
  productSchema,
  tierSchema,
  urgencySchema,
} from '../domain/schemas.js';
import type {
  AtRiskReport,
  CalendarSpec,
  Decision,
  DeliveryRecord,
  LineSpec,
  NormalizedOrder,
  OrderClass,
  OrderStatus,
  ProductSpec,
  ReworkRecord,
  RushRecord,
  Tier,
} from '../domain/types.js';
import { MAX_DECIDED_MS, MIN_MS } from '../time/units.js';

export const SNAPSHOT_FORMAT = 'rushline-snapshot';
export const SNAPSHOT_VERSION = 1;

/** One order as a snapshot holds it. */
export interface SnapshotOrder {
  order: NormalizedOrder;
  line: string;
  cls: OrderClass;
  seq: number;
  units: number;
  submittedAt: number;
  requestedBy: number;
  promisedBy: number;
  plain: boolean;
  status: OrderStatus;
  decision: Decision;
  atRisk: AtRiskReport[];
  startedAt?: number;
  expectedFinish?: number;
  finishedAt?: number;
  /** For a held order: since when. */
  heldAt?: number;
  /** For a cancelled order: when. */
  cancelledAt?: number;
  /**
   * For an order in hand whose rush entry has left the register (older than the retention):
   * that entry, which a cancel, a hold or an amendment still reads.
   */
  rushEntry?: RushRecord;
}

/** What `Scheduler.snapshot()` returns: plain JSON, safe to `JSON.stringify` and store. */
export interface Snapshot {
  format: typeof SNAPSHOT_FORMAT;
  version: typeof SNAPSHOT_VERSION;
  config: {
    calendar: CalendarSpec;
    lines: LineSpec[];
    products: Record<string, ProductSpec>;
    policy: Policy;
    /** The ids of the custom gates the scheduler ran; `restoreScheduler` must be given them again. */
    gates?: string[];
    /** The retention in days; absent in a snapshot made before retention, which restores with the default. */
    retention?: number;
  };
  /** The time of the last state-changing call, or null if there was none. */
  lastTime: number | null;
  seq: number;
  orders: SnapshotOrder[];
  /** The rush register's entries held (within the retention horizon). */
  rushRegister: RushRecord[];
  /** The rework register's entries held. */
  reworkRegister: ReworkRecord[];
  /** The at-risk reports held: those of the orders held, from the oldest of them on. */
  atRiskLog: AtRiskReport[];
  /**
   * The number of the first entry held of each register (entries are numbered from the
   * engine's first); absent when each is 0, as in a snapshot made before retention.
   */
  registerStart?: { rush: number; rework: number; atRisk: number };
  clientRushes: Record<string, number[]>;
  rushUnits: Record<string, Record<string, number>>;
  /**
   * The registered clients' tiers, in registration order; absent when none is registered. A
   * snapshot from before clients could be registered has none, and restores as it did.
   */
  clients?: Record<string, Tier>;
  /**
   * The lines that are down (`setCapacity(line, 0)`), with the time each went down; absent when
   * none is. Their `config.lines[].unitsPerHour` is the capacity they had, at which their work
   * is counted.
   */
  linesDown?: Record<string, number>;
  /**
   * The delivery register, in hand-over order; absent when nothing was delivered (and in a
   * snapshot from before hand-overs were recorded).
   */
  deliveryRegister?: DeliveryRecord[];
}

/**
 * A time in a snapshot: within the window the engine decides in (callers' times from 2000,
 * promises and finishes up to 2300), so that every snapshot that validates can be restored and
 * driven on without leaving the calendar.
 */
const ms = z
  .number()
  .int()
  .min(MIN_MS, `must be an instant from ${new Date(MIN_MS).toISOString()} on`)
  .max(MAX_DECIDED_MS, `must be an instant up to ${new Date(MAX_DECIDED_MS).toISOString()}`);
const reason = z.strictObject({ rule: z.string().min(1), message: z.string() });
/**
 * A rush register entry, every field in the register's key order. A schema gives back the keys
 * it knows in its own order, so a restored engine's registers read as the original's, as text.
 */
const rushEntry = z.strictObject({
  orderId: z.string(),
  clientId: z.string(),
  tier: tierSchema,
  line: z.string(),
  product: z.string(),
  quantity: z.number().int().min(1),
  units: z.number().positive(),
  urgency: urgencySchema.optional(),
  cause: causeSchema,
  reason: z.string().optional(),
  responsible: z.string().optional(),
  requestedAt: ms,
  day: z.string(),
  outcome: z.enum(['rush-accepted', 'rush-declined']),
  deadline: ms.optional(),
  promisedBy: ms,
  reasons: z.array(reason).min(1),
  atRisk: z.array(z.string()),
  earliestPossible: ms.optional(),
  tight: z.boolean(),
  quota: z.strictObject({ used: z.number().min(0), limit: z.number().min(0) }),
  recentRushes: z.number().int().min(0),
  heldAt: ms.optional(),
  cancelledAt: ms.optional(),
});
/** A rework register entry, every field in the register's key order (see `rushEntry`). */
const reworkEntry = z.strictObject({
  orderId: z.string(),
  line: z.string(),
  product: z.string(),
  clientId: z.string(),
  registeredAt: ms,
  date: z.string(),
  cause: z.string().optional(),
  responsible: z.string().optional(),
  deadline: ms,
  closedAt: ms.optional(),
  cancelled: z.literal(true).optional(),
});
const atRiskReport = z.strictObject({
  orderId: z.string(),
  line: z.string(),
  at: ms,
  cause: z.enum(['company-rush', 'capacity-drop', 'line-delay']),
  by: z.string().optional(),
});
const decision = z.strictObject({
  orderId: z.string(),
  line: z.string(),
  outcome: z.enum(['queued', 'rush-accepted', 'rush-declined']),
  promisedBy: ms,
  reasons: z.array(reason).min(1),
  atRisk: z.array(z.string()),
  earliestPossible: ms.optional(),
  decidedAt: ms,
  requestedBy: ms,
});
const order = z.strictObject({
  id: z.string().min(1),
  clientId: z.string().min(1),
  tier: tierSchema,
  product: z.string().min(1),
  quantity: z.number().int().min(1),
  uploadedAt: ms,
  shipBy: ms.optional(),
  pickupAt: ms.optional(),
  rush: z
    .strictObject({
      urgency: urgencySchema.optional(),
      cause: causeSchema,
      reason: z.string().optional(),
      responsible: z.string().optional(),
      forOrder: z.string().optional(),
    })
    .optional(),
  line: z.string().optional(),
});

/**
 * One order of a snapshot. It has no transforms or defaults: what it accepts, it gives back
 * unchanged, so an order that passes it may be kept as it was given (`restoreScheduler`'s `adopt`).
 */
export const snapshotOrderSchema = z.strictObject({
  order,
  line: z.string(),
  cls: z.enum(['company', 'rush', 'normal']),
  seq: z.number().int().min(1),
  units: z.number().positive(),
  submittedAt: ms,
  requestedBy: ms,
  promisedBy: ms,
  plain: z.boolean(),
  status: z.enum(['queued', 'held', 'in-production', 'finished', 'delivered', 'cancelled']),
  decision,
  atRisk: z.array(atRiskReport),
  startedAt: ms.optional(),
  expectedFinish: ms.optional(),
  finishedAt: ms.optional(),
  heldAt: ms.optional(),
  cancelledAt: ms.optional(),
  rushEntry: rushEntry.optional(),
});

export const snapshotSchema = z.strictObject({
  format: z.literal(SNAPSHOT_FORMAT),
  version: z.literal(SNAPSHOT_VERSION),
  config: z.strictObject({
    calendar: calendarSchema,
    lines: z.array(lineSchema).min(1),
    products: dictSchema(z.string(), productSchema),
    policy: z.unknown(),
    gates: z.array(z.string().min(1)).optional(),
    retention: z.number().min(0).optional(),
  }),
  lastTime: ms.nullable(),
  seq: z.number().int().min(0),
  orders: z.array(snapshotOrderSchema),
  rushRegister: z.array(rushEntry),
  reworkRegister: z.array(reworkEntry),
  atRiskLog: z.array(atRiskReport),
  registerStart: z
    .strictObject({
      rush: z.number().int().min(0),
      rework: z.number().int().min(0),
      atRisk: z.number().int().min(0),
    })
    .optional(),
  // Keyed by the caller's client and line ids: every string is a key (`domain/keyed.ts`).
  clientRushes: dictSchema(z.string(), z.array(ms)),
  rushUnits: dictSchema(z.string(), dictSchema(z.string(), z.number().min(0))),
  clients: dictSchema(z.string().min(1), tierSchema).optional(),
  linesDown: dictSchema(z.string(), ms).optional(),
  deliveryRegister: z
    .array(
      z.strictObject({
        orderId: z.string(),
        clientId: z.string(),
        via: z.enum(['ship', 'pickup']),
        reference: z.string().optional(),
        shortItems: z.number().int().min(0),
        deliveredAt: ms,
        dueBy: ms,
        onTime: z.boolean(),
        reissuedBy: z.array(z.string()).optional(),
      }),
    )
    .optional(),
});

/** A snapshot with its orders left unchecked, for checking them one at a time. */
export const snapshotFrameSchema = snapshotSchema.extend({ orders: z.array(z.unknown()) });
