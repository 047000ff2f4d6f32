/**
 * First uploaded, first made (rules.md §3): the queued plain orders of one line and tier,
 * ordered by upload time, each with its promise, so that a new plain order can ask for the
 * latest promise among those uploaded before it in O(log n). A small treap with the maximum
 * promise of each subtree.
 */

interface Node {
  uploadedAt: number;
  id: string;
  promise: number;
  prio: number;
  max: number;
  left: Node | undefined;
  right: Node | undefined;
}

function pull(n: Node): void {
  let m = n.promise;
  if (n.left && n.left.max > m) m = n.left.max;
  if (n.right && n.right.max > m) m = n.right.max;
  n.max = m;
}

export class FcfsIndex {
  private root: Node | undefined;
  private rng = 0x2545f491;
  private count = 0;

  get length(): number {
    return this.count;
  }

  add(uploadedAt: number, id: string, promise: number): void {
    let s = this.rng;
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    this.rng = s >>> 0;
    const node: Node = {
      uploadedAt,
      id,
      promise,
      prio: this.rng,
      max: promise,
      left: undefined,
      right: undefined,
    };
    this.split(this.root, uploadedAt, id);
    this.root = this.merge(this.merge(this.lo, node), this.hi);
    this.count++;
  }

  remove(uploadedAt: number, id: string): void {
    this.root = this.without(this.root, uploadedAt, id);
  }

  private without(n: Node | undefined, uploadedAt: number, id: string): Node | undefined {
    if (!n) return undefined;
    if (n.uploadedAt === uploadedAt && n.id === id) {
      this.count--;
      return this.merge(n.left, n.right);
    }
    if (uploadedAt < n.uploadedAt || (uploadedAt === n.uploadedAt && id < n.id))
      n.left = this.without(n.left, uploadedAt, id);
    else n.right = this.without(n.right, uploadedAt, id);
    pull(n);
    return n;
  }

  /** The latest promise among queued orders uploaded strictly before `uploadedAt`, or -Infinity. */
  maxPromiseBefore(uploadedAt: number): number {
    let best = Number.NEGATIVE_INFINITY;
    let n = this.root;
    while (n) {
      if (n.uploadedAt < uploadedAt) {
        if (n.promise > best) best = n.promise;
        if (n.left && n.left.max > best) best = n.left.max;
        n = n.right;
      } else {
        n = n.left;
      }
    }
    return best;
  }

  // The two halves of the last split. Splitting writes them here rather than returning a pair,
  // so that adding an order allocates nothing but its node.
  private lo: Node | undefined;
  private hi: Node | undefined;

  /** Splits `n` into the nodes before (uploadedAt, id), left in `lo`, and the rest, in `hi`. */
  private split(n: Node | undefined, uploadedAt: number, id: string): void {
    if (!n) {
      this.lo = undefined;
      this.hi = undefined;
      return;
    }
    if (n.uploadedAt < uploadedAt || (n.uploadedAt === uploadedAt && n.id < id)) {
      this.split(n.right, uploadedAt, id);
      n.right = this.lo;
      pull(n);
      this.lo = n;
    } else {
      this.split(n.left, uploadedAt, id);
      n.left = this.hi;
      pull(n);
      this.hi = n;
    }
  }

  private merge(a: Node | undefined, b: Node | undefined): Node | undefined {
    if (!a) return b;
    if (!b) return a;
    if (a.prio > b.prio) {
      a.right = this.merge(a.right, b);
      pull(a);
      return a;
    }
    b.left = this.merge(a, b.left);
    pull(b);
    return b;
  }
}
