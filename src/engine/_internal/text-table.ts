import { MS_PER_MINUTE } from '../../time/units.js';

/**
 * A direct-mapped table of texts keyed by a small number and the minutes of two times: a slot
 * per key, the newest key winning. It never grows, and a hit costs a few array reads. The
 * caller guarantees that a key always stands for the same text. A key of one minute, (0, t, 0),
 * takes the slot of its minute modulo the table's size, so consecutive minutes never collide.
 */
export class TextTable {
  private readonly keys: Float64Array;
  private readonly texts: string[];
  private readonly mask: number;
  /** The key of the last `get`, which `put` keeps with its text. */
  private slot = 0;
  private kind = 0;
  private m1 = 0;
  private m2 = 0;

  /** @param bits The table has 2^bits slots, 1 ≤ bits ≤ 30 (tests use few, to make keys collide). */
  constructor(bits = 12) {
    this.keys = new Float64Array(3 << bits).fill(Number.NaN);
    this.texts = new Array(1 << bits).fill('');
    this.mask = (1 << bits) - 1;
  }

  /** The text kept for the key, or undefined; `put` then keeps a text for this key. */
  get(kind: number, t1: number, t2: number): string | undefined {
    const m1 = Math.floor(t1 / MS_PER_MINUTE);
    const m2 = Math.floor(t2 / MS_PER_MINUTE);
    const slot = (m1 + Math.imul(m2, 0x9e3779b1) + Math.imul(kind, 0x85ebca6b)) & this.mask;
    const k = this.keys;
    const i = slot * 3;
    if (k[i] === kind && k[i + 1] === m1 && k[i + 2] === m2) return this.texts[slot];
    this.slot = slot;
    this.kind = kind;
    this.m1 = m1;
    this.m2 = m2;
    return undefined;
  }

  put(text: string): string {
    const i = this.slot * 3;
    this.keys[i] = this.kind;
    this.keys[i + 1] = this.m1;
    this.keys[i + 2] = this.m2;
    this.texts[this.slot] = text;
    return text;
  }
}
