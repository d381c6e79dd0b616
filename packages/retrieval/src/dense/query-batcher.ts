import type { DenseHit, FlatCosineIndex } from "./flat-index.js";
import type { DenseSearchPool } from "./search-pool.js";

interface PendingSearch {
  vector: Float32Array;
  k: number;
  exclude: ((docId: number) => boolean) | undefined;
  resolve(hits: DenseHit[]): void;
  reject(err: unknown): void;
}

/**
 * Runs the searches that arrive in one turn of the event loop (concurrent rows whose query
 * embeddings came back together) as one `searchMany`, which reads the vectors once for up to 8
 * queries. Answers are exactly those of `index.search`: the scores do not depend on the grouping.
 * With a pool, the groups are scored on its threads; searches with an `exclude` callback (which
 * cannot cross threads) are scored here.
 */
export class QueryBatcher {
  private pending: PendingSearch[] = [];
  private scheduled = false;

  constructor(
    private readonly index: FlatCosineIndex,
    private readonly pool?: DenseSearchPool,
  ) {}

  search(vector: Float32Array, k: number, exclude?: (docId: number) => boolean): Promise<DenseHit[]> {
    return new Promise((resolve, reject) => {
      this.pending.push({ vector, k, exclude, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.pending.splice(0);
    if (!this.pool) {
      this.runHere(batch);
      return;
    }
    const threaded = batch.filter((s) => s.exclude === undefined);
    if (threaded.length > 0) void this.onThreads(this.pool, threaded);
    if (threaded.length < batch.length) this.runHere(batch.filter((s) => s.exclude !== undefined));
  }

  private runHere(batch: PendingSearch[]): void {
    if (batch.length === 1) {
      this.runOne(batch[0] as PendingSearch);
      return;
    }
    let results: DenseHit[][];
    try {
      // The top max-k of a query, cut to its own k, is its top k: the order is total.
      const k = Math.max(...batch.map((s) => s.k));
      results = this.index.searchMany(
        batch.map((s) => s.vector),
        k,
        { exclude: (docId, q) => batch[q]?.exclude?.(docId) ?? false },
      );
    } catch {
      // A bad vector or a throwing exclude fails only its own search.
      for (const s of batch) this.runOne(s);
      return;
    }
    for (const [i, s] of batch.entries()) s.resolve((results[i] as DenseHit[]).slice(0, s.k));
  }

  private async onThreads(pool: DenseSearchPool, batch: PendingSearch[]): Promise<void> {
    let results: DenseHit[][];
    try {
      results = await pool.searchMany(
        batch.map((s) => s.vector),
        Math.max(...batch.map((s) => s.k)),
      );
    } catch {
      // A bad vector fails only its own search; a closed pool leaves the searches to this thread.
      for (const s of batch) this.runOne(s);
      return;
    }
    for (const [i, s] of batch.entries()) s.resolve((results[i] as DenseHit[]).slice(0, s.k));
  }

  private runOne(s: PendingSearch): void {
    try {
      s.resolve(this.index.search(s.vector, s.k, s.exclude ? { exclude: s.exclude } : {}));
    } catch (err) {
      s.reject(err);
    }
  }
}
