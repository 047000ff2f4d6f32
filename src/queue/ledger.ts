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
/** Slot 1 holds a probe key for queries about an order that is not in the tree. */
const PROBE = 1;

export class Ledger {
  private cap = 0;
  private left = new Int32Array(0);
  private right = new Int32Array(0);
  private prio = new Uint32Array(0);
  private size = new Int32Array(0);
  private cls = new Uint8Array(0);
  private tier = new Uint8Array(0);
  private onTimeFlag = new Uint8Array(0);
  private seq = new Float64Array(0);
  private promise = new Float64Array(0);
  private uploaded = new Float64Array(0);
  private work = new Float64Array(0);
  private due = new Float64Array(0);
  private sumW = new Float64Array(0);
  private minS = new Float64Array(0);
  private maxT = new Float64Array(0);
  private ids: string[] = [];
  private free: number[] = [];
  private next = 2;
  private root = NIL;
  private rng = 0x9e3779b9;
  /** Scratch stack for path updates. */
  private path = new Int32Array(128);

  constructor(initialCapacity = 64) {
    this.grow(Math.max(4, initialCapacity));
  }

  /** Number of queued orders. */
  get length(): number {
    return this.size[this.root] ?? 0;
  }

  /** Total work queued (working ms). */
  get totalWork(): number {
    return this.sumW[this.root] ?? 0;
  }

  /** The minimum slack over on-time orders: every on-time order is on time iff this is ≥ C0. */
  get minSlack(): number {
    return this.root === NIL ? Number.POSITIVE_INFINITY : (this.minS[this.root] as number);
  }

  /** The first order in production order, or 0. */
  first(): number {
    let x = this.root;
    if (x === NIL) return NIL;
    while (this.left[x] !== NIL) x = this.left[x] as number;
    return x;
  }

  /** The last order in production order, or 0. */
  last(): number {
    let x = this.root;
    if (x === NIL) return NIL;
    while (this.right[x] !== NIL) x = this.right[x] as number;
    return x;
  }

  keyOf(h: number): LedgerKey {
    return {
      cls: this.cls[h] as number,
      seq: this.seq[h] as number,
      promise: this.promise[h] as number,
      tier: this.tier[h] as number,
      uploadedAt: this.uploaded[h] as number,
      id: this.ids[h] as string,
    };
  }

  workOf(h: number): number {
    return this.work[h] as number;
  }

  dueOf(h: number): number {
    return this.due[h] as number;
  }

  isOnTime(h: number): boolean {
    return this.onTimeFlag[h] === 1;
  }

  /** Production-order comparison of two slots; never 0 for two distinct orders. */
  readonly compare = (a: number, b: number): number => {
    const ca = this.cls[a] as number;
    const cb = this.cls[b] as number;
    if (ca !== cb) return ca - cb;
    if (ca === 1) {
      const pa = this.promise[a] as number;
      const pb = this.promise[b] as number;
      if (pa !== pb) return pa - pb;
      const ta = this.tier[a] as number;
      const tb = this.tier[b] as number;
      if (ta !== tb) return ta - tb;
      const ua = this.uploaded[a] as number;
      const ub = this.uploaded[b] as number;
      if (ua !== ub) return ua - ub;
      const ia = this.ids[a] as string;
      const ib = this.ids[b] as string;
      if (ia !== ib) return ia < ib ? -1 : 1;
    }
    return (this.seq[a] as number) - (this.seq[b] as number);
  };

  /** Adds an order; returns its handle. */
  insert(key: LedgerKey, work: number, due: number, onTime = true): number {
    const h = this.alloc();
    this.setKey(h, key);
    this.work[h] = work;
    this.due[h] = due;
    this.onTimeFlag[h] = onTime ? 1 : 0;
    this.left[h] = NIL;
    this.right[h] = NIL;
    this.prio[h] = this.random();
    this.pull(h);
    this.root = this.insertAt(this.root, h);
    return h;
  }

  /** Removes an order by handle. */
  remove(h: number): void {
    this.root = this.removeAt(this.root, h);
    this.ids[h] = '';
    this.free.push(h);
  }

  /** Marks an order at risk (its slack no longer counts) or on time again. */
  setOnTime(h: number, onTime: boolean): void {
    this.onTimeFlag[h] = onTime ? 1 : 0;
    this.refreshPath(h);
  }

  /** Replaces every order's work (a capacity change) and recomputes all sums in O(n). */
  rebuildWork(workOf: (h: number) => number): void {
    const order = this.inOrder();
    for (const h of order) this.work[h] = workOf(h);
    this.pullAll(this.root);
  }

  /** Handles in production order. */
  inOrder(): number[] {
    const out: number[] = [];
    const stack: number[] = [];
    let x = this.root;
    while (x !== NIL || stack.length > 0) {
      while (x !== NIL) {
        stack.push(x);
        x = this.left[x] as number;
      }
      x = stack.pop() as number;
      out.push(x);
      x = this.right[x] as number;
    }
    return out;
  }

