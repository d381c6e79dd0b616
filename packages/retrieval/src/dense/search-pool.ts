import type { Worker } from "node:worker_threads";
import { startWorker } from "../bm25/start-worker.js";
import { type DenseHit, FlatCosineIndex } from "./flat-index.js";
import type { SearchReply, SearchRequest } from "./search-protocol.js";
import { MAX_QUERY_GROUP } from "./wasm-dot-kernel.js";

interface Job {
  readonly vectors: readonly Float32Array[];
  readonly k: number;
  readonly resolve: (hits: DenseHit[][]) => void;
  readonly reject: (error: Error) => void;
}

interface Searcher {
  readonly worker: Worker;
  job: { id: number; job: Job } | undefined;
}

/**
 * Answers a FlatCosineIndex's searches on `size` worker threads. The vectors live in shared memory,
 * so the threads read the one copy; each scores through a query area of its own. A query group (up
 * to 8 queries, one pass over the vectors) goes to one idle thread, so as many groups as threads are
 * scored at once. Threads run the index's own searchMany: the hits are exactly the index's.
 * The index must not grow once the pool exists. Idle threads do not keep the process alive.
 */
export class DenseSearchPool {
  private readonly searchers: Searcher[];
  private readonly queue: Job[] = [];
  private nextId = 0;
  private failure: Error | undefined;

  constructor(
    private readonly index: FlatCosineIndex,
    size: number,
  ) {
    const threads = Math.max(1, Math.min(Math.floor(size), FlatCosineIndex.threadSlots));
    const shared = index.share();
    this.searchers = Array.from({ length: threads }, (_, i) =>
      // startWorker resolves names beside itself, in bm25/.
      this.spawn(startWorker("../dense/search-worker", { index: shared, slot: i + 1 })),
    );
  }

  get size(): number {
    return this.searchers.length;
  }

  /** searchMany on the threads; a group that fails (a bad vector) fails its searches' promise. */
  searchMany(vectors: readonly Float32Array[], k: number): Promise<DenseHit[][]> {
    if (this.failure) return Promise.reject(this.failure);
    const groups: Promise<DenseHit[][]>[] = [];
    for (let first = 0; first < vectors.length; first += MAX_QUERY_GROUP) {
      const group = vectors.slice(first, first + MAX_QUERY_GROUP);
      groups.push(new Promise((resolve, reject) => this.queue.push({ vectors: group, k, resolve, reject })));
    }
    this.dispatch();
    return Promise.all(groups).then((results) => results.flat());
  }

  async close(): Promise<void> {
    this.fail(new Error("dense search threads closed"));
    await Promise.all(this.searchers.map((s) => s.worker.terminate()));
  }

  private dispatch(): void {
    for (const searcher of this.searchers) {
      const job = searcher.job === undefined ? this.queue.shift() : undefined;
      if (job) this.send(searcher, job);
    }
  }

  private send(searcher: Searcher, job: Job): void {
    const dims = this.index.dims;
    const bad = job.vectors.find((v) => v.length !== dims);
    if (bad) {
      job.reject(new RangeError(`a query vector has ${bad.length} dimensions but the index holds ${dims}`));
      this.dispatch();
      return;
    }
    const vectors = new Float32Array(job.vectors.length * dims);
    job.vectors.forEach((v, i) => {
      vectors.set(v, i * dims);
    });
    const request: SearchRequest = { id: this.nextId++, k: job.k, n: job.vectors.length, vectors };
    searcher.job = { id: request.id, job };
    searcher.worker.ref();
    searcher.worker.postMessage(request, [vectors.buffer]);
  }

  private receive(searcher: Searcher, reply: SearchReply): void {
    const job = searcher.job?.job;
    searcher.job = undefined;
    searcher.worker.unref();
    if (job) {
      if ("error" in reply) job.reject(new Error(reply.error));
      else job.resolve(unpack(reply.counts, reply.hits));
    }
    this.dispatch();
  }

  private spawn(worker: Worker): Searcher {
    const searcher: Searcher = { worker, job: undefined };
    worker.unref();
    worker.on("message", (reply: SearchReply) => this.receive(searcher, reply));
    worker.on("error", (err) => this.fail(err));
    worker.on("exit", (code) => {
      if (code !== 0 || searcher.job) this.fail(new Error(`a dense search thread exited with code ${code}`));
    });
    return searcher;
  }

  /** A thread failed (or the pool closed): every search waiting or in flight fails with it. */
  private fail(error: Error): void {
    this.failure ??= error;
    const waiting = this.queue.splice(0);
    for (const searcher of this.searchers) {
      if (searcher.job) waiting.push(searcher.job.job);
      searcher.job = undefined;
    }
    for (const job of waiting) job.reject(this.failure);
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
