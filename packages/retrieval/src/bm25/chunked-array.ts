type NumericArray = Int32Array | Uint16Array | Float64Array;

/**
 * An append-only numeric array stored as fixed-size typed-array chunks. Growing never copies, so
 * building a 1M-passage index does not briefly need 1.5x its posting buffers as doubling would.
 */
export class ChunkedArray<T extends NumericArray> {
  private chunks: T[] = [];
  private count = 0;
  private readonly mask: number;

  constructor(
    private readonly create: (length: number) => T,
    chunkBits = 20,
  ) {
    this.mask = (1 << chunkBits) - 1;
  }

  get length(): number {
    return this.count;
  }

  push(value: number): void {
    const offset = this.count & this.mask;
    if (offset === 0) this.chunks.push(this.create(this.mask + 1));
    (this.chunks[this.chunks.length - 1] as T)[offset] = value;
    this.count++;
  }

  get(index: number): number {
    if (index < 0 || index >= this.count) throw new RangeError(`index ${index} outside 0..${this.count - 1}`);
    return (this.chunks[Math.floor(index / (this.mask + 1))] as T)[index & this.mask] as number;
  }

  /** Copies the values into one exact-length array made by `create`. */
  toArray(): T {
    const out = this.create(this.count);
    let at = 0;
    for (const chunk of this.chunks) {
      const n = Math.min(chunk.length, this.count - at);
      out.set(chunk.subarray(0, n), at);
      at += n;
    }
    return out;
  }

  /** Chunks hold `chunkSize` values each; the last one may be partly filled. */
  get chunkSize(): number {
    return this.mask + 1;
  }

  get chunkCount(): number {
    return this.chunks.length;
  }

  /** The filled part of chunk `c`, for fast sequential reads without per-element checks. */
  chunk(c: number): T {
    const chunk = this.chunks[c];
    if (chunk === undefined) throw new RangeError(`chunk ${c} outside 0..${this.chunks.length - 1}`);
    return chunk.subarray(0, Math.min(chunk.length, this.count - c * chunk.length)) as T;
  }

  /**
   * Frees chunk `c` once a sequential reader is done with it (its values read as absent
   * afterwards), so a one-pass conversion does not hold both copies at its peak.
   */
  dropChunk(c: number): void {
    const chunk = this.chunks[c];
    if (chunk === undefined) return;
    free(chunk);
    this.chunks[c] = this.create(0);
  }

  /** Drops the storage; the array is empty afterwards. */
  release(): void {
    for (const chunk of this.chunks) free(chunk);
    this.chunks = [];
    this.count = 0;
  }

  /** Bytes held by the chunks. */
  get byteLength(): number {
    let bytes = 0;
    for (const chunk of this.chunks) bytes += chunk.byteLength;
    return bytes;
  }
}

/**
 * Returns a chunk's memory now rather than at the next garbage collection, which a long synchronous
 * build never triggers: at 1M passages the dropped chunks (~500 MiB) would otherwise stay resident
 * beside the finished postings. transfer(0) detaches the buffer and frees its contents.
 */
function free(chunk: NumericArray): void {
  // ES2024's ArrayBuffer.prototype.transfer (Node >= 21), not yet in this project's TypeScript lib.
  const buffer = chunk.buffer as { detached?: boolean; transfer?: (length: number) => ArrayBuffer };
  if (buffer.detached === false) buffer.transfer?.(0);
}