  /**
   * For a key not in the ledger: how many orders come before it, their work, and the minimum
   * slack of the on-time orders after it (as they stand, without the probed order).
   */
  probe(key: LedgerKey): { count: number; workBefore: number; minSlackAfter: number } {
    this.setKey(PROBE, key);
    let x = this.root;
    let off = 0;
    let count = 0;
    let minAfter = Number.POSITIVE_INFINITY;
    while (x !== NIL) {
      const l = this.left[x] as number;
      const through = off + (this.sumW[l] as number) + (this.work[x] as number);
      if (this.compare(x, PROBE) < 0) {
        off = through;
        count += (this.size[l] as number) + 1;
        x = this.right[x] as number;
      } else {
        if (this.onTimeFlag[x] === 1)
          minAfter = Math.min(minAfter, (this.due[x] as number) - through);
        minAfter = Math.min(minAfter, (this.minS[this.right[x] as number] as number) - through);
        x = l;
      }
    }
    return { count, workBefore: off, minSlackAfter: minAfter };
  }

  /** Work of the orders that come before `key` in production order. */
  workBefore(key: LedgerKey): number {
    return this.probe(key).workBefore;
  }

  /**
   * The 1-based position of the last on-time order whose slack is below `threshold`, or 0 when
   * there is none: an order inserted at a position before it, with work `w` and
   * `threshold = C0 + w`, would make it late.
   */
  lastSlackBelow(threshold: number): number {
    let x = this.root;
    if (x === NIL || (this.minS[x] as number) >= threshold) return 0;
    let off = 0;
    let before = 0;
    while (x !== NIL) {
      const l = this.left[x] as number;
      const r = this.right[x] as number;
      const through = off + (this.sumW[l] as number) + (this.work[x] as number);
      if ((this.minS[r] as number) - through < threshold) {
        off = through;
        before += (this.size[l] as number) + 1;
        x = r;
      } else if (this.onTimeFlag[x] === 1 && (this.due[x] as number) - through < threshold) {
        return before + (this.size[l] as number) + 1;
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
    return r < 0 ? this.length : r;
  }

  private firstRoom(
    x: number,
    off: number,
    before: number,
    from: number,
    threshold: number,
  ): number {
    if (x === NIL) return -1;
    if ((this.maxT[x] as number) - off < threshold) return -1;
    if (before + (this.size[x] as number) <= from) return -1;
    const l = this.left[x] as number;
    const found = this.firstRoom(l, off, before, from, threshold);
    if (found >= 0) return found;
    const idx = before + (this.size[l] as number);
    const startOff = off + (this.sumW[l] as number);
    if (idx >= from && (this.due[x] as number) - startOff >= threshold) return idx;
    return this.firstRoom(
      this.right[x] as number,
      startOff + (this.work[x] as number),
      idx + 1,
      from,
      threshold,
    );
  }

  /** Work of the first `k` orders in production order. */
  prefixWork(k: number): number {
    let x = this.root;
    let sum = 0;
    let remaining = k;
    while (x !== NIL && remaining > 0) {
      const l = this.left[x] as number;
      const ls = this.size[l] as number;
      if (remaining <= ls) {
        x = l;
      } else {
        sum += (this.sumW[l] as number) + (this.work[x] as number);
        remaining -= ls + 1;
        x = this.right[x] as number;
      }
    }
    return sum;
  }

  /** The handle at 0-based position `k`, or 0. */
  at(k: number): number {
    let x = this.root;
    let remaining = k;
    while (x !== NIL) {
      const l = this.left[x] as number;
      const ls = this.size[l] as number;
      if (remaining < ls) x = l;
      else if (remaining === ls) return x;
      else {
        remaining -= ls + 1;
        x = this.right[x] as number;
      }
    }
    return NIL;
  }

  /** The 0-based position of an order in the ledger. */
  positionOf(h: number): number {
    let x = this.root;
    let before = 0;
    while (x !== NIL && x !== h) {
      if (this.compare(h, x) < 0) x = this.left[x] as number;
      else {
        before += (this.size[this.left[x] as number] as number) + 1;
        x = this.right[x] as number;
      }
    }
    return before + (this.size[this.left[h] as number] as number);
  }

  /** Every on-time order whose slack is below `threshold`, in production order: O(k log n). */
  collectSlackBelow(threshold: number): number[] {
    const out: number[] = [];
    this.collect(this.root, 0, threshold, out);
    return out;
  }

  private collect(x: number, off: number, threshold: number, out: number[]): void {
    if (x === NIL || (this.minS[x] as number) - off >= threshold) return;
    const l = this.left[x] as number;
    this.collect(l, off, threshold, out);
    const through = off + (this.sumW[l] as number) + (this.work[x] as number);
    if (this.onTimeFlag[x] === 1 && (this.due[x] as number) - through < threshold) out.push(x);
    this.collect(this.right[x] as number, through, threshold, out);
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

  private setKey(h: number, key: LedgerKey): void {
    this.cls[h] = key.cls;
    this.seq[h] = key.seq;
    this.promise[h] = key.promise;
    this.tier[h] = key.tier;
    this.uploaded[h] = key.uploadedAt;
    this.ids[h] = key.id;
  }

  private alloc(): number {
    const h = this.free.pop();
    if (h !== undefined) return h;
    if (this.next >= this.cap) this.grow(this.cap * 2);
    return this.next++;
  }

  private grow(cap: number): void {
    const g = <T extends Int32Array | Uint32Array | Uint8Array | Float64Array>(
      a: T,
      make: (n: number) => T,
    ): T => {
      const b = make(cap);
      b.set(a);
      return b;
    };
    this.left = g(this.left, (n) => new Int32Array(n));
    this.right = g(this.right, (n) => new Int32Array(n));
    this.prio = g(this.prio, (n) => new Uint32Array(n));
    this.size = g(this.size, (n) => new Int32Array(n));
    this.cls = g(this.cls, (n) => new Uint8Array(n));
    this.tier = g(this.tier, (n) => new Uint8Array(n));
    this.onTimeFlag = g(this.onTimeFlag, (n) => new Uint8Array(n));
    this.seq = g(this.seq, (n) => new Float64Array(n));
    this.promise = g(this.promise, (n) => new Float64Array(n));
    this.uploaded = g(this.uploaded, (n) => new Float64Array(n));
    this.work = g(this.work, (n) => new Float64Array(n));
    this.due = g(this.due, (n) => new Float64Array(n));
    this.sumW = g(this.sumW, (n) => new Float64Array(n));
    const fresh = this.minS.length === 0;
    this.minS = g(this.minS, (n) => new Float64Array(n));
    this.maxT = g(this.maxT, (n) => new Float64Array(n));
    if (fresh) {
      // Slot 0 is the empty tree: no work, no slack to violate, no room.
      this.minS[NIL] = Number.POSITIVE_INFINITY;
      this.maxT[NIL] = Number.NEGATIVE_INFINITY;
    }
    this.cap = cap;
  }

  /** Recomputes a node's sums from its children. */
  private pull(x: number): void {
    const l = this.left[x] as number;
    const r = this.right[x] as number;
    const sl = this.sumW[l] as number;
    const through = sl + (this.work[x] as number);
    const d = this.due[x] as number;
    this.size[x] = (this.size[l] as number) + 1 + (this.size[r] as number);
    this.sumW[x] = through + (this.sumW[r] as number);
    let m = this.minS[l] as number;
    if (this.onTimeFlag[x] === 1 && d - through < m) m = d - through;
    const mr = (this.minS[r] as number) - through;
    this.minS[x] = Math.min(mr, m);
    let t = this.maxT[l] as number;
    if (d - sl > t) t = d - sl;
    const tr = (this.maxT[r] as number) - through;
    this.maxT[x] = Math.max(tr, t);
  }

  private pullAll(x: number): void {
    if (x === NIL) return;
    this.pullAll(this.left[x] as number);
    this.pullAll(this.right[x] as number);
    this.pull(x);
  }

  private rotateRight(x: number): number {
    const l = this.left[x] as number;
    this.left[x] = this.right[l] as number;
    this.right[l] = x;
    this.pull(x);
    this.pull(l);
    return l;
  }

  private rotateLeft(x: number): number {
    const r = this.right[x] as number;
    this.right[x] = this.left[r] as number;
    this.left[r] = x;
    this.pull(x);
    this.pull(r);
    return r;
  }

  private insertAt(x: number, h: number): number {
    if (x === NIL) return h;
    if (this.compare(h, x) < 0) {
      this.left[x] = this.insertAt(this.left[x] as number, h);
      if ((this.prio[this.left[x] as number] as number) > (this.prio[x] as number))
        return this.rotateRight(x);
    } else {
      this.right[x] = this.insertAt(this.right[x] as number, h);
      if ((this.prio[this.right[x] as number] as number) > (this.prio[x] as number))
        return this.rotateLeft(x);
    }
    this.pull(x);
    return x;
  }

  private removeAt(x: number, h: number): number {
    if (x === NIL) throw new Error('ledger: order not found');
    if (x === h) return this.merge(this.left[x] as number, this.right[x] as number);
    if (this.compare(h, x) < 0) this.left[x] = this.removeAt(this.left[x] as number, h);
    else this.right[x] = this.removeAt(this.right[x] as number, h);
    this.pull(x);
    return x;
  }

  private merge(a: number, b: number): number {
    if (a === NIL) return b;
    if (b === NIL) return a;
    if ((this.prio[a] as number) > (this.prio[b] as number)) {
      this.right[a] = this.merge(this.right[a] as number, b);
      this.pull(a);
      return a;
    }
    this.left[b] = this.merge(a, this.left[b] as number);
    this.pull(b);
    return b;
  }

  /** Recomputes the sums on the path from the root to `h` after `h`'s own values changed. */
  private refreshPath(h: number): void {
    let depth = 0;
    let x = this.root;
    while (x !== NIL) {
      if (depth >= this.path.length) {
        const p = new Int32Array(this.path.length * 2);
        p.set(this.path);
        this.path = p;
      }
      this.path[depth++] = x;
      if (x === h) break;
      x = (this.compare(h, x) < 0 ? this.left[x] : this.right[x]) as number;
    }
    for (let i = depth - 1; i >= 0; i--) this.pull(this.path[i] as number);
  }
}
