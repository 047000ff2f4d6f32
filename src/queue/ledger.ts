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
 * Each node keeps, over its subtree and relative to the subtree's first element, the sum of
 * work, the minimum slack over on-time orders (orders already reported at risk do not count:
 * they do not block new work) and the maximum room. A parent combines its children's values
 * with one offset each, so an insertion updates one root-to-leaf path.
 *
 * Order of production (rules.md §2): class 0 (company-caused) before class 1, class 0 by
 * arrival sequence, class 1 by promise, tier rank, upload time, id; the sequence number ends
 * every comparison so that the order is total even for equal keys.
 */

/** The key of a queued order. */
export interface LedgerKey {
  /** 0 company-caused, 1 every other order. */
  cls: number;
  seq: number;
  promise: number;
  tier: number;
  uploadedAt: number;
  id: string;
}

const NIL = 0;
/*
 * Slot 1 is never a node: it once held probe keys, and handles start at 2 so that a run's
 * handles stay what they were (snapshots and tests name orders by handle order only, but a
 * reproducible layout helps when comparing runs).
 */

/*
 * Node layout: every node is a run of S doubles in one Float64Array, so that a descent touches
 * one cache line per node (the key fields and the links come first) and a pull one more,
 * instead of one line per field in separate arrays. Links, sizes and flags are small integers,
 * exact in a double.
 */
const S = 16;
const L = 0;
const R = 1;
const CLS = 2;
const PROMISE = 3;
const TIER = 4;
const UP = 5;
const SEQ = 6;
const PRIO = 7;
const SIZE = 8;
const WORK = 9;
const DUE = 10;
const SUMW = 11;
const MINS = 12;
const MAXT = 13;
const ONTIME = 14;

export class Ledger {
  private cap = 0;
  private f = new Float64Array(0);
  private ids: string[] = [];
  private free: number[] = [];
  private next = 2;
  private root = NIL;
  /** The last order in production order, or NIL when the ledger is empty. */
  private tail = NIL;
  private rng = 0x9e3779b9;
  /** Scratch stack for path updates. */
  private path = new Int32Array(128);

  constructor(initialCapacity = 64) {
    this.grow(Math.max(4, initialCapacity));
  }

  /** Number of queued orders. */
  get length(): number {
    const f = this.f;
    return f[this.root * S + SIZE] ?? 0;
  }

  /** Total work queued (working ms). */
  get totalWork(): number {
    const f = this.f;
    return f[this.root * S + SUMW] ?? 0;
  }

  /** The minimum slack over on-time orders: every on-time order is on time iff this is ≥ C0. */
  get minSlack(): number {
    const f = this.f;
    return this.root === NIL ? Number.POSITIVE_INFINITY : (f[this.root * S + MINS] as number);
  }

  /** The first order in production order, or 0. */
  first(): number {
    const f = this.f;
    let x = this.root;
    if (x === NIL) return NIL;
    while (f[x * S + L] !== NIL) x = f[x * S + L] as number;
    return x;
  }

  /** The last order in production order, or 0. */
  last(): number {
    return this.tail;
  }

  private findLast(): number {
    const f = this.f;
    let x = this.root;
    if (x === NIL) return NIL;
    while (f[x * S + R] !== NIL) x = f[x * S + R] as number;
    return x;
  }

  keyOf(h: number): LedgerKey {
    const f = this.f;
    return {
      cls: f[h * S + CLS] as number,
      seq: f[h * S + SEQ] as number,
      promise: f[h * S + PROMISE] as number,
      tier: f[h * S + TIER] as number,
      uploadedAt: f[h * S + UP] as number,
      id: this.ids[h] as string,
    };
  }

  workOf(h: number): number {
    const f = this.f;
    return f[h * S + WORK] as number;
  }

  dueOf(h: number): number {
    const f = this.f;
    return f[h * S + DUE] as number;
  }

  isOnTime(h: number): boolean {
    const f = this.f;
    return f[h * S + ONTIME] === 1;
  }

  /**
   * Production-order comparison of two slots: -1 or 1, and 0 only for a slot with itself
   * (sequence numbers are unique). The order itself is `nodeBefore`'s.
   */
  readonly compare = (a: number, b: number): number => {
    if (a === b) return 0;
    const f = this.f;
    const k = b * S;
    return this.nodeBefore(
      a,
      f[k + CLS] as number,
      f[k + PROMISE] as number,
      f[k + TIER] as number,
      f[k + UP] as number,
      this.ids[b] as string,
      f[k + SEQ] as number,
    )
      ? -1
      : 1;
  };

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
    const c = f[b + CLS] as number;
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

