import { availableParallelism } from "node:os";
import { normalizeK } from "../bm25/engine.js";
import { TopKHeap } from "../bm25/top-k-heap.js";
import { rowStride } from "./dot-product.js";
import {
  BLOCK_ROWS,
  createVectorSegment,
  type SharedSegment,
  segmentView,
  type VectorSegment,
} from "./vector-segment.js";
import { MAX_QUERY_GROUP, queryGroupFor, WasmDotKernel } from "./wasm-dot-kernel.js";

/** One nearest neighbour: cosine similarity in [-1, 1] (float32 precision). */
export interface DenseHit {
  readonly docId: number;
  readonly score: number;
}

export interface FlatCosineIndexOptions {
  /**
   * Bytes of vectors per storage segment (512 MiB by default). Segments are allocated one after
   * another as the index grows, so a 1M × 384 index (1.5 GB) never needs one giant buffer.
   */
  segmentBytes?: number;
  /**
   * `wasm` scores with the WebAssembly SIMD kernel, `js` with plain JavaScript; `auto` (default)
   * takes wasm where the runtime has it. Both give bit-identical scores.
   */
  kernel?: "auto" | "wasm" | "js";
}

export interface DenseSearchOptions {
  /**
   * Documents for which this returns true are never returned. Called lazily, only for documents
   * that could still enter the top k, possibly more than once for one document. Keep it pure.
   */
  readonly exclude?: (docId: number) => boolean;
}

export interface DenseSearchManyOptions {
  /** As `exclude` for `search`, per query: `query` is the query's index in the batch. */
  readonly exclude?: (docId: number, query: number) => boolean;
}

/** An index handed to other threads (FlatCosineIndex.fromShared): its vectors are shared, not copied. */
export interface SharedFlatIndex {
  readonly dims: number;
  readonly kernel: "wasm" | "js";
  readonly segmentRows: number;
  readonly count: number;
  readonly segments: readonly SharedSegment[];
}

// Threads that may score an index besides its owner (search-pool.ts): each WebAssembly segment
// keeps a query area for each, ~44 KB at 384 dimensions.
const THREAD_SLOTS = availableParallelism();

/** The largest dimension accepted; embedding models have a few thousand at most. */
export const MAX_DIMS = 65_536;
const DEFAULT_SEGMENT_BYTES = 512 * 1024 * 1024;
// A WebAssembly memory holds at most 4 GiB, and each segment adds a small header.
const MAX_SEGMENT_BYTES = 2 * 1024 * 1024 * 1024;

/**
 * Exact (exhaustive) cosine nearest neighbours over float32 vectors. Vectors are L2-normalised
 * when added, so a score is a dot product; a zero vector stays zero and scores 0 against
 * everything. Hits are sorted by score descending, then docId ascending, so ties are deterministic.
 *
 * `searchMany` scores up to 8 queries per pass over the vectors, which is several times the
 * throughput of one query at a time once the index outgrows the CPU caches.
 */
export class FlatCosineIndex {
  readonly dims: number;
  /** `wasm` or `js`: which kernel scores this index. */
  readonly kernel: "wasm" | "js";
  private readonly stride: number;
  private readonly segmentRows: number;
  private readonly wasm: WasmDotKernel | undefined;
  private readonly segments: VectorSegment[] = [];
  private count = 0;
  private shared = false;

  constructor(dims: number, options: FlatCosineIndexOptions = {}) {
    if (!Number.isInteger(dims) || dims < 1 || dims > MAX_DIMS) {
      throw new RangeError(`FlatCosineIndex: dims must be an integer in 1..${MAX_DIMS}, got ${dims}`);
    }
    const segmentBytes = options.segmentBytes ?? DEFAULT_SEGMENT_BYTES;
    if (!Number.isFinite(segmentBytes) || segmentBytes <= 0 || segmentBytes > MAX_SEGMENT_BYTES) {
      throw new RangeError(
        `FlatCosineIndex: segmentBytes must be in 1..${MAX_SEGMENT_BYTES}, got ${segmentBytes}`,
      );
    }
    this.dims = dims;
    this.stride = rowStride(dims);
    this.segmentRows = Math.max(1, Math.floor(segmentBytes / (this.stride * 4)));
    const choice = options.kernel ?? "auto";
    this.wasm = choice === "js" ? undefined : WasmDotKernel.load();
    if (choice === "wasm" && !this.wasm) {
      throw new Error("FlatCosineIndex: kernel 'wasm' needs WebAssembly SIMD, which this runtime lacks");
    }
    this.kernel = this.wasm ? "wasm" : "js";
  }

  get size(): number {
    return this.count;
  }

  /** The most threads besides this one that can search the index at once (search-pool.ts). */
  static get threadSlots(): number {
    return THREAD_SLOTS;
  }

  /** The vectors as of now, for other threads: shared memory, so they cost no copy. */
  share(): SharedFlatIndex {
    return {
      dims: this.dims,
      kernel: this.kernel,
      segmentRows: this.segmentRows,
      count: this.count,
      segments: this.segments.map((s) => s.share()),
    };
  }

