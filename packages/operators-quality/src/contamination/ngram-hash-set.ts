/**
 * A set of 64-bit n-gram hashes (two 32-bit halves) mapping each to the first item that had it:
 * open addressing with linear probing over three typed arrays (12 bytes a slot, at most half
 * full). Two different n-grams share a key with odds of about 2^-64 per pair, so a lookup that
 * finds a key is taken as a match without keeping the words.
 */
export class NgramHashSet {
  private hi = new Uint32Array(1 << 12);
  private lo = new Uint32Array(1 << 12);
  /** item + 1; 0 marks an empty slot. */
  private items = new Int32Array(1 << 12);
  size = 0;

  /** Adds the key for `item` unless it is there already (the first item keeps it). */
  add(hi: number, lo: number, item: number): void {
    const slot = this.slotOf(hi, lo);
    if (this.items[slot] !== 0) return;
    this.hi[slot] = hi;
    this.lo[slot] = lo;
    this.items[slot] = item + 1;
    if (++this.size * 2 > this.items.length) this.grow();
  }

  /** The item that holds the key, or -1. */
  get(hi: number, lo: number): number {
    return (this.items[this.slotOf(hi, lo)] as number) - 1;
  }

  bytes(): number {
    return this.hi.byteLength + this.lo.byteLength + this.items.byteLength;
  }

  private slotOf(hi: number, lo: number): number {
    const mask = this.items.length - 1;
    let slot = (hi ^ lo) & mask;
    while (this.items[slot] !== 0 && (this.hi[slot] !== hi || this.lo[slot] !== lo)) {
      slot = (slot + 1) & mask;
    }
    return slot;
  }

  private grow(): void {
    const { hi, lo, items } = this;
    this.hi = new Uint32Array(hi.length * 2);
    this.lo = new Uint32Array(lo.length * 2);
    this.items = new Int32Array(items.length * 2);
    for (let i = 0; i < items.length; i++) {
      const item = items[i] as number;
      if (item === 0) continue;
      const slot = this.slotOf(hi[i] as number, lo[i] as number);
      this.hi[slot] = hi[i] as number;
      this.lo[slot] = lo[i] as number;
      this.items[slot] = item;
    }
  }
}
