/**
 * The promise ledger of one line: every queued order in production order, in an array-backed
 * treap whose nodes carry three subtree sums. With them the engine answers every promise
 * question in O(log n) without walking the queue (rules.md §3).
 *
 * Coordinates are working milliseconds of the line's calendar (`WorkingCalendar.coord`):
 * `w` is an order's processing time, `D` the coordinate of its promise. For the order at
 * position j (1-based) with `prefix_j` the work up to and including it, and `C0` the
 * coordinate at which the line can start on the queue:
 *
 *   - it finishes at `C0 + prefix_j`, so it is on time iff its slack `s_j = D_j - prefix_j`
 *     is at least `C0`;
 *   - the room before it, `t_j = D_j - prefix_{j-1}`, is how late the work ahead of it may
 *     end for it to still start in time.
 *
 * Each subtree has, relative to its first element, the sum of work, the minimum slack over
 * on-time orders (orders already reported at risk do not count: they do not block new work)
 * and the maximum room, besides its size. A node holds these values for each of its two
 * subtrees, not for its own: a descent then reads only the nodes on its path, and the values
 * of a subtree follow from its root node alone with one offset each, so an insertion updates
 * one root-to-leaf path. A header node holds the values of the whole tree.
 *
 * Order of production (rules.md §2): class 0 (company-caused) before class 1, class 0 by
 * arrival sequence, class 1 by promise, tier rank, upload time, id; the sequence number ends
 * every comparison so that the order is total even for equal keys.
 */

import type { Fit, LedgerKey, Placement, PromiseLedger } from '../promise-ledger.js';
import { ArrayTreap, NIL, priority } from './treap.js';

/** A key before every class-1 order and after every company-caused one. */
const FIRST_CLIENT_ORDER: Readonly<LedgerKey> = Object.freeze({
  cls: 1,
  seq: -1,
  promise: Number.NEGATIVE_INFINITY,
  tier: Number.NEGATIVE_INFINITY,
  uploadedAt: Number.NEGATIVE_INFINITY,
  id: '',
});

/*
 * Slot 1 is never an order: it is the header, whose left link is the root and whose left
 * values are the whole tree's. Handles start at 2.
 */
const HEAD = 1;

/*
 * Node layout: every node is a run of S doubles in one Float64Array, so that a descent touches
 * one node per level: the links and the key fields, the order's own work and promise, then the
 * values of its left and of its right subtree (each SIZE, SUMW, MINS, MAXT from its base).
 * Links and sizes are small integers, exact in a double. The class and the on-time flag are
 * bits in a byte array beside it; the treap priority is a hash of the handle.
 */
const SHIFT = 4;
const S = 1 << SHIFT;
const L = 0;
const R = 1;
const PROMISE = 2;
const TIER = 3;
const UP = 4;
const SEQ = 5;
const WORK = 6;
const DUE = 7;
/** The values of the left subtree; those of the right one follow at RS. */
const LS = 8;
const RS = 12;
const SIZE = 0;
const SUMW = 1;
const MINS = 2;
const MAXT = 3;
/** The root's link, in the header. */
const ROOT = HEAD * S + L;
/** The whole tree's values, in the header. */
const ALL = HEAD * S + LS;

/** Bits of `meta`. */
const CLS1 = 1;
const ONTIME = 2;

/**
 * Where the values of the subtree behind link slot `k` are kept: links are at offsets L = 0
 * and R = 1 of a node, their values at LS and RS.
 */
function valuesOf(k: number): number {
  return k + LS + (k & 1) * (RS - LS - 1);
}

export class LedgerTree extends ArrayTreap implements PromiseLedger {
  /** Per handle: bit CLS1 for class 1, bit ONTIME for an order that is on time. */
  private meta = new Uint8Array(0);
  private ids: string[] = [];
  /** The last order in production order, or NIL when the ledger is empty. */
  private tail = NIL;

  // The scratch stack holds link slots (node * S + L or R) for path updates.
  constructor(initialCapacity = 64) {
    super(S, HEAD + 1);
    this.grow(Math.max(4, initialCapacity));
    this.valuesFrom(NIL, ALL);
  }

