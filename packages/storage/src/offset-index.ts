/** Dense ids stop here: beyond it an array indexed by id would be mostly holes. */
const MAX_DENSE_ID = 2 ** 31 - 1;
/** A dense id may be this many times the count of dense entries (plus some slack) before it goes to the map. */
const SPARSENESS = 4;
const DENSE_SLACK = 1 << 16;

/**
 * Where each id's entry lies in a file: id → (offset, length), for files far
 * larger than memory.
 *
 * Row ids are most often line or record numbers ("1", "2", …): those live in
 * typed arrays indexed by the number itself, 12 bytes an entry and no string
 * kept. Other ids (an id column's values) map to slots in typed arrays, so an
 * entry costs its id string and a map entry, never an object.
 */
export class OffsetIndex {
  private denseOffsets = new Float64Array(0); // -1: no entry
  private denseLengths = new Uint32Array(0);
  private denseCount = 0;
  private readonly slots = new Map<string, number>();
  private offsets = new Float64Array(1024);
  private lengths = new Uint32Array(1024);
  private nextSlot = 0;

  get size(): number {
    return this.denseCount + this.slots.size;
  }

  /** Records (or moves: the last one wins) the entry of `id`. */
  set(id: string, offset: number, length: number): void {
    const n = denseNumber(id);
    if (n !== -1 && (n < this.denseOffsets.length || n <= SPARSENESS * (this.denseCount + DENSE_SLACK))) {
      if (n >= this.denseOffsets.length) this.growDense(n + 1);
      if ((this.denseOffsets[n] as number) < 0) {
        this.denseCount++;
        this.slots.delete(id); // it may have gone to the map while it looked too sparse
      }
      this.denseOffsets[n] = offset;
      this.denseLengths[n] = length;
      return;
    }
    let slot = this.slots.get(id);
    if (slot === undefined) {
      slot = this.nextSlot++;
      if (slot === this.offsets.length) this.growSlots();
      this.slots.set(id, slot);
    }
    this.offsets[slot] = offset;
    this.lengths[slot] = length;
  }

  /** The entry of `id`, or undefined. */
  get(id: string): { offset: number; length: number } | undefined {
    const n = denseNumber(id);
    if (n !== -1 && n < this.denseOffsets.length) {
      const offset = this.denseOffsets[n] as number;
      if (offset >= 0) return { offset, length: this.denseLengths[n] as number };
    }
    const slot = this.slots.get(id);
    if (slot === undefined) return undefined;
    return { offset: this.offsets[slot] as number, length: this.lengths[slot] as number };
  }

  has(id: string): boolean {
    return this.get(id) !== undefined;
  }

  private growDense(min: number): void {
    const size = Math.min(MAX_DENSE_ID + 1, Math.max(min, this.denseOffsets.length * 2, 1024));
    const offsets = new Float64Array(size).fill(-1);
    offsets.set(this.denseOffsets);
    this.denseOffsets = offsets;
    const lengths = new Uint32Array(size);
    lengths.set(this.denseLengths);
    this.denseLengths = lengths;
  }

  private growSlots(): void {
    const offsets = new Float64Array(this.offsets.length * 2);
    offsets.set(this.offsets);
    this.offsets = offsets;
    const lengths = new Uint32Array(this.lengths.length * 2);
    lengths.set(this.lengths);
    this.lengths = lengths;
  }
}

/** The number a canonical decimal id ("1", "42"; not "0", "007", "1e3") stands for, or -1. */
function denseNumber(id: string): number {
  const len = id.length;
  if (len === 0 || len > 10) return -1;
  const first = id.charCodeAt(0);
  if (first < 0x31 || first > 0x39) return -1;
  let n = first - 0x30;
  for (let i = 1; i < len; i++) {
    const d = id.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n <= MAX_DENSE_ID ? n : -1;
}
