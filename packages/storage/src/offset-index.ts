/**
 * Where each id's entry lies in a file: id → (offset, length), for files far
 * larger than memory. Ids map to slots in typed arrays rather than to objects,
 * so an entry costs its id string and a few bytes more.
 */
export class OffsetIndex {
  private readonly slots = new Map<string, number>();
  private offsets = new Float64Array(1024);
  private lengths = new Uint32Array(1024);

  get size(): number {
    return this.slots.size;
  }

  /** Records (or moves: the last one wins) the entry of `id`. */
  set(id: string, offset: number, length: number): void {
    let slot = this.slots.get(id);
    if (slot === undefined) {
      slot = this.slots.size;
      if (slot === this.offsets.length) this.grow();
      this.slots.set(id, slot);
    }
    this.offsets[slot] = offset;
    this.lengths[slot] = length;
  }

  /** The entry of `id`, or undefined. */
  get(id: string): { offset: number; length: number } | undefined {
    const slot = this.slots.get(id);
    if (slot === undefined) return undefined;
    return { offset: this.offsets[slot] as number, length: this.lengths[slot] as number };
  }

  has(id: string): boolean {
    return this.slots.has(id);
  }

  private grow(): void {
    const offsets = new Float64Array(this.offsets.length * 2);
    offsets.set(this.offsets);
    this.offsets = offsets;
    const lengths = new Uint32Array(this.lengths.length * 2);
    lengths.set(this.lengths);
    this.lengths = lengths;
  }
}