  /** Number of queued orders. */
  get length(): number {
    return this.f[ALL + SIZE] as number;
  }

  /** Total work queued (working ms). */
  get totalWork(): number {
    return this.f[ALL + SUMW] as number;
  }

  /** Whether node `x` comes before the queued node `h`: the order's own key, read from it. */
  private before(x: number, h: number): boolean {
    const f = this.f;
    const b = h * S;
    return this.nodeBefore(
      x,
      (this.meta[h] as number) & CLS1,
      f[b + PROMISE] as number,
      f[b + TIER] as number,
      f[b + UP] as number,
      this.ids[h] as string,
      f[b + SEQ] as number,
    );
  }

  /**
   * Whether node `x` sorts before the key given field by field: the production order (rules.md
   * §2), with the key's fields in registers for the descents that compare one key against a path
   * of nodes.
   */
  private nodeBefore(
    x: number,
    cls: number,
    promise: number,
    tier: number,
    up: number,
    id: string,
    seq: number,
  ): boolean {
    const f = this.f;
    const b = x * S;
    const c = (this.meta[x] as number) & CLS1;
    if (c !== cls) return c < cls;
    if (cls === 1) {
      const p = f[b + PROMISE] as number;
      if (p !== promise) return p < promise;
      const t = f[b + TIER] as number;
      if (t !== tier) return t < tier;
      const u = f[b + UP] as number;
      if (u !== up) return u < up;
      const i = this.ids[x] as string;
      if (i !== id) return i < id;
    }
    return (f[b + SEQ] as number) < seq;
  }

  admit(key: LedgerKey, work: number, due: number, onTime: boolean): number {
    const { cls, seq, promise, tier, uploadedAt, id } = key;
    const h = this.alloc();
    const f = this.f;
    const b = h * S;
    f[b + PROMISE] = promise;
    f[b + TIER] = tier;
    f[b + UP] = uploadedAt;
    f[b + SEQ] = seq;
    f[b + WORK] = work;
    f[b + DUE] = due;
    this.ids[h] = id;
    this.meta[h] = (cls === 1 ? CLS1 : 0) | (onTime ? ONTIME : 0);
    f[b + L] = NIL;
    f[b + R] = NIL;
    this.valuesFrom(NIL, b + LS);
    this.valuesFrom(NIL, b + RS);
    if (this.tail !== NIL && this.nodeBefore(this.tail, cls, promise, tier, uploadedAt, id, seq)) {
      this.append(h);
      return h;
    }
    if (this.tail === NIL) this.tail = h;
    // Descend to the leaf where the order belongs, remembering the links taken.
    let path = this.path;
    let depth = 0;
    let k = ROOT;
    for (let x = f[k] as number; x !== NIL; x = f[k] as number) {
      if (depth >= path.length) path = this.growPath();
      path[depth++] = k;
      k = x * S + (this.nodeBefore(x, cls, promise, tier, uploadedAt, id, seq) ? R : L);
    }
    if (depth >= path.length) path = this.growPath();
    path[depth++] = k;
    f[k] = h;
    // Rotate it up while its priority beats its parent's (the treap's heap order). A rotation
    // moves one subtree between the two nodes, with its values, and gives the new order the
    // values of its former parent.
    const prio = priority(h);
    let i = depth - 1;
    while (i > 0) {
      k = path[i] as number;
      const p = k >>> SHIFT;
      if (prio <= priority(p)) break;
      if ((k & 1) === L) {
        f[p * S + L] = f[b + R] as number;
        this.copyValues(b + RS, p * S + LS);
        f[b + R] = p;
        this.valuesFrom(p, b + RS);
      } else {
        f[p * S + R] = f[b + L] as number;
        this.copyValues(b + LS, p * S + RS);
        f[b + L] = p;
        this.valuesFrom(p, b + LS);
      }
      i--;
      f[path[i] as number] = h;
    }
    // Every subtree on the path above it gained its work: recompute their values, bottom-up.
    for (; i >= 0; i--) {
      k = path[i] as number;
      this.valuesFrom(f[k] as number, valuesOf(k));
    }
    return h;
  }

