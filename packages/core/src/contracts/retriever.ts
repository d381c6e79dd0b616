/** One passage a retriever found for a query. */
export interface RetrievedPassage {
  /** 0-based position of the passage in the retriever's corpus. */
  readonly docId: number;
  /** The passage's id in the corpus file. */
  readonly id: string;
  readonly text: string;
  /** Higher is better; comparable only within one retriever's results for one query. */
  readonly score: number;
  /** 1-based rank of the passage in each underlying ranking (a fusion's inputs), by retriever kind. */
  readonly ranks?: Readonly<Record<string, number>>;
}

export interface RetrieveOptions {
  signal?: AbortSignal;
  /** Passages for which this returns true are never returned (the positive, its overlapping neighbours). */
  exclude?: (docId: number) => boolean;
  /** Who asked (a step id), for the usage of query embeddings. */
  tag?: string;
}

/**
 * The retriever contract: a named index over a corpus of passages. Implementations (BM25, dense,
 * hybrid) live in @dataflow/retrieval; pipelines declare them under `retrievers:` and steps name one.
 */
export abstract class RetrieverABC {
  /** The retriever's name in the pipeline (`retrievers.<name>`). */
  abstract readonly name: string;
  /** `bm25`, `dense`, `hybrid`, or a plugin's own kind. */
  abstract readonly kind: string;

  /**
   * Loads the corpus and builds the index (embedding the corpus for dense retrieval). Idempotent:
   * concurrent and later calls share the first build. `search` opens on demand.
   */
  abstract open(options?: { signal?: AbortSignal; tag?: string }): Promise<void>;

  /** Passages in the corpus; valid after `open`. */
  abstract readonly size: number;

  /** The best `k` passages for `query`, best first; ties are broken by docId. */
  abstract search(query: string, k: number, options?: RetrieveOptions): Promise<RetrievedPassage[]>;

  /** A passage by docId (0 ≤ docId < size), after `open`. */
  abstract passage(docId: number): { id: string; text: string } | undefined;

  /** The docId of the first passage with this corpus id, after `open`. */
  abstract docIdOf(id: string): number | undefined;

  /**
   * The rankings this retriever can give, by kind: itself, and for a fusion the retrievers it
   * fuses (a hybrid gives `bm25`, `dense` and `hybrid`), so one index can serve a mix of retrievers.
   */
  views(): Readonly<Record<string, RetrieverABC>> {
    return { [this.kind]: this };
  }

  /** What identifies this retriever's results for step fingerprints (kind, corpus file identity, params, embedding model). */
  abstract fingerprint(): Record<string, unknown>;

  async close(): Promise<void> {}
}
