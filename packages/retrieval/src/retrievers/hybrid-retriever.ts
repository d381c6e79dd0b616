import type { LLMServingABC, Logger, RetrievedPassage, RetrieveOptions, RetrieverABC } from "@dataflow/core";
import { type Bm25EngineKind, normalizeK } from "../bm25/engine.js";
import type { CorpusSource } from "../corpus/corpus.js";
import { type CorpusLoader, sharedCorpusLoader } from "../corpus/shared-corpus.js";
import { DEFAULT_RRF_K, type Ranking, reciprocalRankFusion } from "../hybrid/reciprocal-rank-fusion.js";
import { Bm25Retriever } from "./bm25-retriever.js";
import { CorpusRetriever } from "./corpus-retriever.js";
import { DenseRetriever } from "./dense-retriever.js";
export interface HybridRetrieverOptions {
  name: string;
  corpus: CorpusSource;
  /** Embeds passages and queries for the dense ranking. */
  serving: LLMServingABC;
  k1?: number;
  b?: number;
  engine?: Bm25EngineKind;
  /** Reciprocal rank fusion constant; 60 by default. */
  rrfK?: number;
  /** Candidates taken from each ranking, at least the k asked for; 50 by default. */
  depth?: number;
  /** Weight of each ranking in the fusion; 1 each by default. A weight of 0 skips that ranking. */
  weights?: { bm25?: number; dense?: number };
  embedBatchSize?: number;
  logger?: Logger;
  /** Ranking threads of each ranking (default: $DATAFLOW_RETRIEVER_WORKERS, else every core from 1000 passages). */
  workers?: number;
}

export const DEFAULT_HYBRID_DEPTH = 50;

/**
 * BM25 and dense retrieval over one corpus, fused by weighted reciprocal rank fusion. Each hit
 * carries its 1-based rank in each ranking that found it (`ranks.bm25`, `ranks.dense`), and
 * `views()` gives the two rankings on their own, so one index serves a mix of retrievers.
 */
export class HybridRetriever extends CorpusRetriever {
  readonly name: string;
  readonly kind = "hybrid";
  readonly bm25: Bm25Retriever;
  readonly dense: DenseRetriever;
  private readonly rrfK: number;
  private readonly depth: number;
  private readonly weights: { bm25: number; dense: number };
  private readonly loadCorpus: CorpusLoader;

  constructor(options: HybridRetrieverOptions) {
    super();
    const { name } = options;
    this.name = name;
    this.rrfK = options.rrfK ?? DEFAULT_RRF_K;
    this.depth = options.depth ?? DEFAULT_HYBRID_DEPTH;
    this.weights = { bm25: options.weights?.bm25 ?? 1, dense: options.weights?.dense ?? 1 };
    if (!Number.isFinite(this.rrfK) || this.rrfK < 0) {
      throw new RangeError(`retriever "${name}": rrfK must be a finite number ≥ 0, got ${this.rrfK}`);
    }
    if (!Number.isInteger(this.depth) || this.depth < 1) {
      throw new RangeError(`retriever "${name}": depth must be a whole number ≥ 1, got ${this.depth}`);
    }
    for (const [ranking, w] of Object.entries(this.weights)) {
      if (!Number.isFinite(w) || w < 0) {
        throw new RangeError(`retriever "${name}": weights.${ranking} must be a finite number ≥ 0, got ${w}`);
      }
    }
    if (this.weights.bm25 === 0 && this.weights.dense === 0) {
      throw new RangeError(
        `retriever "${name}": weights.bm25 and weights.dense are both 0; give one a weight`,
      );
    }
    this.loadCorpus = sharedCorpusLoader(options.corpus);
    const shared = {
      corpus: options.corpus,
      loadCorpus: this.loadCorpus,
      ...(options.logger ? { logger: options.logger } : {}),
      ...(options.workers !== undefined ? { workers: options.workers } : {}),
    };
    this.bm25 = new Bm25Retriever({
      ...shared,
      name: `${name}.bm25`,
      ...(options.k1 !== undefined ? { k1: options.k1 } : {}),
      ...(options.b !== undefined ? { b: options.b } : {}),
      ...(options.engine !== undefined ? { engine: options.engine } : {}),
    });
    this.dense = new DenseRetriever({
      ...shared,
      name: `${name}.dense`,
      serving: options.serving,
      ...(options.embedBatchSize !== undefined ? { embedBatchSize: options.embedBatchSize } : {}),
    });
  }

  /** Opens the rankings that have weight (a zero-weight one opens when its view is searched). */
  async open(options?: { signal?: AbortSignal; tag?: string }): Promise<void> {
    await Promise.all([
      this.weights.bm25 > 0 ? this.bm25.open(options) : undefined,
      this.weights.dense > 0 ? this.dense.open(options) : undefined,
    ]);
    this.corpus = await this.loadCorpus(options?.signal);
  }

  async search(query: string, k: number, options: RetrieveOptions = {}): Promise<RetrievedPassage[]> {
    await this.open(options);
    const limit = Math.min(normalizeK(k), this.corpus.size);
    if (limit === 0) return [];
    const depth = Math.max(this.depth, limit);
    const [sparse, dense] = await Promise.all([
      this.weights.bm25 > 0 ? this.bm25.search(query, depth, options) : [],
      this.weights.dense > 0 ? this.dense.search(query, depth, options) : [],
    ]);
    const rankings: Ranking[] = [
      { name: "bm25", docIds: sparse.map((h) => h.docId), weight: this.weights.bm25 },
      { name: "dense", docIds: dense.map((h) => h.docId), weight: this.weights.dense },
    ];
    return reciprocalRankFusion(rankings, { limit, rrfK: this.rrfK, depth }).map((h) => ({
      ...this.toPassage(h),
      ranks: h.ranks,
    }));
  }

  override views(): Readonly<Record<string, RetrieverABC>> {
    return { bm25: this.bm25, dense: this.dense, hybrid: this };
  }

  fingerprint(): Record<string, unknown> {
    return {
      kind: this.kind,
      bm25: this.bm25.fingerprint(),
      dense: this.dense.fingerprint(),
      rrfK: this.rrfK,
      depth: this.depth,
      weights: { ...this.weights },
    };
  }

  override async close(): Promise<void> {
    await Promise.all([this.bm25.close(), this.dense.close()]);
  }
}
