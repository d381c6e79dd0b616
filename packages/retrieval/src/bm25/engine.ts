/**
 * The contract shared by the BM25 engines (the compact typed-array index and the lunr reference).
 *
 * Ranking contract, identical for every engine: hits are sorted by score descending, then by docId
 * ascending, so ties are deterministic. A hit is any document that contains at least one query term
 * (even if its score rounds to 0 under lunr scoring). Each occurrence of a term in the query counts
 * once: "heart heart valve" weighs `heart` twice, as a Lucene BooleanQuery with two SHOULD clauses
 * does and as lunr's query vector does (it sums the clause boosts of a repeated term).
 */

/** One retrieved document. `docId` is the 0-based insertion order of the document. */
export interface Bm25Hit {
  readonly docId: number;
  readonly score: number;
}

export interface Bm25SearchOptions {
  /**
   * Documents for which this returns true are never returned. It is called lazily, only for
   * documents that could still enter the top k (so it may see documents that end up outside the
   * result), possibly more than once for one document. Keep it pure and cheap.
   */
  readonly exclude?: (docId: number) => boolean;
}

/**
 * How per-(term, document) weights are computed; both use Lucene's idf
 * `ln(1 + (N - df + 0.5) / (df + 0.5))`.
 * - `lucene`: `idf * tf / (tf + k1 * (1 - b + b * len / avgLen))` (Lucene >= 8 BM25Similarity), the
 *   score is the sum over query-term occurrences.
 * - `lunr`: lunr 2.3's weight `idf * (k1 + 1) * tf / (k1 * (1 - b + b * len / avgLen) + tf)` rounded
 *   to 3 decimals, and the score is divided by the Euclidean norm of the query-term counts (over the
 *   terms that exist in the index). The factor (k1 + 1) and the query norm are constant within a
 *   query, so only the rounding can change the ranking against `lucene`.
 */
export type Bm25Scoring = "lucene" | "lunr";

export interface Bm25Params {
  /** Term-frequency saturation; >= 0. */
  readonly k1: number;
  /** Length normalisation in [0, 1]; 0 ignores document length, 1 normalises fully. */
  readonly b: number;
  readonly scoring: Bm25Scoring;
}

/** The Anserini / ReasonIR / DataFlow defaults (gensim `LuceneBM25Model(k1=0.9, b=0.4)`). */
export const DEFAULT_BM25_PARAMS: Bm25Params = Object.freeze({ k1: 0.9, b: 0.4, scoring: "lucene" });

export type Bm25EngineKind = "compact" | "lunr";

export interface Bm25Engine {
  readonly kind: Bm25EngineKind;
  /** Number of indexed documents; docIds are 0 .. size - 1. */
  readonly size: number;
  /** Analyses `query` with the engine's analyzer, then ranks. Never throws on any query text. */
  search(query: string, k: number, options?: Bm25SearchOptions): Bm25Hit[];
  /** Ranks already analysed terms (the output of the engine's analyzer). */
  searchTerms(terms: readonly string[], k: number, options?: Bm25SearchOptions): Bm25Hit[];
}

/** Fills defaults and rejects values lunr would silently clamp, so both engines see the same numbers. */
export function resolveBm25Params(params: Partial<Bm25Params> = {}): Bm25Params {
  const k1 = params.k1 ?? DEFAULT_BM25_PARAMS.k1;
  const b = params.b ?? DEFAULT_BM25_PARAMS.b;
  const scoring = params.scoring ?? DEFAULT_BM25_PARAMS.scoring;
  if (!Number.isFinite(k1) || k1 < 0) throw new RangeError(`BM25 k1 must be a finite number >= 0, got ${k1}`);
  if (!Number.isFinite(b) || b < 0 || b > 1) throw new RangeError(`BM25 b must be in [0, 1], got ${b}`);
  if (scoring !== "lucene" && scoring !== "lunr") {
    throw new RangeError(`BM25 scoring must be "lucene" or "lunr", got ${String(scoring)}`);
  }
  return Object.freeze({ k1, b, scoring });
}

/** k as a usable count: floored, and 0 for anything not positive (NaN included). */
export function normalizeK(k: number): number {
  return k > 0 ? Math.floor(Math.min(k, 2 ** 31 - 1)) : 0;
}
