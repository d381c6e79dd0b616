import type { Transferable } from "node:worker_threads";
import { startWorker } from "../bm25/start-worker.js";
import { JobPool } from "../threads/job-pool.js";
import { type DenseHit, FlatCosineIndex } from "./flat-index.js";
import type { SearchReply, SearchRequest } from "./search-protocol.js";
import { MAX_QUERY_GROUP } from "./wasm-dot-kernel.js";

interface Group {
  readonly vectors: readonly Float32Array[];
  readonly k: number;
  readonly resolve: (hits: DenseHit[][]) => void;
  readonly reject: (error: Error) => void;
}

/**
 * Answers a FlatCosineIndex's searches on `size` worker threads. The vectors live in shared memory,
 * so the threads read the one copy; each scores through a query area of its own. A query group (up
 * to 8 queries, one pass over the vectors) goes to one idle thread, so as many groups as threads are
 * scored at once. Threads run the index's own searchMany: the hits are exactly the index's.
 * The index must not grow once the pool exists.
 */
export class DenseSearchPool extends JobPool<Group, SearchReply> {
  private nextId = 0;

  constructor(
    private readonly index: FlatCosineIndex,
    size: number,
  ) {
    const threads = Math.max(1, Math.min(Math.floor(size), FlatCosineIndex.threadSlots));
    const shared = index.share();
    super(
      // startWorker resolves names beside itself, in bm25/.
      Array.from({ length: threads }, (_, i) =>
        startWorker("../dense/search-worker", { index: shared, slot: i + 1 }),
      ),
      "dense search",
    );
  }

  /** searchMany on the threads; a vector of the wrong length fails the whole call. */
  searchMany(vectors: readonly Float32Array[], k: number): Promise<DenseHit[][]> {
    const dims = this.index.dims;
    const bad = vectors.find((v) => v.length !== dims);
    if (bad) {
      return Promise.reject(
        new RangeError(`a query vector has ${bad.length} dimensions but the index holds ${dims}`),
      );
    }
    const groups: Promise<DenseHit[][]>[] = [];
    for (let first = 0; first < vectors.length; first += MAX_QUERY_GROUP) {
      const group = vectors.slice(first, first + MAX_QUERY_GROUP);
      groups.push(new Promise((resolve, reject) => this.enqueue({ vectors: group, k, resolve, reject })));
    }
    this.dispatch();
    return Promise.all(groups).then((results) => results.flat());
  }

  protected batchSize(): number {
    return 1;
  }

  protected encode([group]: Group[]): { message: SearchRequest; transfer: Transferable[] } {
    const { vectors, k } = group as Group;
    const dims = this.index.dims;
    const flat = new Float32Array(vectors.length * dims);
    vectors.forEach((v, i) => {
      flat.set(v, i * dims);
    });
    return { message: { id: this.nextId++, k, n: vectors.length, vectors: flat }, transfer: [flat.buffer] };
  }

  protected deliver([group]: Group[], reply: SearchReply): void {
    if (!group) return;
    if ("error" in reply) group.reject(new Error(reply.error));
    else group.resolve(unpack(reply.counts, reply.hits));
  }
}

function unpack(counts: readonly number[], hits: Float64Array): DenseHit[][] {
  let at = 0;
  return counts.map((n) => {
    const out: DenseHit[] = [];
    for (let h = 0; h < n; h++, at += 2)
      out.push({ docId: hits[at] as number, score: hits[at + 1] as number });
    return out;
  });
}