  /**
   * Links `h`, which sorts after every order, as the new last order: it belongs on the right
   * spine, below the ancestors whose priority is above its own, with the rest of the spine as
   * its left subtree. Each subtree on the way gains `h` at its end, which moves no other
   * order's slack or room relative to the subtree's start: its values are extended in place,
   * in one pass down.
   */
  private append(h: number): void {
    const f = this.f;
    const prio = priority(h);
    const b = h * S;
    const w = f[b + WORK] as number;
    const d = f[b + DUE] as number;
    const onTime = ((this.meta[h] as number) & ONTIME) !== 0;
    let k = ROOT;
    let x = f[k] as number;
    while (x !== NIL && priority(x) > prio) {
      this.extend(valuesOf(k), w, d, onTime);
      k = x * S + R;
      x = f[k] as number;
    }
    f[b + L] = x;
    this.copyValues(valuesOf(k), b + LS);
    this.extend(valuesOf(k), w, d, onTime);
    f[k] = h;
    this.tail = h;
  }

  /** Adds an order with work `w` and promise `d` at the end of the subtree whose values are at `v`. */
  private extend(v: number, w: number, d: number, onTime: boolean): void {
    const f = this.f;
    const before = f[v + SUMW] as number;
    const through = before + w;
    f[v + SIZE] = (f[v + SIZE] as number) + 1;
    f[v + SUMW] = through;
    if (onTime && d - through < (f[v + MINS] as number)) f[v + MINS] = d - through;
    if (d - before > (f[v + MAXT] as number)) f[v + MAXT] = d - before;
  }

  dispatchNext(): number {
    const f = this.f;
    let path = this.path;
    let depth = 0;
    let k = ROOT;
    let x = f[k] as number;
    if (x === NIL) return NIL;
    // The first order is at the end of the left spine; its right subtree takes its place.
    while (f[x * S + L] !== NIL) {
      if (depth >= path.length) path = this.growPath();
      path[depth++] = k;
      k = x * S + L;
      x = f[k] as number;
    }
    this.unlinkFirst(x, depth);
    return x;
  }

  /**
   * Takes out `x`, the first order, reached through the left links `path[0..depth)` and then
   * `x`'s own link; its right subtree takes its place.
   */
  private unlinkFirst(x: number, depth: number): void {
    const f = this.f;
    const path = this.path;
    const b = x * S;
    let k = depth === 0 ? ROOT : (f[path[depth - 1] as number] as number) * S + L;
    f[k] = f[b + R] as number;
    this.copyValues(b + RS, k + LS);
    // Every subtree above lost its first order: the others' slacks and rooms, relative to the
    // subtree's start, all grow by its work. Only where the first order held the minimum slack
    // or the maximum room must the values be recomputed from the subtree's root.
    const w = f[b + WORK] as number;
    const d = f[b + DUE] as number;
    const slack = ((this.meta[x] as number) & ONTIME) !== 0 ? d - w : Number.NaN;
    for (let i = depth - 1; i >= 0; i--) {
      k = path[i] as number;
      const v = k + LS;
      const mins = f[v + MINS] as number;
      const maxt = f[v + MAXT] as number;
      if (slack === mins || d === maxt) this.valuesFrom(f[k] as number, v);
      else {
        f[v + SIZE] = (f[v + SIZE] as number) - 1;
        f[v + SUMW] = (f[v + SUMW] as number) - w;
        f[v + MINS] = mins + w;
        f[v + MAXT] = maxt + w;
      }
    }
    if (x === this.tail) this.tail = NIL;
    this.ids[x] = '';
    this.release(x);
  }

