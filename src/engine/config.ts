/**
 * Resolving a `SchedulerConfig`: validate it with zod, fill in the lab's defaults, and check
 * what the schemas alone cannot (every product a line makes is in the catalog, the policy
 * covers every product, line ids are unique, no span of the policy is longer than a year).
 */
import { z } from 'zod';
import { defaultCalendar, defaultLines, defaultProducts } from '../domain/defaults.js';
import { ValidationError, type ValidationIssue } from '../domain/errors.js';
import { dict, dictSchema } from '../domain/keyed.js';
import { MAX_POLICY_HOURS } from '../domain/limits.js';
import { type Policy, type PolicyInput, parsePolicy } from '../domain/policy.js';
import { calendarSchema, check, lineSchema, productSchema, tierSchema } from '../domain/schemas.js';
import type {
  CalendarSpec,
  ClientSpec,
  LineSpec,
  ProductSpec,
  TimeInput,
} from '../domain/types.js';
import { BUILT_IN_GATES, type CustomGate } from '../policy/gates.js';

/** How to build a `Scheduler`. Every part is optional and defaults to the lab's. */
export interface SchedulerConfig {
  /** The lab's working calendar. @default Asia/Shanghai, 09:00–18:00, Monday to Saturday */
  calendar?: CalendarSpec;
  /** The production lines. @default print 1,200/h, album 90/h, crystal 8/h, frame 10/h */
  lines?: LineSpec[];
  /** The product catalog, laid over the default one. @default print, album, crystal, frame at 1 unit per item */
  products?: Record<string, ProductSpec>;
  /** The rush policy, laid over `defaultPolicy`. */
  policy?: PolicyInput;
  /** Where calls without an `at` take the time from. The engine never reads the wall clock itself. */
  clock?: () => TimeInput;
  /** The lab's own rush rules, run after the built-in gates 1–5 and before feasibility. @default [] */
  gates?: CustomGate[];
  /**
   * Clients registered with their tier: an order of a registered client whose `tier` differs is
   * refused. Ids are unique. Registration is state from then on (`setClient` changes it, a
   * snapshot keeps it). @default [] (every client unregistered: an order's tier is taken as given)
   */
  clients?: ClientSpec[];
  /**
   * How long, in days (of 24 hours), a settled (finished) order stays in the engine's memory
   * after it settled, with its at-risk reports; rush register entries stay as long after their
   * decision, closed rework entries as long after they were closed. Past it, `explain` no
   * longer knows the order, and its id may be used again. The work in hand always stays, and a
   * client's accepted rushes are kept for `policy.rush.frequencyWindowDays` whatever this is
   * (the frequent-rusher gate counts them), so retention changes no decision (only whether a
   * forgotten order's id may be used again). 0 forgets
   * an order at the first call whose time reaches its finish. At most 366.
   * @default 7 (a week: the daily and weekly reports, and a client asking about last week's order)
   */
  retention?: number;
}

/**
 * A configuration after validation, with every default filled in. The product catalog and the
 * policy's per-product tables are dictionaries without a prototype (`domain/keyed.ts`), so a
 * product may be called anything and a lookup finds only what was configured.
 */
export interface ResolvedConfig {
  calendar: CalendarSpec;
  lines: LineSpec[];
  products: Record<string, ProductSpec>;
  policy: Policy;
  clock: (() => TimeInput) | undefined;
  gates: CustomGate[];
  clients: ClientSpec[];
  /** Days a settled order stays in memory (`SchedulerConfig.retention`). */
  retention: number;
}

/** The default `retention`, in days. */
export const DEFAULT_RETENTION_DAYS = 7;
/** The longest `retention`, in days. */
export const MAX_RETENTION_DAYS = 366;

const configSchema = z.strictObject({
  calendar: calendarSchema.optional(),
  lines: z.array(lineSchema).min(1, 'must list at least one line').optional(),
  products: dictSchema(
    z.string().min(1, 'must be a non-empty product name'),
    productSchema,
  ).optional(),
  policy: z.unknown().optional(),
  clock: z
    .custom<() => TimeInput>((v) => typeof v === 'function', {
      message: 'must be a function returning the current time',
    })
    .optional(),
  gates: z
    .array(
      z.object({
        id: z
          .string()
          .min(1, 'must be a non-empty rule id')
          .refine((id) => !(BUILT_IN_GATES as readonly string[]).includes(id), {
            message: `must not be a built-in rule id (${BUILT_IN_GATES.join(', ')})`,
          }),
        decline: z.custom<CustomGate['decline']>((v) => typeof v === 'function', {
          message: 'must be a function (request, context) => reason | undefined',
        }),
      }),
    )
    .optional(),
  clients: z
    .array(
      z.strictObject({ id: z.string().min(1, 'must be a non-empty client id'), tier: tierSchema }),
    )
    .optional(),
  retention: z
    .number({ message: 'must be a number of days' })
    .min(0, 'must be at least 0 days')
    .max(MAX_RETENTION_DAYS, `must be at most ${MAX_RETENTION_DAYS} days`)
    .optional(),
});

