import type { Decision, DeliveryRecord } from '../../domain/types.js';

/**
 * A rendered decision as it is handed out when many are at once (a batch's answers, a register's
 * entries, a snapshot's orders): its objects copied once, by spread and by `map`.
 *
 * A V8 note. V8 counts, for each object or array literal in the code, how many of the objects
 * it made are still alive at a young collection; when nearly all are, it makes that literal's
 * objects in the old generation from then on, and does not reconsider ("allocation-site
 * pretenuring"). A batch of a thousand submissions keeps a thousand decisions alive across its
 * call. Handed out as rendered at the literals of `reasons.ts`, they taught V8 that decisions
 * live long, and from then on every single call's decision, garbage a moment later, was made in
 * the old generation and waited there for a full collection. In `bench:checkpoint` (10⁵ orders
 * taken in as batches of 1,000, then 12,000 calls) the run's peak RSS was 300–423 MiB, 398 or
 * more in 5 runs of 8; with these copies, 295–307 MiB in 16 of 16. A spread or a `map` has no
 * literal of its own to count, so the rendering literals see only objects that die young, and
 * the copies start young. A single call's decision is handed out as rendered: copying every one
 * cost the simulator 5–10% in one comparison, and one decision at a time teaches V8 nothing.
 */
export function handedOut(d: Decision): Decision {
  return { ...d, reasons: d.reasons.map((r) => ({ ...r })), atRisk: d.atRisk.slice() };
}

/**
 * A delivery register entry as it is handed out: the caller's own copy. The entry is flat but
 * for the orders reissued for its short items, which are copied too. A spread rather than
 * `structuredClone`, which cost a simulated hand-over more than the rest of `deliver`.
 */
export function deliveryHandedOut(d: DeliveryRecord): DeliveryRecord {
  return d.reissuedBy === undefined ? { ...d } : { ...d, reissuedBy: d.reissuedBy.slice() };
}
