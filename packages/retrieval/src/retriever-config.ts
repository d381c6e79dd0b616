/** The retriever types this package registers. */
export type RetrieverType = "bm25" | "dense" | "hybrid";

/**
 * A pipeline's `retrievers.<name>` block for one of this package's types (corpus path absolute
 * after compiling). Options a type does not take are absent from its compiled block.
 */
export interface RetrieverConfig {
  type: RetrieverType;
  /** JSONL (or .jsonl.gz) corpus of passages. */
  corpus: string;
  textField: string;
  idField: string;
  /** The serving that embeds passages and queries (dense, hybrid). */
  serving?: string;
  /** BM25 settings (bm25, hybrid). */
  bm25?: { k1?: number; b?: number };
  /** Reciprocal rank fusion constant (hybrid). */
  rrfK?: number;
  /** Candidates taken from each ranking before fusing (hybrid); at least the k asked for. */
  depth?: number;
  /** Weight of each ranking in the fusion (hybrid). */
  weights?: { bm25?: number; dense?: number };
}
