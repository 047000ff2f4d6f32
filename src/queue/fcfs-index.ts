/**
 * First uploaded, first made (rules.md §3): the queued plain orders of one line and tier,
 * ordered by upload time, each with its promise, so that a new plain order can ask for the
 * latest promise among those uploaded before it in O(log n). A small treap with the maximum
 * promise of each subtree, held like the ledger in one Float64Array (a node per cache line), so
 * adding an order allocates nothing once the arrays have grown.
 */

const NIL = 0;
const S = 8;
const L = 0;
const R = 1;
const PRIO = 2;
const UP = 3;
const PROMISE = 4;
const MAX = 5;

export class FcfsIndex {
  private f = new Float64Array(0);
  private ids: string[] = [''];
  private free: number[] = [];
  private next = 1;
  private root = NIL;
  private rng = 0x2545f491;
  private count = 0;

  constructor() {
    this.grow(16);
  }

  get length(): number {
    return this.count;
  }

  add(uploadedAt: number, id: string, promise: number): void {
    let s = this.rng;
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    this.rng = s >>> 0;
    let h = this.free.pop();
    if (h === undefined) {
      if (this.next * S >= this.f.length) this.grow(this.next * 2);
      h = this.next++;
    }
    const f = this.f;
    const b = h * S;
    f[b + L] = NIL;
    f[b + R] = NIL;
    f[b + PRIO] = this.rng;
    f[b + UP] = uploadedAt;
    f[b + PROMISE] = promise;
    f[b + MAX] = promise;
    this.ids[h] = id;
    this.split(this.root, uploadedAt, id);
    this.root = this.merge(this.merge(this.lo, h), this.hi);
    this.count++;
  }

  remove(uploadedAt: number, id: string): void {
    this.root = this.without(this.root, uploadedAt, id);
  }

  /** The latest promise among queued orders uploaded strictly before `uploadedAt`, or -Infinity. */
  maxPromiseBefore(uploadedAt: number): number {
    const f = this.f;
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

  private grow(nodes: number): void {
    const f = new Float64Array(nodes * S);
    f.set(this.f);
    this.f = f;
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

  /** Whether node `n` sorts before (uploadedAt, id). */
  private before(n: number, uploadedAt: number, id: string): boolean {
    const u = this.f[n * S + UP] as number;
    return u < uploadedAt || (u === uploadedAt && (this.ids[n] as string) < id);
  }

  private without(n: number, uploadedAt: number, id: string): number {
    if (n === NIL) return NIL;
    const f = this.f;
    const b = n * S;
    if (f[b + UP] === uploadedAt && this.ids[n] === id) {
      this.count--;
      this.ids[n] = '';
      this.free.push(n);
      return this.merge(f[b + L] as number, f[b + R] as number);
    }
    if (this.before(n, uploadedAt, id)) f[b + R] = this.without(f[b + R] as number, uploadedAt, id);
    else f[b + L] = this.without(f[b + L] as number, uploadedAt, id);
    this.pull(n);
    return n;
  }

  // The two halves of the last split. Splitting writes them here rather than returning a pair.
  private lo = NIL;
  private hi = NIL;

  /** Splits `n` into the nodes before (uploadedAt, id), left in `lo`, and the rest, in `hi`. */
  private split(n: number, uploadedAt: number, id: string): void {
    if (n === NIL) {
      this.lo = NIL;
      this.hi = NIL;
      return;
    }
    const f = this.f;
    const b = n * S;
    if (this.before(n, uploadedAt, id)) {
      this.split(f[b + R] as number, uploadedAt, id);
      f[b + R] = this.lo;
      this.pull(n);
      this.lo = n;
    } else {
      this.split(f[b + L] as number, uploadedAt, id);
      f[b + L] = this.hi;
      this.pull(n);
      this.hi = n;
    }
  }

  private merge(a: number, b: number): number {
    if (a === NIL) return b;
    if (b === NIL) return a;
    const f = this.f;
    if ((f[a * S + PRIO] as number) > (f[b * S + PRIO] as number)) {
      f[a * S + R] = this.merge(f[a * S + R] as number, b);
      this.pull(a);
      return a;
    }
    f[b * S + L] = this.merge(a, f[b * S + L] as number);
    this.pull(b);
    return b;
  }
}
