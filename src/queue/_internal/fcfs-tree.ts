/**
 * First uploaded, first made (rules.md §3): the queued plain orders of one line and tier,
 * ordered by upload time, each with its promise, so that a new plain order can ask for the
 * latest promise among those uploaded before it in O(log n). A small treap with the maximum
 * promise of each subtree, in the node array the ledger's treap also uses (`treap.ts`).
 *
 * Orders mostly arrive in upload order and leave from the front. An order uploaded after every
 * queued one is appended along the right spine, and asking about such an order reads the root,
 * so the common case makes no search.
 */

import type { FcfsIndex } from '../fcfs-index.js';
import { ArrayTreap, NIL, priority } from './treap.js';

/** Doubles per node: six used, eight so that a node fills one cache line. */
const S = 8;
const L = 0;
const R = 1;
const UP = 2;
const PROMISE = 3;
/** The latest promise in the node's subtree. */
const MAX = 4;
/** The order's submission sequence number: it orders equal upload times, and finds the node. */
const SEQ = 5;

export class FcfsTree extends ArrayTreap implements FcfsIndex {
  private root = NIL;
  private count = 0;
  /**
   * At least the latest upload time queued: an add raises it to its order's time and a removal
   * leaves it, so every queued order was uploaded at or before it.
   */
  private maxUp = Number.NEGATIVE_INFINITY;
  // The scratch stack holds, for removals, a node's handle, negated when the path turns left.
  constructor() {
    super(S, NIL + 1);
    this.grow(16);
  }

  get length(): number {
    return this.count;
  }

  add(uploadedAt: number, seq: number, promise: number): void {
    const h = this.alloc();
    const f = this.f;
    const b = h * S;
    f[b + L] = NIL;
    f[b + R] = NIL;
    f[b + UP] = uploadedAt;
    f[b + PROMISE] = promise;
    f[b + MAX] = promise;
    f[b + SEQ] = seq;
    this.count++;
    if (uploadedAt > this.maxUp) {
      this.maxUp = uploadedAt;
      this.append(h, promise);
    } else {
      this.split(this.root, uploadedAt, seq);
      this.root = this.merge(this.merge(this.lo, h), this.hi);
    }
  }

  /**
   * Adds node `h`, which sorts after every node, without a search: it goes down the right spine
   * past the nodes whose priority beats its own, and takes the rest of the spine as its left
   * subtree, so both the heap order of priorities and the upload order hold.
   */
  private append(h: number, promise: number): void {
    const f = this.f;
    const prio = priority(h);
    let parent = NIL;
    let x = this.root;
    while (x !== NIL && priority(x) > prio) {
      if ((f[x * S + MAX] as number) < promise) f[x * S + MAX] = promise;
      parent = x;
      x = f[x * S + R] as number;
    }
    f[h * S + L] = x;
    if (x !== NIL && (f[x * S + MAX] as number) > promise)
      f[h * S + MAX] = f[x * S + MAX] as number;
    if (parent === NIL) this.root = h;
    else f[parent * S + R] = h;
  }

  /** Removes a queued order, found by its upload time and submission sequence number. */
  remove(uploadedAt: number, seq: number): void {
    const f = this.f;
    let depth = 0;
    let x = this.root;
    while (x !== NIL && f[x * S + SEQ] !== seq) {
      if (depth >= this.path.length) this.growPath();
      const left = !this.before(x, uploadedAt, seq);
      this.path[depth++] = left ? -x : x;
      x = f[x * S + (left ? L : R)] as number;
    }
    if (x === NIL) return;
    const merged = this.merge(f[x * S + L] as number, f[x * S + R] as number);
    if (depth === 0) this.root = merged;
    else {
      const e = this.path[depth - 1] as number;
      f[(e < 0 ? -e : e) * S + (e < 0 ? L : R)] = merged;
    }
    // Every ancestor lost the removed promise: recompute their maxima, bottom-up.
    for (let i = depth - 1; i >= 0; i--) {
      const e = this.path[i] as number;
      this.pull(e < 0 ? -e : e);
    }
    this.count--;
    this.release(x);
  }

  /** The latest promise among queued orders uploaded strictly before `uploadedAt`, or -Infinity. */
  latestPromiseBefore(uploadedAt: number): number {
    const f = this.f;
    if (this.root === NIL) return Number.NEGATIVE_INFINITY;
    if (uploadedAt > this.maxUp) return f[this.root * S + MAX] as number;
    let best = Number.NEGATIVE_INFINITY;
    let n = this.root;
    while (n !== NIL) {
      const b = n * S;
      if ((f[b + UP] as number) < uploadedAt) {
        if ((f[b + PROMISE] as number) > best) best = f[b + PROMISE] as number;
        const l = f[b + L] as number;
        if (l !== NIL && (f[l * S + MAX] as number) > best) best = f[l * S + MAX] as number;
        n = f[b + R] as number;
      } else {
        n = f[b + L] as number;
      }
    }
    return best;
  }

  private pull(n: number): void {
    const f = this.f;
    const b = n * S;
    let m = f[b + PROMISE] as number;
    const l = f[b + L] as number;
    const r = f[b + R] as number;
    if (l !== NIL && (f[l * S + MAX] as number) > m) m = f[l * S + MAX] as number;
    if (r !== NIL && (f[r * S + MAX] as number) > m) m = f[r * S + MAX] as number;
    f[b + MAX] = m;
  }

  /** Whether node `n` sorts before (uploadedAt, seq). */
  private before(n: number, uploadedAt: number, seq: number): boolean {
    const u = this.f[n * S + UP] as number;
    return u < uploadedAt || (u === uploadedAt && (this.f[n * S + SEQ] as number) < seq);
  }

  // The two halves of the last split. Splitting writes them here rather than returning a pair.
  private lo = NIL;
  private hi = NIL;

  /** Splits `n` into the nodes before (uploadedAt, seq), left in `lo`, and the rest, in `hi`. */
  private split(n: number, uploadedAt: number, seq: number): void {
    if (n === NIL) {
      this.lo = NIL;
      this.hi = NIL;
      return;
    }
    const f = this.f;
    const b = n * S;
    if (this.before(n, uploadedAt, seq)) {
      this.split(f[b + R] as number, uploadedAt, seq);
      f[b + R] = this.lo;
      this.pull(n);
      this.lo = n;
    } else {
      this.split(f[b + L] as number, uploadedAt, seq);
      f[b + L] = this.hi;
      this.pull(n);
      this.hi = n;
    }
  }

  private merge(a: number, b: number): number {
    if (a === NIL) return b;
    if (b === NIL) return a;
    const f = this.f;
    if (priority(a) > priority(b)) {
      f[a * S + R] = this.merge(f[a * S + R] as number, b);
      this.pull(a);
      return a;
    }
    f[b * S + L] = this.merge(a, f[b * S + L] as number);
    this.pull(b);
    return b;
  }
}
