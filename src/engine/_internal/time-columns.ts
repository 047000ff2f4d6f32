/**
 * The times of every order held, a row of `ROW` per order by its submission sequence number, in
 * pages of one Float64Array each. A time held in an object field costs a 16-byte boxed number
 * besides its slot; here it costs 8 bytes, and making a record allocates no number at all.
 *
 * Pages, not one array that doubles: growing by copying writes every row again into fresh
 * memory, and a first touch of fresh memory is dear on a virtual machine (about 13 µs per
 * 4 KiB page on the benchmark machine). A row never moves.
 *
 * Rows are opened in rising order (sequence numbers only grow) and freed when their order leaves
 * memory. A page whose rows are all freed is dropped once a later page is in use (no row of it
 * can be opened again), so the pages follow the orders held, not every order ever submitted.
 */

/** Times per row: an order's six times. */
export const ROW = 6;
/** Rows per page: 4,096 rows of six times, 192 KiB. */
const PAGE_BITS = 12;
const PAGE_ROWS = 1 << PAGE_BITS;
const ROW_MASK = PAGE_ROWS - 1;

export class TimeColumns {
  /** The pages by number; a page no row of which is open is undefined. */
  private readonly pages: (Float64Array | undefined)[] = [];
  /** Open rows per page. */
  private readonly openRows: number[] = [];
  /** The page of the highest row opened so far. */
  private top = -1;

  /** Makes row `row` (its page when first needed), every time set to `fill`, the first to `first`. */
  open(row: number, first: number, fill: number): void {
    const k = row >>> PAGE_BITS;
    let f = this.pages[k];
    if (f === undefined) {
      while (this.pages.length <= k) {
        this.pages.push(undefined);
        this.openRows.push(0);
      }
      f = new Float64Array(PAGE_ROWS * ROW);
      this.pages[k] = f;
    }
    if (k > this.top) {
      // The page that was the highest can open no more rows: dropped if none is open.
      if (this.top >= 0 && this.openRows[this.top] === 0) this.pages[this.top] = undefined;
      this.top = k;
    }
    this.openRows[k] = (this.openRows[k] as number) + 1;
    const b = (row & ROW_MASK) * ROW;
    f[b] = first;
    for (let i = 1; i < ROW; i++) f[b + i] = fill;
  }

  /** Frees an open row: its order left memory, and its times are read no more. */
  free(row: number): void {
    const k = row >>> PAGE_BITS;
    const n = (this.openRows[k] as number) - 1;
    this.openRows[k] = n;
    if (n === 0 && k < this.top) this.pages[k] = undefined;
  }

  /** How many pages are held. */
  get pageCount(): number {
    let n = 0;
    for (const p of this.pages) if (p !== undefined) n++;
    return n;
  }

  /** Time `field` (0 ≤ field < 6) of an opened row. */
  get(row: number, field: number): number {
    return (this.pages[row >>> PAGE_BITS] as Float64Array)[
      (row & ROW_MASK) * ROW + field
    ] as number;
  }

  set(row: number, field: number, v: number): void {
    (this.pages[row >>> PAGE_BITS] as Float64Array)[(row & ROW_MASK) * ROW + field] = v;
  }
}