  /**
   * Takes a queued order out wherever it stands: its two subtrees are merged in its place, and
   * every subtree on the path above it, which lost its work, gets its values again, bottom-up.
   * The path is found by the order's own key, as `positionOf` finds it: O(log n).
   */
  withdraw(h: number): void {
    const f = this.f;
    const b = h * S;
    let path = this.path;
    let depth = 0;
    let k = ROOT;
    for (let x = f[k] as number; x !== h; x = f[k] as number) {
      if (x === NIL) throw new Error(`ledger: handle ${h} is not queued`);
      if (depth >= path.length) path = this.growPath();
      path[depth++] = k;
      k = x * S + (this.before(x, h) ? R : L);
    }
    f[k] = this.merge(f[b + L] as number, f[b + R] as number);
    this.valuesFrom(f[k] as number, valuesOf(k));
    for (let i = depth - 1; i >= 0; i--) {
      k = path[i] as number;
      this.valuesFrom(f[k] as number, valuesOf(k));
    }
    if (h === this.tail) {
      // The new last order is at the end of the right spine.
      let x = f[ROOT] as number;
      let last = NIL;
      while (x !== NIL) {
        last = x;
        x = f[x * S + R] as number;
      }
      this.tail = last;
    }
    this.ids[h] = '';
    this.release(h);
  }

  /**
   * Joins two treaps, every order of `a` before every order of `b`, keeping the heap order of
   * priorities; the values of each subtree it relinks are recomputed on the way back up.
   */
  private merge(a: number, b: number): number {
    if (a === NIL) return b;
    if (b === NIL) return a;
    const f = this.f;
    if (priority(a) > priority(b)) {
      const r = this.merge(f[a * S + R] as number, b);
      f[a * S + R] = r;
      this.valuesFrom(r, a * S + RS);
      return a;
    }
    const l = this.merge(a, f[b * S + L] as number);
    f[b * S + L] = l;
    this.valuesFrom(l, b * S + LS);
    return b;
  }

  /** Recomputes every value in O(n) after the work of every order changed. */
  changeWork(workOf: (h: number) => number): void {
    const f = this.f;
    const order = this.inProductionOrder();
    for (const h of order) f[h * S + WORK] = workOf(h);
    this.pullAll(f[ROOT] as number);
    this.valuesFrom(f[ROOT] as number, ALL);
  }

  inProductionOrder(): number[] {
    const f = this.f;
    const out: number[] = [];
    const stack: number[] = [];
    let x = f[ROOT] as number;
    while (x !== NIL || stack.length > 0) {
      while (x !== NIL) {
        stack.push(x);
        x = f[x * S + L] as number;
      }
      x = stack.pop() as number;
      out.push(x);
      x = f[x * S + R] as number;
    }
    return out;
  }

  placeOf(key: LedgerKey): Placement {
    const f = this.f;
    const { cls, promise, tier, uploadedAt, id, seq } = key;
    if (this.tail !== NIL && this.nodeBefore(this.tail, cls, promise, tier, uploadedAt, id, seq)) {
      // After every order: no descent.
      return {
        ahead: f[ALL + SIZE] as number,
        workAhead: f[ALL + SUMW] as number,
        leastSlackBehind: Number.POSITIVE_INFINITY,
      };
    }
    let x = f[ROOT] as number;
    let off = 0;
    let count = 0;
    let minAfter = Number.POSITIVE_INFINITY;
    while (x !== NIL) {
      const b = x * S;
      const through = off + (f[b + LS + SUMW] as number) + (f[b + WORK] as number);
      if (this.nodeBefore(x, cls, promise, tier, uploadedAt, id, seq)) {
        off = through;
        count += (f[b + LS + SIZE] as number) + 1;
        x = f[b + R] as number;
      } else {
        if (((this.meta[x] as number) & ONTIME) !== 0)
          minAfter = Math.min(minAfter, (f[b + DUE] as number) - through);
        minAfter = Math.min(minAfter, (f[b + RS + MINS] as number) - through);
        x = f[b + L] as number;
      }
    }
    return { ahead: count, workAhead: off, leastSlackBehind: minAfter };
  }

  companyWork(): number {
    return this.placeOf(FIRST_CLIENT_ORDER).workAhead;
  }

