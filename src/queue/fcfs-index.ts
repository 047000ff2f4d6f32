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

function before(
  a: { uploadedAt: number; id: string },
  b: { uploadedAt: number; id: string },
): boolean {
  return a.uploadedAt < b.uploadedAt || (a.uploadedAt === b.uploadedAt && a.id < b.id);
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
    const [a, b] = this.split(this.root, node);
    this.root = this.merge(this.merge(a, node), b);
    this.count++;
  }

  remove(uploadedAt: number, id: string): void {
    const probe = { uploadedAt, id };
    const walk = (n: Node | undefined): Node | undefined => {
      if (!n) return undefined;
      if (n.uploadedAt === uploadedAt && n.id === id) {
        this.count--;
        return this.merge(n.left, n.right);
      }
      if (before(probe, n)) n.left = walk(n.left);
      else n.right = walk(n.right);
      pull(n);
      return n;
    };
    this.root = walk(this.root);
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

  /** Splits into the nodes before `key` and the rest. */
  private split(
    n: Node | undefined,
    key: { uploadedAt: number; id: string },
  ): [Node | undefined, Node | undefined] {
    if (!n) return [undefined, undefined];
    if (before(n, key)) {
      const [a, b] = this.split(n.right, key);
      n.right = a;
      pull(n);
      return [n, b];
    }
    const [a, b] = this.split(n.left, key);
    n.left = b;
    pull(n);
    return [a, n];
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
