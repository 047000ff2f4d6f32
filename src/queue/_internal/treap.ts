/**
 * What the queue's two treaps (the promise ledger and the FCFS index) share: nodes of `stride`
 * doubles each in one Float64Array, node h at `h * stride`, so that a descent touches one run
 * of memory per level and adding a node allocates nothing once the array has grown; handles
 * handed out in order and reused once freed; a treap priority that is a hash of the handle;
 * and a scratch stack for the steps of a descent. Each treap keeps its own values and its own
 * way of keeping them.
 */

/** The empty link: no node has handle 0. */
export const NIL = 0;

/**
 * The treap priority of a handle: a bijection of 32-bit integers that scatters consecutive
 * handles, so that priorities are distinct and unrelated to the order the treap keeps.
 */
export function priority(h: number): number {
  let x = Math.imul(h ^ (h >>> 16), 0x45d9f3b);
  x = Math.imul(x ^ (x >>> 16), 0x45d9f3b);
  return (x ^ (x >>> 16)) >>> 0;
}

export abstract class ArrayTreap {
  /** The nodes. */
  protected f = new Float64Array(0);
  /** Scratch stack of the steps of a descent (what a step holds is the treap's own). */
  protected path = new Int32Array(64);
  private readonly free: number[] = [];

  /**
   * @param stride Doubles per node.
   * @param next The first handle to hand out: handles below it are the treap's own (NIL, a header).
   */
  constructor(
    protected readonly stride: number,
    private next: number,
  ) {}

  /** Room for nodes below `capacity`. A treap with columns beside its nodes grows them too. */
  protected grow(capacity: number): void {
    const f = new Float64Array(capacity * this.stride);
    f.set(this.f);
    this.f = f;
  }

  /** A free handle; the node array may have been replaced, so read `f` after it. */
  protected alloc(): number {
    const h = this.free.pop();
    if (h !== undefined) return h;
    if ((this.next + 1) * this.stride > this.f.length) this.grow(this.next * 2);
    return this.next++;
  }

  /** Frees a handle that no link reaches any more. */
  protected release(h: number): void {
    this.free.push(h);
  }

  /** Doubles the scratch stack, keeping its steps; returns it. */
  protected growPath(): Int32Array<ArrayBuffer> {
    const p = new Int32Array(this.path.length * 2);
    p.set(this.path);
    this.path = p;
    return p;
  }
}