  /**
   * A read-only index over another thread's shared vectors, scoring through query area `slot`
   * (1 .. threadSlots; each thread its own): it answers exactly as the original.
   */
  static fromShared(shared: SharedFlatIndex, slot: number): FlatCosineIndex {
    const stride = rowStride(shared.dims);
    const index = new FlatCosineIndex(shared.dims, {
      kernel: shared.kernel,
      segmentBytes: shared.segmentRows * stride * 4,
    });
    index.segments.push(...shared.segments.map((s) => segmentView(s, slot, index.wasm)));
    index.count = shared.count;
    index.shared = true;
    return index;
  }

  /** Adds a vector (normalised on the way in) and returns its docId, the count of vectors before it. */
  add(vector: ArrayLike<number>): number {
    if (this.shared) throw new Error("FlatCosineIndex: an index opened from another thread is read-only");
    const row = this.normalised(vector, "add");
    let segment = this.segments[this.segments.length - 1];
    if (!segment || segment.count === segment.capacity) {
      segment = createVectorSegment(this.wasm, this.stride, this.segmentRows, 1 + THREAD_SLOTS);
      this.segments.push(segment);
    }
    segment.append(row);
    return this.count++;
  }

  /** The stored (normalised, float32) vector of `docId`. */
  vector(docId: number): Float32Array {
    if (!Number.isInteger(docId) || docId < 0 || docId >= this.count) {
      throw new RangeError(`FlatCosineIndex: docId ${docId} outside 0..${this.count - 1}`);
    }
    const segment = this.segments[Math.floor(docId / this.segmentRows)] as VectorSegment;
    return segment.row(docId % this.segmentRows).subarray(0, this.dims);
  }

  /** The `k` vectors most similar to `query`, best first. */
  search(query: ArrayLike<number>, k: number, options: DenseSearchOptions = {}): DenseHit[] {
    const exclude = options.exclude;
    return this.searchMany(
      [query],
      k,
      exclude ? { exclude: (docId) => exclude(docId) } : {},
    )[0] as DenseHit[];
  }

  /** `search` for each query, sharing passes over the vectors between up to 8 queries. */
  searchMany(
    queries: readonly ArrayLike<number>[],
    k: number,
    options: DenseSearchManyOptions = {},
  ): DenseHit[][] {
    const rows = queries.map((q) => this.normalised(q, "search"));
    const limit = Math.min(normalizeK(k), this.count);
    const results: DenseHit[][] = [];
    for (let first = 0; first < rows.length; first += MAX_QUERY_GROUP) {
      const group = rows.slice(first, first + MAX_QUERY_GROUP);
      results.push(...this.scanGroup(group, first, limit, options.exclude));
    }
    return results;
  }

  private scanGroup(
    queries: Float32Array[],
    first: number,
    limit: number,
    exclude: ((docId: number, query: number) => boolean) | undefined,
  ): DenseHit[][] {
    const heaps = queries.map(() => new TopKHeap(limit));
    if (limit === 0) return heaps.map(() => []);
    const group = queryGroupFor(queries.length);
    const m = queries.length;
    // Docs arrive in docId order, so a full heap admits exactly the scores above its worst one:
    // one comparison per (doc, query) instead of a call.
    const thresholds = new Float64Array(m).fill(Number.NEGATIVE_INFINITY);
    let base = 0;
    for (const segment of this.segments) {
      segment.setQueries(queries, group);
      for (let start = 0; start < segment.count; start += BLOCK_ROWS) {
        const n = Math.min(BLOCK_ROWS, segment.count - start);
        const scores = segment.score(start, n);
        for (let q = 0; q < m; q++) {
          let threshold = thresholds[q] as number;
          const heap = heaps[q] as TopKHeap;
          for (let r = 0, at = q; r < n; r++, at += group) {
            const score = scores[at] as number;
            if (score <= threshold) continue;
            const docId = base + start + r;
            if (exclude?.(docId, first + q)) continue;
            heap.push(score, docId);
            if (heap.size === limit) threshold = heap.worstScore;
          }
          thresholds[q] = threshold;
        }
      }
      base += segment.count;
    }
    return heaps.map((h) => h.drain());
  }

  /** `vector` scaled to unit length in a zero-padded float32 row; checks its length and values. */
  private normalised(vector: ArrayLike<number>, what: "add" | "search"): Float32Array {
    if (vector.length !== this.dims) {
      const noun = what === "add" ? "vector" : "query vector";
      throw new RangeError(
        `FlatCosineIndex: the ${noun} has ${vector.length} dimensions but the index holds ${this.dims}-dimensional vectors (was it embedded by another model?)`,
      );
    }
    let sumSquares = 0;
    for (let i = 0; i < this.dims; i++) {
      const v = vector[i] as number;
      sumSquares += v * v;
    }
    if (!Number.isFinite(sumSquares)) {
      const bad = Array.from(vector).findIndex((v) => !Number.isFinite(v));
      throw new RangeError(
        bad >= 0
          ? `FlatCosineIndex: ${what === "add" ? "vector" : "query vector"} component ${bad} is ${vector[bad]}`
          : `FlatCosineIndex: ${what === "add" ? "vector" : "query vector"} is too large to normalise`,
      );
    }
    const row = new Float32Array(this.stride);
    if (sumSquares > 0) {
      const scale = 1 / Math.sqrt(sumSquares);
      for (let i = 0; i < this.dims; i++) row[i] = (vector[i] as number) * scale;
    }
    return row;
  }
}