  /** Adds an order; returns its handle. */
  insert(key: LedgerKey, work: number, due: number, onTime = true): number {
    return this.add(
      key.cls,
      key.seq,
      key.promise,
      key.tier,
      key.uploadedAt,
      key.id,
      work,
      due,
      onTime,
    );
  }

  /** `insert` with the key's fields as arguments: the engine's hot path makes no key object. */
  add(
    cls: number,
    seq: number,
    promise: number,
    tier: number,
    uploadedAt: number,
    id: string,
    work: number,
    due: number,
    onTime: boolean,
  ): number {
    const h = this.alloc();
    const f = this.f;
    const b = h * S;
    f[b + CLS] = cls;
    f[b + SEQ] = seq;
    f[b + PROMISE] = promise;
    f[b + TIER] = tier;
    f[b + UP] = uploadedAt;
    this.ids[h] = id;
    f[b + WORK] = work;
    f[b + DUE] = due;
    f[b + ONTIME] = onTime ? 1 : 0;
    f[b + L] = NIL;
    f[b + R] = NIL;
    f[b + PRIO] = this.random();
    if (this.tail !== NIL && this.nodeBefore(this.tail, cls, promise, tier, uploadedAt, id, seq)) {
      this.append(h);
      return h;
    }
    this.pull(h);
    if (this.root === NIL) this.tail = h;
    // Descend to the leaf where the order belongs, remembering the path: a node's handle,
    // negated when the path turns left at it (handles are at least 2).
    let depth = 0;
    for (let x = this.root; x !== NIL; ) {
      if (depth >= this.path.length) this.growPath();
      const left = !this.nodeBefore(x, cls, promise, tier, uploadedAt, id, seq);
      this.path[depth++] = left ? -x : x;
      x = f[x * S + (left ? L : R)] as number;
    }
    let i = depth - 1;
    if (i < 0) {
      this.root = h;
      return h;
    }
    const path = this.path;
    let e = path[i] as number;
    f[(e < 0 ? -e : e) * S + (e < 0 ? L : R)] = h;
    // Rotate it up while its priority beats its parent's (the treap's heap order).
    const prio = f[b + PRIO] as number;
    while (i >= 0) {
      e = path[i] as number;
      const p = e < 0 ? -e : e;
      if (prio <= (f[p * S + PRIO] as number)) break;
      if (e < 0) {
        f[p * S + L] = f[b + R] as number;
        f[b + R] = p;
      } else {
        f[p * S + R] = f[b + L] as number;
        f[b + L] = p;
      }
      this.pull(p);
      this.pull(h);
      i--;
      if (i < 0) this.root = h;
      else {
        const g = path[i] as number;
        f[(g < 0 ? -g : g) * S + (g < 0 ? L : R)] = h;
      }
    }
    // Every ancestor above it gained its work: recompute their sums, bottom-up.
    for (; i >= 0; i--) {
      const g = path[i] as number;
      this.pull(g < 0 ? -g : g);
    }
    return h;
  }

  /**
   * Links `h`, which sorts after every order, as the new last order: it belongs on the right
   * spine, below the ancestors whose priority is at least its own, with the rest of the spine
   * as its left subtree. Only the spine above it changes sums.
   */
  private append(h: number): void {
    const f = this.f;
    const prio = f[h * S + PRIO] as number;
    let depth = 0;
    let x = this.root;
    while (x !== NIL && (f[x * S + PRIO] as number) >= prio) {
      if (depth >= this.path.length) this.growPath();
      this.path[depth++] = x;
      x = f[x * S + R] as number;
    }
    f[h * S + L] = x;
    this.pull(h);
    if (depth === 0) this.root = h;
    else f[(this.path[depth - 1] as number) * S + R] = h;
    for (let i = depth - 1; i >= 0; i--) this.pull(this.path[i] as number);
    this.tail = h;
  }

  private growPath(): void {
    const p = new Int32Array(this.path.length * 2);
    p.set(this.path);
    this.path = p;
  }