  workPromisedBy(t: number): number {
    this.afterPromisesBy.promise = t;
    return this.placeOf(this.afterPromisesBy).workAhead;
  }

  /** The key after every order promised by some time: `workPromisedBy` sets its promise. */
  private readonly afterPromisesBy: LedgerKey = {
    cls: 1,
    seq: Number.POSITIVE_INFINITY,
    promise: 0,
    tier: Number.POSITIVE_INFINITY,
    uploadedAt: Number.POSITIVE_INFINITY,
    id: '\uffff',
  };

  onTimeFrom(start: number): boolean {
    return (this.f[ALL + MINS] as number) >= start;
  }

  lastPromise(): number {
    return this.tail === NIL
      ? Number.NEGATIVE_INFINITY
      : (this.f[this.tail * S + PROMISE] as number);
  }

  lastDelayedBy(threshold: number): number {
    const f = this.f;
    if ((f[ALL + MINS] as number) >= threshold) return 0;
    let x = f[ROOT] as number;
    let off = 0;
    let before = 0;
    while (x !== NIL) {
      const b = x * S;
      const through = off + (f[b + LS + SUMW] as number) + (f[b + WORK] as number);
      if ((f[b + RS + MINS] as number) - through < threshold) {
        off = through;
        before += (f[b + LS + SIZE] as number) + 1;
        x = f[b + R] as number;
      } else if (
        ((this.meta[x] as number) & ONTIME) !== 0 &&
        (f[b + DUE] as number) - through < threshold
      ) {
        return before + (f[b + LS + SIZE] as number) + 1;
      } else {
        x = f[b + L] as number;
      }
    }
    return 0;
  }

  firstFitFrom(from: number, threshold: number): Fit {
    const f = this.f;
    const fit = { position: 0, workAhead: 0 };
    const found = this.firstRoom(
      f[ROOT] as number,
      f[ALL + MAXT] as number,
      f[ALL + SIZE] as number,
      0,
      0,
      from,
      threshold,
      fit,
    );
    if (!found) {
      fit.position = f[ALL + SIZE] as number;
      fit.workAhead = f[ALL + SUMW] as number;
    }
    return fit;
  }

  /**
   * `firstFitFrom` in the subtree under `x`, whose maximum room and size are `maxt` and `size`:
   * whether it found a position, which it then writes in `fit` with the work ahead of it.
   */
  private firstRoom(
    x: number,
    maxt: number,
    size: number,
    off: number,
    before: number,
    from: number,
    threshold: number,
    fit: Fit,
  ): boolean {
    if (x === NIL || maxt - off < threshold || before + size <= from) return false;
    const f = this.f;
    const b = x * S;
    const found = this.firstRoom(
      f[b + L] as number,
      f[b + LS + MAXT] as number,
      f[b + LS + SIZE] as number,
      off,
      before,
      from,
      threshold,
      fit,
    );
    if (found) return true;
    const idx = before + (f[b + LS + SIZE] as number);
    const startOff = off + (f[b + LS + SUMW] as number);
    if (idx >= from && (f[b + DUE] as number) - startOff >= threshold) {
      fit.position = idx;
      fit.workAhead = startOff;
      return true;
    }
    return this.firstRoom(
      f[b + R] as number,
      f[b + RS + MAXT] as number,
      f[b + RS + SIZE] as number,
      startOff + (f[b + WORK] as number),
      idx + 1,
      from,
      threshold,
      fit,
    );
  }

  positionOf(h: number): number {
    const f = this.f;
    let x = f[ROOT] as number;
    let before = 0;
    while (x !== NIL && x !== h) {
      if (!this.before(x, h)) x = f[x * S + L] as number;
      else {
        before += (f[x * S + LS + SIZE] as number) + 1;
        x = f[x * S + R] as number;
      }
    }
    return before + (f[h * S + LS + SIZE] as number);
  }

