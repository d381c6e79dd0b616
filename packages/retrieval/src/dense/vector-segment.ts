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
  /** The segment's rows as another thread opens them (segmentView): shared memory, not a copy. */
  share(): SharedSegment;
}

/** A segment handed to another thread: its shared rows and how they are laid out. */
export type SharedSegment =
  | {
      readonly kind: "wasm";
      readonly memory: WasmMemory;
      readonly stride: number;
      readonly capacity: number;
      readonly slots: number;
      readonly count: number;
    }
  | {
      readonly kind: "js";
      readonly buffer: SharedArrayBuffer;
      readonly stride: number;
      readonly count: number;
    };

/**
 * A new segment. A WebAssembly segment keeps `slots` query-and-score areas, one per thread that may
 * score it at once (slot 0 is the owner's); a JavaScript one needs none.
 */
export function createVectorSegment(
  kernel: WasmDotKernel | undefined,
  stride: number,
  capacity: number,
  slots: number,
): VectorSegment {
  return kernel ? new WasmSegment(kernel, stride, capacity, slots) : new ArraySegment(stride, capacity);
}

/** Another thread's read-only view of a shared segment, scoring through its own `slot`. */
export function segmentView(
  shared: SharedSegment,
  slot: number,
  kernel: WasmDotKernel | undefined,
): VectorSegment {
  if (shared.kind === "js") return new ArraySegment(shared.stride, shared.count, shared);
  if (!kernel) throw new Error("a WebAssembly vector segment needs the WebAssembly kernel on this thread");
  if (!(slot >= 0 && slot < shared.slots))
    throw new RangeError(`slot ${slot} outside 0..${shared.slots - 1}`);
  return new WasmSegment(kernel, shared.stride, shared.capacity, shared.slots, { shared, slot });
}

/**
 * Rows in a shared WebAssembly memory of their own, scored by the SIMD kernel. The memory starts
 * with one slot per thread (the query group, then a block's scores), then the rows.
 */
class WasmSegment implements VectorSegment {
  private readonly memory: WasmMemory;
  private readonly dot: Record<QueryGroup, DotFunction>;
  private readonly strideBytes: number;
  private readonly queryPtr: number;
  private readonly outPtr: number;
  private readonly headerBytes: number;
  private readonly maxPages: number;
  private readonly readOnly: boolean;
  private floats: Float32Array;
  private out: Float32Array;
  private rowsFit: number;
  private group: QueryGroup = 1;
  count = 0;

  constructor(
    kernel: WasmDotKernel,
    private readonly stride: number,
    readonly capacity: number,
    private readonly slots: number,
    view?: { shared: SharedSegment & { kind: "wasm" }; slot: number },
  ) {
    this.strideBytes = stride * 4;
    const slotBytes = MAX_QUERY_GROUP * this.strideBytes + BLOCK_ROWS * MAX_QUERY_GROUP * 4;
    this.queryPtr = (view?.slot ?? 0) * slotBytes;
    this.outPtr = this.queryPtr + MAX_QUERY_GROUP * this.strideBytes;
    this.headerBytes = slots * slotBytes;
    this.maxPages = this.pagesFor(capacity);
    this.readOnly = view !== undefined;
    this.memory = view?.shared.memory ?? kernel.memory(this.pagesFor(Math.min(capacity, 256)), this.maxPages);
    this.count = view?.shared.count ?? 0;
    this.dot = kernel.instantiate(this.memory);
    this.floats = new Float32Array(this.memory.buffer);
    this.out = new Float32Array(this.memory.buffer, this.outPtr, BLOCK_ROWS * MAX_QUERY_GROUP);
    this.rowsFit = this.rowsIn(this.memory.buffer.byteLength);
  }

  append(row: Float32Array): void {
    if (this.readOnly) throw new Error("a shared vector segment is read-only on this thread");
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
    // Interleaved in 4-float blocks: block b of query k at float (b * group + k) * 4 of the slot.
    const f = this.floats;
    const base = this.queryPtr / 4;
    for (let k = 0; k < group; k++) {
      const q = queries[k];
      for (let b = 0; b < this.stride; b += 4) {
        const at = base + b * group + k * 4;
        if (q) f.set(q.subarray(b, b + 4), at);
        else f.fill(0, at, at + 4);
      }
    }
  }

  score(start: number, n: number): Float32Array {
    const g = this.group;
    this.dot[g](this.queryPtr, this.headerBytes + start * this.strideBytes, n, this.strideBytes, this.outPtr);
    return this.out.subarray(0, n * g);
  }

  share(): SharedSegment {
    const { memory, stride, capacity, slots, count } = this;
    return { kind: "wasm", memory, stride, capacity, slots, count };
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
    // A grown memory hands out a longer buffer.
    this.floats = new Float32Array(this.memory.buffer);
    this.out = new Float32Array(this.memory.buffer, this.outPtr, BLOCK_ROWS * MAX_QUERY_GROUP);
    this.rowsFit = this.rowsIn(this.memory.buffer.byteLength);
  }
}

/**
 * Rows in a plain Float32Array (on a SharedArrayBuffer), scored in JavaScript with the same float32
 * arithmetic.
 */
class ArraySegment implements VectorSegment {
  private data: Float32Array;
  private queries: readonly Float32Array[] = [];
  private group: QueryGroup = 1;
  private readonly out = new Float32Array(BLOCK_ROWS * MAX_QUERY_GROUP);
  private readonly readOnly: boolean;
  count = 0;

  constructor(
    private readonly stride: number,
    readonly capacity: number,
    view?: SharedSegment & { kind: "js" },
  ) {
    this.readOnly = view !== undefined;
    this.count = view?.count ?? 0;
    this.data = view ? new Float32Array(view.buffer) : sharedFloats(Math.min(capacity, 256) * stride);
  }

  append(row: Float32Array): void {
    if (this.readOnly) throw new Error("a shared vector segment is read-only on this thread");
    const at = this.count * this.stride;
    if (at + this.stride > this.data.length) {
      const rows = Math.min(this.capacity, Math.max(this.count + 1, this.count * 2));
      const grown = sharedFloats(rows * this.stride);
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

  share(): SharedSegment {
    return {
      kind: "js",
      buffer: this.data.buffer as SharedArrayBuffer,
      stride: this.stride,
      count: this.count,
    };
  }
}

function sharedFloats(length: number): Float32Array {
  return new Float32Array(new SharedArrayBuffer(length * 4));
}