  /** Removes the first order in production order and returns its handle, or 0 when empty. */
  removeFirst(): number {
    const f = this.f;
    let depth = 0;
    let x = this.root;
    if (x === NIL) return NIL;
    // The first order is at the end of the left spine; its right subtree takes its place.
    while (f[x * S + L] !== NIL) {
      if (depth >= this.path.length) this.growPath();
      this.path[depth++] = x;
      x = f[x * S + L] as number;
    }
    const r = f[x * S + R] as number;
    if (x === this.tail) this.tail = NIL;
    if (depth === 0) this.root = r;
    else f[(this.path[depth - 1] as number) * S + L] = r;
    for (let i = depth - 1; i >= 0; i--) this.pull(this.path[i] as number);
    this.ids[x] = '';
    this.free.push(x);
    return x;
  }

  /** Removes an order by handle. */
  remove(h: number): void {
    this.root = this.removeAt(this.root, h);
    if (h === this.tail) this.tail = this.findLast();
    this.ids[h] = '';
    this.free.push(h);
  }

  /** Marks an order at risk (its slack no longer counts) or on time again. */
  setOnTime(h: number, onTime: boolean): void {
    const f = this.f;
    f[h * S + ONTIME] = onTime ? 1 : 0;
    this.refreshPath(h);
  }

  /** Replaces every order's work (a capacity change) and recomputes all sums in O(n). */
  rebuildWork(workOf: (h: number) => number): void {
    const f = this.f;
    const order = this.inOrder();
    for (const h of order) f[h * S + WORK] = workOf(h);
    this.pullAll(this.root);
  }