  /**
   * Finds the on-time orders whose slack is below `threshold` and marks them at risk as it
   * goes: one pass that recomputes the values of the subtrees where it marked orders on its way
   * back up, where marking them one by one would walk a root-to-node path per order. Marking an
   * order changes no other order's slack (slack depends on work, not on flags), so the set found
   * is the same as if none were marked.
   */
  takeAtRisk(threshold: number): number[] {
    const out: number[] = [];
    const f = this.f;
    const root = f[ROOT] as number;
    this.collect(root, f[ALL + MINS] as number, 0, threshold, out);
    if (out.length > 0) this.valuesFrom(root, ALL);
    return out;
  }

  /**
   * Finds the on-time orders with slack below `threshold` under `x`, whose minimum slack is
   * `mins`, marks them at risk and recomputes the values of the subtrees of the nodes where it
   * found some.
   */
  private collect(x: number, mins: number, off: number, threshold: number, out: number[]): void {
    if (x === NIL || mins - off >= threshold) return;
    const f = this.f;
    const b = x * S;
    const l = f[b + L] as number;
    let found = out.length;
    this.collect(l, f[b + LS + MINS] as number, off, threshold, out);
    if (out.length > found) this.valuesFrom(l, b + LS);
    const through = off + (f[b + LS + SUMW] as number) + (f[b + WORK] as number);
    const m = this.meta[x] as number;
    if ((m & ONTIME) !== 0 && (f[b + DUE] as number) - through < threshold) {
      this.meta[x] = m & ~ONTIME;
      out.push(x);
    }
    const r = f[b + R] as number;
    found = out.length;
    this.collect(r, f[b + RS + MINS] as number, through, threshold, out);
    if (out.length > found) this.valuesFrom(r, b + RS);
  }

  // ---- treap mechanics ----

  protected override grow(capacity: number): void {
    super.grow(capacity);
    const meta = new Uint8Array(capacity);
    meta.set(this.meta);
    this.meta = meta;
  }

  /**
   * Writes the values of the subtree rooted at `x` (size, work, minimum slack, maximum room)
   * at `at`, from the values of `x`'s own subtrees: the empty tree has no work, no slack to
   * violate and no room.
   */
  private valuesFrom(x: number, at: number): void {
    const f = this.f;
    if (x === NIL) {
      f[at + SIZE] = 0;
      f[at + SUMW] = 0;
      f[at + MINS] = Number.POSITIVE_INFINITY;
      f[at + MAXT] = Number.NEGATIVE_INFINITY;
      return;
    }
    const b = x * S;
    const sl = f[b + LS + SUMW] as number;
    const through = sl + (f[b + WORK] as number);
    const d = f[b + DUE] as number;
    f[at + SIZE] = (f[b + LS + SIZE] as number) + 1 + (f[b + RS + SIZE] as number);
    f[at + SUMW] = through + (f[b + RS + SUMW] as number);
    let m = f[b + LS + MINS] as number;
    if (((this.meta[x] as number) & ONTIME) !== 0 && d - through < m) m = d - through;
    const mr = (f[b + RS + MINS] as number) - through;
    f[at + MINS] = Math.min(mr, m);
    let t = f[b + LS + MAXT] as number;
    if (d - sl > t) t = d - sl;
    const tr = (f[b + RS + MAXT] as number) - through;
    f[at + MAXT] = Math.max(tr, t);
  }

  private copyValues(from: number, to: number): void {
    const f = this.f;
    f[to + SIZE] = f[from + SIZE] as number;
    f[to + SUMW] = f[from + SUMW] as number;
    f[to + MINS] = f[from + MINS] as number;
    f[to + MAXT] = f[from + MAXT] as number;
  }

  /** Recomputes the values of both subtrees of every node under `x`, children first. */
  private pullAll(x: number): void {
    if (x === NIL) return;
    const f = this.f;
    const b = x * S;
    const l = f[b + L] as number;
    const r = f[b + R] as number;
    this.pullAll(l);
    this.pullAll(r);
    this.valuesFrom(l, b + LS);
    this.valuesFrom(r, b + RS);
  }
}
