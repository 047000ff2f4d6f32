/**
 * A register that forgets its oldest entries: entries keep the number they were given when
 * added (their index since the engine began), and the oldest leave from the front. Reading by
 * number (`slice`) therefore means the same before and after entries leave, which is what a
 * caller that keeps its own copy and reads "everything since entry n" relies on.
 *
 * Leaving is amortized O(1) per entry: the held entries are `items[head..]`, and the array is
 * compacted only once its dropped front is as long as what it holds.
 */
export class HeldWindow<T> {
  private items: T[] = [];
  private head = 0;
  /** The number of the entry at `items[0]`. */
  private base = 0;

  /** The number the next entry will get: how many entries were ever added. */
  get length(): number {
    return this.base + this.items.length;
  }

  /** The number of the oldest entry held. */
  get start(): number {
    return this.base + this.head;
  }

  /** How many entries are held. */
  get held(): number {
    return this.items.length - this.head;
  }

  /** Starts an empty register whose next entry gets number `start` (a restore). */
  reset(start: number): void {
    this.items = [];
    this.head = 0;
    this.base = start;
  }

  push(item: T): void {
    this.items.push(item);
  }

  /** The oldest entry held, if any. */
  first(): T | undefined {
    return this.head < this.items.length ? this.items[this.head] : undefined;
  }

  /** Drops the oldest entry held. */
  dropFirst(): void {
    this.items[this.head] = undefined as T;
    this.head++;
    if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.base += this.head;
      this.head = 0;
    }
  }

  /**
   * The held entries numbered from `from` to `to` (exclusive), read as `Array.prototype.slice`
   * reads its bounds over every entry ever added (negative ones count from the end); entries
   * that have left are not in it.
   */
  slice(from?: number, to?: number): T[] {
    const n = this.length;
    const lo = bound(from, 0, n);
    const hi = bound(to, n, n);
    const a = Math.max(lo, this.start) - this.base;
    const b = hi - this.base;
    return a < b ? this.items.slice(a, b) : [];
  }

  /** A window of the entries held, each as `copy` makes it, under the same numbers. */
  map<U>(copy: (item: T) => U): HeldWindow<U> {
    const c = new HeldWindow<U>();
    c.base = this.start;
    for (let i = this.head; i < this.items.length; i++) c.items.push(copy(this.items[i] as T));
    return c;
  }

  /** Every entry held, oldest first. */
  *[Symbol.iterator](): IterableIterator<T> {
    for (let i = this.head; i < this.items.length; i++) yield this.items[i] as T;
  }
}

/** A slice bound as `Array.prototype.slice` reads it, over `n` entries. */
export function bound(v: number | undefined, fallback: number, n: number): number {
  if (v === undefined) return fallback;
  const k = Math.trunc(v) || 0;
  return k < 0 ? Math.max(n + k, 0) : Math.min(k, n);
}
