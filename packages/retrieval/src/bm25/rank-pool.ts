import type { Worker } from "node:worker_threads";
import type { CompactBm25Index } from "./compact-index.js";
import { type Bm25Hit, normalizeK } from "./engine.js";
import type { RankBatch, RankReply, RankWorkerData } from "./rank-protocol.js";
import { startWorker } from "./start-worker.js";

// The most queries one thread gets at once: enough to pay for a message, few enough to share work.
const MAX_BATCH = 32;

interface Job {
  readonly counts: ReadonlyMap<number, number>;
  readonly limit: number;
  readonly resolve: (hits: Bm25Hit[]) => void;
  readonly reject: (error: Error) => void;
}

interface Ranker {
  readonly worker: Worker;
  batch: { id: number; jobs: Job[] } | undefined;
}

/**
 * Ranks a CompactBm25Index's queries on `size` worker threads. The index arrays are
 * SharedArrayBuffers, so the threads read the one copy; each holds only its per-query scratch
 * (16 bytes per document). Queries are analysed here (the dictionary stays on this thread) and
 * ranked there by the same code (rankTerms), so the hits equal the index's own search exactly.
 * Idle threads do not keep the process alive.
 */
export class Bm25RankPool {
  private readonly rankers: Ranker[];
  private readonly queue: Job[] = [];
  private nextId = 0;
  private scheduled = false;
  private failure: Error | undefined;

  constructor(
    private readonly index: CompactBm25Index,
    size: number,
  ) {
    const data: RankWorkerData = { postings: index.postingArrays, lunr: index.params.scoring === "lunr" };
    this.rankers = Array.from({ length: Math.max(1, Math.floor(size)) }, () => this.spawn(data));
  }

  get size(): number {
    return this.rankers.length;
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
    if (this.failure) return Promise.reject(this.failure);
    if (only !== undefined) {
      const score = this.index.scoreCounts(counts, only);
      return Promise.resolve(score === undefined ? [] : [{ docId: only, score }]);
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ counts, limit, resolve, reject });
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

  async close(): Promise<void> {
    this.fail(new Error("BM25 ranking threads closed"));
    await Promise.all(this.rankers.map((r) => r.worker.terminate()));
  }

  private dispatch(): void {
    const idle = this.rankers.filter((r) => r.batch === undefined);
    for (const [i, ranker] of idle.entries()) {
      if (this.queue.length === 0) return;
      const take = Math.min(MAX_BATCH, Math.ceil(this.queue.length / (idle.length - i)));
      this.send(ranker, this.queue.splice(0, take));
    }
  }

  private send(ranker: Ranker, jobs: Job[]): void {
    let pairs = 0;
    for (const job of jobs) pairs += job.counts.size;
    const terms = new Int32Array(pairs * 2);
    let at = 0;
    for (const job of jobs) {
      for (const [term, count] of job.counts) {
        terms[at++] = term;
        terms[at++] = count;
      }
    }
    const queries = jobs.map((j) => ({ terms: j.counts.size, limit: j.limit }));
    const batch: RankBatch = { id: this.nextId++, queries, terms };
    ranker.batch = { id: batch.id, jobs };
    ranker.worker.ref();
    ranker.worker.postMessage(batch, [terms.buffer]);
  }

  private receive(ranker: Ranker, reply: RankReply): void {
    const jobs = ranker.batch?.jobs ?? [];
    ranker.batch = undefined;
    ranker.worker.unref();
    let at = 0;
    for (const [i, job] of jobs.entries()) {
      const n = reply.counts[i] ?? 0;
      const hits: Bm25Hit[] = [];
      for (let h = 0; h < n; h++, at += 2) {
        hits.push({ docId: reply.hits[at] as number, score: reply.hits[at + 1] as number });
      }
      job.resolve(hits);
    }
    this.dispatch();
  }

  private spawn(data: RankWorkerData): Ranker {
    const worker = startWorker("rank-worker", data);
    const ranker: Ranker = { worker, batch: undefined };
    worker.unref();
    worker.on("message", (reply: RankReply) => this.receive(ranker, reply));
    worker.on("error", (err) => this.fail(err));
    worker.on("exit", (code) => {
      if (code !== 0 || ranker.batch) this.fail(new Error(`a BM25 ranking thread exited with code ${code}`));
    });
    return ranker;
  }

  /** A thread failed (or the pool closed): every query waiting or in flight fails with it. */
  private fail(error: Error): void {
    this.failure ??= error;
    const waiting = this.queue.splice(0);
    for (const ranker of this.rankers) {
      if (ranker.batch) waiting.push(...ranker.batch.jobs);
      ranker.batch = undefined;
    }
    for (const job of waiting) job.reject(this.failure);
  }
}