  /** Handles in production order. */
  inOrder(): number[] {
    const f = this.f;
    const out: number[] = [];
    const stack: number[] = [];
    let x = this.root;
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

  /**
   * For a key not in the ledger: how many orders come before it, their work, and the minimum
   * slack of the on-time orders after it (as they stand, without the probed order).
   */
  probe(key: LedgerKey): { count: number; workBefore: number; minSlackAfter: number } {
    this.probeInPlace(key);
    return {
      count: this.probeCount,
      workBefore: this.probeWork,
      minSlackAfter: this.probeMinAfter,
    };
  }

  /** What the last `probeInPlace` found (see `probe`). */
  probeCount = 0;
  probeWork = 0;
  probeMinAfter = 0;

  /** `probe` without an answer object: the answer is left in `probeCount`, `probeWork` and `probeMinAfter`. */
  probeInPlace(key: LedgerKey): void {
    const f = this.f;
    const { cls, promise, tier, uploadedAt, id, seq } = key;
    if (this.tail !== NIL && this.nodeBefore(this.tail, cls, promise, tier, uploadedAt, id, seq)) {
      // After every order: no descent.
      this.probeCount = f[this.root * S + SIZE] as number;
      this.probeWork = f[this.root * S + SUMW] as number;
      this.probeMinAfter = Number.POSITIVE_INFINITY;
      return;
    }
    let x = this.root;
    let off = 0;
    let count = 0;
    let minAfter = Number.POSITIVE_INFINITY;
    while (x !== NIL) {
      const l = f[x * S + L] as number;
      const through = off + (f[l * S + SUMW] as number) + (f[x * S + WORK] as number);
      if (this.nodeBefore(x, cls, promise, tier, uploadedAt, id, seq)) {
        off = through;
        count += (f[l * S + SIZE] as number) + 1;
        x = f[x * S + R] as number;
      } else {
        if (f[x * S + ONTIME] === 1)
          minAfter = Math.min(minAfter, (f[x * S + DUE] as number) - through);
        minAfter = Math.min(minAfter, (f[(f[x * S + R] as number) * S + MINS] as number) - through);
        x = l;
      }
    }
    this.probeCount = count;
    this.probeWork = off;
    this.probeMinAfter = minAfter;
  }

  /** Work of the orders that come before `key` in production order. */
  workBefore(key: LedgerKey): number {
    this.probeInPlace(key);
    return this.probeWork;
  }

  /**
   * The 1-based position of the last on-time order whose slack is below `threshold`, or 0 when
   * there is none: an order inserted at a position before it, with work `w` and
   * `threshold = C0 + w`, would make it late.
   */
  lastSlackBelow(threshold: number): number {
    const f = this.f;
    let x = this.root;
    if (x === NIL || (f[x * S + MINS] as number) >= threshold) return 0;
    let off = 0;
    let before = 0;
    while (x !== NIL) {
      const l = f[x * S + L] as number;
      const r = f[x * S + R] as number;
      const through = off + (f[l * S + SUMW] as number) + (f[x * S + WORK] as number);
      if ((f[r * S + MINS] as number) - through < threshold) {
        off = through;
        before += (f[l * S + SIZE] as number) + 1;
        x = r;
      } else if (f[x * S + ONTIME] === 1 && (f[x * S + DUE] as number) - through < threshold) {
        return before + (f[l * S + SIZE] as number) + 1;
      } else {
        x = l;
      }
    }
    return 0;
  }

  /**
   * The smallest 0-based index `j ≥ from` whose room `D_j - prefix_{j-1}` is at least
   * `threshold`, or `length` when there is none: a new order with work `w` fits between
   * positions j-1 and j, finishing by order j's promise, iff the room of j is at least `C0 + w`.
   */
  firstRoomAtLeast(from: number, threshold: number): number {
    const r = this.firstRoom(this.root, 0, 0, from, threshold);
    if (r < 0) {
      this.roomPrefix = this.totalWork;
      return this.length;
    }
    return r;
  }

  /**
   * The work of the orders before the index the last `firstRoomAtLeast` returned: the search
   * passes it on its way, so the caller needs no `prefixWork` descent of its own.
   */
  roomPrefix = 0;

  private firstRoom(
    x: number,
    off: number,
    before: number,
    from: number,
    threshold: number,
  ): number {
    if (x === NIL) return -1;
    if ((this.f[x * S + MAXT] as number) - off < threshold) return -1;
    if (before + (this.f[x * S + SIZE] as number) <= from) return -1;
    const l = this.f[x * S + L] as number;
    const found = this.firstRoom(l, off, before, from, threshold);
    if (found >= 0) return found;
    const idx = before + (this.f[l * S + SIZE] as number);
    const startOff = off + (this.f[l * S + SUMW] as number);
    if (idx >= from && (this.f[x * S + DUE] as number) - startOff >= threshold) {
      this.roomPrefix = startOff;
      return idx;
    }
    return this.firstRoom(
      this.f[x * S + R] as number,
      startOff + (this.f[x * S + WORK] as number),
      idx + 1,
      from,
      threshold,
    );
  }

  /** Work of the first `k` orders in production order. */
  prefixWork(k: number): number {
    const f = this.f;
    let x = this.root;
    let sum = 0;
    let remaining = k;
    while (x !== NIL && remaining > 0) {
      const l = f[x * S + L] as number;
      const ls = f[l * S + SIZE] as number;
      if (remaining <= ls) {
        x = l;
      } else {
        sum += (f[l * S + SUMW] as number) + (f[x * S + WORK] as number);
        remaining -= ls + 1;
        x = f[x * S + R] as number;
      }
    }
    return sum;
  }

  /** The handle at 0-based position `k`, or 0. */
  at(k: number): number {
    const f = this.f;
    let x = this.root;
    let remaining = k;
    while (x !== NIL) {
      const l = f[x * S + L] as number;
      const ls = f[l * S + SIZE] as number;
      if (remaining < ls) x = l;
      else if (remaining === ls) return x;
      else {
        remaining -= ls + 1;
        x = f[x * S + R] as number;
      }
    }
    return NIL;
  }

  /** The 0-based position of an order in the ledger. */
  positionOf(h: number): number {
    const f = this.f;
    let x = this.root;
    let before = 0;
    while (x !== NIL && x !== h) {
      if (this.compare(h, x) < 0) x = f[x * S + L] as number;
      else {
        before += (f[(f[x * S + L] as number) * S + SIZE] as number) + 1;
        x = f[x * S + R] as number;
      }
    }
    return before + (f[(f[h * S + L] as number) * S + SIZE] as number);
  }

  /** Every on-time order whose slack is below `threshold`, in production order: O(k log n). */
  collectSlackBelow(threshold: number): number[] {
    const out: number[] = [];
    this.collect(this.root, 0, threshold, out, false);
    return out;
  }

  /**
   * `collectSlackBelow`, marking every order found at risk as it goes: one pass that recomputes
   * the sums of the nodes it visited on its way back up, where marking them one by one with
   * `setOnTime` would walk a root-to-node path per order. Marking an order changes no other
   * order's slack (slack depends on work, not on flags), so the set found is the same.
   */
  takeSlackBelow(threshold: number): number[] {
    const out: number[] = [];
    this.collect(this.root, 0, threshold, out, true);
    return out;
  }

  /** Finds the on-time orders with slack below `threshold` under `x`; with `mark`, marks them at risk and recomputes the sums of the nodes visited. */
  private collect(x: number, off: number, threshold: number, out: number[], mark: boolean): void {
    const f = this.f;
    if (x === NIL || (f[x * S + MINS] as number) - off >= threshold) return;
    const l = f[x * S + L] as number;
    this.collect(l, off, threshold, out, mark);
    const through = off + (f[l * S + SUMW] as number) + (f[x * S + WORK] as number);
    if (f[x * S + ONTIME] === 1 && (f[x * S + DUE] as number) - through < threshold) {
      if (mark) f[x * S + ONTIME] = 0;
      out.push(x);
    }
    this.collect(f[x * S + R] as number, through, threshold, out, mark);
    if (mark) this.pull(x);
  }

  // ---- treap mechanics ----

  private random(): number {
    // xorshift32: deterministic priorities, so a run's memory layout is reproducible too.
    let s = this.rng;
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    this.rng = s >>> 0;
    return this.rng;
  }

  private alloc(): number {
    const h = this.free.pop();
    if (h !== undefined) return h;
    if (this.next >= this.cap) this.grow(this.cap * 2);
    return this.next++;
  }

  private grow(cap: number): void {
    const f = new Float64Array(cap * S);
    f.set(this.f);
    if (this.f.length === 0) {
      // Slot 0 is the empty tree: no work, no slack to violate, no room.
      f[NIL * S + MINS] = Number.POSITIVE_INFINITY;
      f[NIL * S + MAXT] = Number.NEGATIVE_INFINITY;
    }
    this.f = f;
    this.cap = cap;
  }

  /** Recomputes a node's sums from its children. */
  private pull(x: number): void {
    const f = this.f;
    const l = f[x * S + L] as number;
    const r = f[x * S + R] as number;
    const sl = f[l * S + SUMW] as number;
    const through = sl + (f[x * S + WORK] as number);
    const d = f[x * S + DUE] as number;
    f[x * S + SIZE] = (f[l * S + SIZE] as number) + 1 + (f[r * S + SIZE] as number);
    f[x * S + SUMW] = through + (f[r * S + SUMW] as number);
    let m = f[l * S + MINS] as number;
    if (f[x * S + ONTIME] === 1 && d - through < m) m = d - through;
    const mr = (f[r * S + MINS] as number) - through;
    f[x * S + MINS] = Math.min(mr, m);
    let t = f[l * S + MAXT] as number;
    if (d - sl > t) t = d - sl;
    const tr = (f[r * S + MAXT] as number) - through;
    f[x * S + MAXT] = Math.max(tr, t);
  }

  private pullAll(x: number): void {
    const f = this.f;
    if (x === NIL) return;
    this.pullAll(f[x * S + L] as number);
    this.pullAll(f[x * S + R] as number);
    this.pull(x);
  }

  private removeAt(x: number, h: number): number {
    const f = this.f;
    if (x === NIL) throw new Error('ledger: order not found');
    if (x === h) return this.merge(f[x * S + L] as number, f[x * S + R] as number);
    if (this.compare(h, x) < 0) f[x * S + L] = this.removeAt(f[x * S + L] as number, h);
    else f[x * S + R] = this.removeAt(f[x * S + R] as number, h);
    this.pull(x);
    return x;
  }

  private merge(a: number, b: number): number {
    const f = this.f;
    if (a === NIL) return b;
    if (b === NIL) return a;
    if ((f[a * S + PRIO] as number) > (f[b * S + PRIO] as number)) {
      f[a * S + R] = this.merge(f[a * S + R] as number, b);
      this.pull(a);
      return a;
    }
    f[b * S + L] = this.merge(a, f[b * S + L] as number);
    this.pull(b);
    return b;
  }

  /** Recomputes the sums on the path from the root to `h` after `h`'s own values changed. */
  private refreshPath(h: number): void {
    const f = this.f;
    let depth = 0;
    let x = this.root;
    while (x !== NIL) {
      if (depth >= this.path.length) this.growPath();
      this.path[depth++] = x;
      if (x === h) break;
      x = (this.compare(h, x) < 0 ? f[x * S + L] : f[x * S + R]) as number;
    }
    for (let i = depth - 1; i >= 0; i--) this.pull(this.path[i] as number);
  }
}