/**
 * The spans of time a policy names, with their paths: each is at most `MAX_POLICY_HOURS`, so
 * that a promise or deadline made from one lies within the window a decision may give.
 */
function policySpans(p: Policy): [string, number, 'hours' | 'minutes'][] {
  const spans: [string, number, 'hours' | 'minutes'][] = [
    ['standardTurnaroundHours.key', p.standardTurnaroundHours.key, 'hours'],
    ['standardTurnaroundHours.special', p.standardTurnaroundHours.special, 'hours'],
    ['standardTurnaroundHours.regular', p.standardTurnaroundHours.regular, 'hours'],
    ['rush.halfDayHours', p.rush.halfDayHours, 'hours'],
    ['rush.immediateBufferMinutes', p.rush.immediateBufferMinutes, 'minutes'],
  ];
  for (const [product, sla] of Object.entries(p.reworkSlaHours))
    if (sla !== 'same-day') spans.push([`reworkSlaHours.${product}`, sla, 'hours']);
  return spans;
}

/** Validates a configuration and fills in the defaults; throws `ValidationError`. */
export function resolveConfig(input: unknown = {}): ResolvedConfig {
  const r = check(configSchema, input ?? {});
  if (!r.ok) throw new ValidationError(r.issues, 'config');
  const cfg = r.value;
  const issues: ValidationIssue[] = [];

  let policy: Policy | undefined;
  try {
    policy = parsePolicy(cfg.policy ?? {});
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    for (const i of error.issues)
      issues.push({ path: i.path ? `policy.${i.path}` : 'policy', message: i.message });
  }

  const products = dict<ProductSpec>([
    ...Object.entries(structuredClone(defaultProducts)),
    ...Object.entries(cfg.products ?? {}),
  ]);
  const lines: LineSpec[] = structuredClone(cfg.lines ?? (defaultLines as LineSpec[]));
  const seen = new Set<string>();
  lines.forEach((line, i) => {
    if (seen.has(line.id))
      issues.push({ path: `lines.${i}.id`, message: `must be unique, '${line.id}' is used twice` });
    seen.add(line.id);
    line.products.forEach((p, j) => {
      if (!Object.hasOwn(products, p)) {
        issues.push({
          path: `lines.${i}.products.${j}`,
          message: `must be a product of the catalog (${Object.keys(products).join(', ')}), received '${p}'`,
        });
      }
    });
  });
  if (policy) {
    for (const [path, hours, unit] of policySpans(policy)) {
      const most = unit === 'minutes' ? MAX_POLICY_HOURS * 60 : MAX_POLICY_HOURS;
      if (hours > most)
        issues.push({
          path: `policy.${path}`,
          message: `must be at most ${most} ${unit} (a year), received ${hours}`,
        });
    }
    for (const product of Object.keys(products)) {
      if (!Object.hasOwn(policy.rush.smallQuantity, product)) {
        issues.push({
          path: `policy.rush.smallQuantity.${product}`,
          message: `is required for product '${product}'`,
        });
      }
      if (!Object.hasOwn(policy.reworkSlaHours, product)) {
        issues.push({
          path: `policy.reworkSlaHours.${product}`,
          message: `is required for product '${product}'`,
        });
      }
    }
  }
  const gateIds = new Set<string>();
  (cfg.gates ?? []).forEach((g, i) => {
    if (gateIds.has(g.id))
      issues.push({ path: `gates.${i}.id`, message: `must be unique, '${g.id}' is used twice` });
    gateIds.add(g.id);
  });
  // A Set of the caller's ids, not an object: any string, `__proto__` included, is a client id.
  const clientIds = new Set<string>();
  (cfg.clients ?? []).forEach((c, i) => {
    if (clientIds.has(c.id))
      issues.push({
        path: `clients.${i}.id`,
        message: `must be unique, client '${c.id}' is registered twice`,
      });
    clientIds.add(c.id);
  });
  if (issues.length > 0 || !policy) throw new ValidationError(issues, 'config');
  return {
    calendar: structuredClone(cfg.calendar ?? (defaultCalendar as CalendarSpec)),
    lines,
    products,
    policy,
    clock: cfg.clock,
    gates: (cfg.gates ?? []).map((g) => ({ id: g.id, decline: g.decline })),
    clients: (cfg.clients ?? []).map((c) => ({ id: c.id, tier: c.tier })),
    retention: cfg.retention ?? DEFAULT_RETENTION_DAYS,
  };
}
