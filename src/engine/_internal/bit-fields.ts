/**
 * Several small fields packed in one integer: a record keeps one number for them where a field
 * each would cost it 8 bytes more apiece.
 */

/** A field of some bits of a packed integer, read and written as a small non-negative number. */
export class BitField {
  private readonly mask: number;

  constructor(
    private readonly shift: number,
    bits: number,
  ) {
    this.mask = ((1 << bits) - 1) << shift;
  }

  read(word: number): number {
    return (word & this.mask) >>> this.shift;
  }

  /** `word` with this field set to `value`. */
  write(word: number, value: number): number {
    return (word & ~this.mask) | (value << this.shift);
  }
}

/** Fields laid one after another from bit 0, each wide enough for its count of values. */
export function bitFields(...counts: number[]): BitField[] {
  let shift = 0;
  return counts.map((count) => {
    const bits = Math.max(1, Math.ceil(Math.log2(count)));
    const field = new BitField(shift, bits);
    shift += bits;
    return field;
  });
}
