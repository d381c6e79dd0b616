import type { Transferable } from "node:worker_threads";
import { JobPool } from "../threads/job-pool.js";
import type { CompactBm25Index } from "./compact-index.js";
import { type Bm25Hit, normalizeK } from "./engine.js";
import type { RankBatch, RankReply, RankWorkerData } from "./rank-protocol.js";
import { startWorker } from "./start-worker.js";

// The most queries one thread gets at once: enough to pay for a message, few enough to share work.
const MAX_BATCH = 32;

interface Query {
  readonly counts: ReadonlyMap<number, number>;
  readonly limit: number;
  readonly resolve: (hits: Bm25Hit[]) => void;
  readonly reject: (error: Error) => void;
}

/**
 * Ranks a CompactBm25Index's queries on `size` worker threads. The index arrays are
 * SharedArrayBuffers, so the threads read the one copy; each holds only its per-query scratch
 * (16 bytes per document). Queries are analysed here (the dictionary stays on this thread) and
 * ranked there by the same code (rankTerms), so the hits equal the index's own search exactly.
 */
export class Bm25RankPool extends JobPool<Query, RankReply> {
  private nextId = 0;
  private scheduled = false;

  constructor(
    private readonly index: CompactBm25Index,
    size: number,
  ) {
    const data: RankWorkerData = { postings: index.postingArrays, lunr: index.params.scoring === "lunr" };
    super(
      Array.from({ length: Math.max(1, Math.floor(size)) }, () => startWorker("rank-worker", data)),
      "BM25 ranking",
    );
  }

  /**
   * The index's search(query, k) on a worker thread. With `only`, every other document is excluded:
   * that one score is a few probes, taken here (CompactBm25Index.scoreCounts).
   */
  search(query: string, k: number, only?: number): Promise<Bm25Hit[]> {
    const limit = Math.min(normalizeK(k), this.index.size);
    if (limit === 0) return Promise.resolve([]);
    const counts = this.index.queryCounts(this.index.analyzer.analyze(query));
    if (counts.size === 0) return Promise.resolve([]);
    if (this.failed) return Promise.reject(this.failed);
    if (only !== undefined) {
      const score = this.index.scoreCounts(counts, only);
      return Promise.resolve(score === undefined ? [] : [{ docId: only, score }]);
    }
    return new Promise((resolve, reject) => {
      this.enqueue({ counts, limit, resolve, reject });
      // Queries asked for in the same tick go out together.
      if (!this.scheduled) {
        this.scheduled = true;
        queueMicrotask(() => {
          this.scheduled = false;
          this.dispatch();
        });
      }
    });
  }

  protected batchSize(waiting: number, idle: number): number {
    return Math.min(MAX_BATCH, Math.ceil(waiting / idle));
  }

  protected encode(queries: Query[]): { message: RankBatch; transfer: Transferable[] } {
    let pairs = 0;
    for (const query of queries) pairs += query.counts.size;
    const terms = new Int32Array(pairs * 2);
    let at = 0;
    for (const query of queries) {
      for (const [term, count] of query.counts) {
        terms[at++] = term;
        terms[at++] = count;
      }
    }
    const message = {
      id: this.nextId++,
      queries: queries.map((q) => ({ terms: q.counts.size, limit: q.limit })),
      terms,
    };
    return { message, transfer: [terms.buffer] };
  }

  protected deliver(queries: Query[], reply: RankReply): void {
    let at = 0;
    for (const [i, query] of queries.entries()) {
      const n = reply.counts[i] ?? 0;
      const hits: Bm25Hit[] = [];
      for (let h = 0; h < n; h++, at += 2) {
        hits.push({ docId: reply.hits[at] as number, score: reply.hits[at + 1] as number });
      }
      query.resolve(hits);
    }
  }
}
