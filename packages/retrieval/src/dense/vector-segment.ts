import { dotF32 } from "./dot-product.js";
import {
  type DotFunction,
  MAX_QUERY_GROUP,
  type QueryGroup,
  WASM_PAGE_BYTES,
  type WasmDotKernel,
  type WasmMemory,
} from "./wasm-dot-kernel.js";

/** Rows scored per kernel call: the scores of a block stay in cache while the top k is picked. */
export const BLOCK_ROWS = 1024;

/**
 * A bounded run of fixed-stride float32 rows with the kernel that scores them. A flat index is a
 * list of segments, so it grows without ever reallocating (or needing) one giant buffer.
 */
export interface VectorSegment {
  /** Rows this segment can hold. */
  readonly capacity: number;
  readonly count: number;
  /** Appends a row of `stride` floats (normalised, zero-padded). */
  append(row: Float32Array): void;
  /** A copy of row `index`. */
  row(index: number): Float32Array;
  /** Sets the queries (each `stride` floats) that `score` uses; slots past `queries.length` score 0. */
  setQueries(queries: readonly Float32Array[], group: QueryGroup): void;
  /**
   * Scores rows `start .. start + n - 1` (n ≤ BLOCK_ROWS) against the queries set: score of row
   * `start + r` for query k at `[r * group + k]`. The view is overwritten by the next call.
   */
  score(start: number, n: number): Float32Array;
}

export function createVectorSegment(
  kernel: WasmDotKernel | undefined,
  stride: number,
  capacity: number,
): VectorSegment {
  return kernel ? new WasmSegment(kernel, stride, capacity) : new ArraySegment(stride, capacity);
}

/** Rows in a WebAssembly memory of their own, scored by the SIMD kernel. */
class WasmSegment implements VectorSegment {
  private readonly memory: WasmMemory;
  private readonly dot: Record<QueryGroup, DotFunction>;
  private readonly strideBytes: number;
  private readonly outPtr: number;
  private readonly headerBytes: number;
  private readonly maxPages: number;
  private floats: Float32Array;
  private out: Float32Array;
  private rowsFit: number;
  private group: QueryGroup = 1;
  count = 0;

  constructor(
    kernel: WasmDotKernel,
    private readonly stride: number,
    readonly capacity: number,
  ) {
    this.strideBytes = stride * 4;
    // Layout: the query group, then the block's scores, then the rows (all 16-byte aligned).
    this.outPtr = MAX_QUERY_GROUP * this.strideBytes;
    this.headerBytes = this.outPtr + BLOCK_ROWS * MAX_QUERY_GROUP * 4;
    this.maxPages = this.pagesFor(capacity);
    this.memory = kernel.memory(this.pagesFor(Math.min(capacity, 256)), this.maxPages);
    this.dot = kernel.instantiate(this.memory);
    this.floats = new Float32Array(this.memory.buffer);
    this.out = new Float32Array(this.memory.buffer, this.outPtr, BLOCK_ROWS * MAX_QUERY_GROUP);
    this.rowsFit = this.rowsIn(this.memory.buffer.byteLength);
  }

  append(row: Float32Array): void {
    if (this.count === this.rowsFit) this.grow();
    this.floats.set(row, (this.headerBytes + this.count * this.strideBytes) / 4);
    this.count++;
  }

  row(index: number): Float32Array {
    const at = (this.headerBytes + index * this.strideBytes) / 4;
    return this.floats.slice(at, at + this.stride);
  }

  setQueries(queries: readonly Float32Array[], group: QueryGroup): void {
    this.group = group;
    // Interleaved in 4-float blocks: block b of query k at float (b * group + k) * 4.
    const f = this.floats;
    for (let k = 0; k < group; k++) {
      const q = queries[k];
      for (let b = 0; b < this.stride; b += 4) {
        const at = b * group + k * 4;
        if (q) f.set(q.subarray(b, b + 4), at);
        else f.fill(0, at, at + 4);
      }
    }
  }

  score(start: number, n: number): Float32Array {
    const g = this.group;
    this.dot[g](0, this.headerBytes + start * this.strideBytes, n, this.strideBytes, this.outPtr);
    return this.out.subarray(0, n * g);
  }

  private pagesFor(rows: number): number {
    return Math.ceil((this.headerBytes + rows * this.strideBytes) / WASM_PAGE_BYTES);
  }

  private rowsIn(bytes: number): number {
    return Math.min(this.capacity, Math.floor((bytes - this.headerBytes) / this.strideBytes));
  }

  private grow(): void {
    const pages = this.memory.buffer.byteLength / WASM_PAGE_BYTES;
    // Grow by half again (at least one row): few grows, and little committed beyond the rows.
    const target = Math.min(this.maxPages, Math.max(this.pagesFor(this.count + 1), Math.ceil(pages * 1.5)));
    this.memory.grow(target - pages);
    // Growing detaches the old buffer.
    this.floats = new Float32Array(this.memory.buffer);
    this.out = new Float32Array(this.memory.buffer, this.outPtr, BLOCK_ROWS * MAX_QUERY_GROUP);
    this.rowsFit = this.rowsIn(this.memory.buffer.byteLength);
  }
}

/** Rows in a plain Float32Array, scored in JavaScript with the same float32 arithmetic. */
class ArraySegment implements VectorSegment {
  private data: Float32Array;
  private queries: readonly Float32Array[] = [];
  private group: QueryGroup = 1;
  private readonly out = new Float32Array(BLOCK_ROWS * MAX_QUERY_GROUP);
  count = 0;

  constructor(
    private readonly stride: number,
    readonly capacity: number,
  ) {
    this.data = new Float32Array(Math.min(capacity, 256) * stride);
  }

  append(row: Float32Array): void {
    const at = this.count * this.stride;
    if (at + this.stride > this.data.length) {
      const rows = Math.min(this.capacity, Math.max(this.count + 1, this.count * 2));
      const grown = new Float32Array(rows * this.stride);
      grown.set(this.data);
      this.data = grown;
    }
    this.data.set(row, at);
    this.count++;
  }

  row(index: number): Float32Array {
    return this.data.slice(index * this.stride, (index + 1) * this.stride);
  }

  setQueries(queries: readonly Float32Array[], group: QueryGroup): void {
    this.queries = queries.slice(0, group);
    this.group = group;
  }

  score(start: number, n: number): Float32Array {
    const { data, stride, queries, out, group } = this;
    out.fill(0, 0, n * group);
    for (let r = 0; r < n; r++) {
      const offset = (start + r) * stride;
      for (let k = 0; k < queries.length; k++)
        out[r * group + k] = dotF32(data, offset, queries[k] as Float32Array, stride);
    }
    return out.subarray(0, n * group);
  }
}
