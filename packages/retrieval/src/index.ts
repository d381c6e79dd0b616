export * from "./bm25/index.js";
export { Corpus, type CorpusSource, corpusIdentity } from "./corpus/corpus.js";
export type { CorpusTexts } from "./corpus/corpus-texts.js";
export { type CorpusFile, type ReadCorpusOptions, readJsonlCorpus } from "./corpus/jsonl-corpus.js";
export { JsonlFileTexts } from "./corpus/jsonl-file-texts.js";
export { type ScannedCorpus, scanJsonlCorpus } from "./corpus/scan-jsonl-corpus.js";
export { type CorpusLoader, sharedCorpusLoader } from "./corpus/shared-corpus.js";
export { type CreateRetrieverOptions, createRetriever } from "./create-retriever.js";
export {
  type DenseHit,
  type DenseSearchManyOptions,
  type DenseSearchOptions,
  FlatCosineIndex,
  type FlatCosineIndexOptions,
  MAX_DIMS,
  type SharedFlatIndex,
} from "./dense/flat-index.js";
export { DenseSearchPool } from "./dense/search-pool.js";
export {
  DEFAULT_RRF_K,
  type FusedHit,
  type FusionOptions,
  type Ranking,
  reciprocalRankFusion,
} from "./hybrid/reciprocal-rank-fusion.js";
export { register } from "./register.js";
export type { RetrieverConfig, RetrieverType } from "./retriever-config.js";
export { retrieverKinds } from "./retriever-kinds.js";
export { Bm25Retriever, type Bm25RetrieverOptions } from "./retrievers/bm25-retriever.js";
export { threadsFromEnv } from "./retrievers/default-workers.js";
export { DenseRetriever, type DenseRetrieverOptions } from "./retrievers/dense-retriever.js";
export {
  DEFAULT_HYBRID_DEPTH,
  HybridRetriever,
  type HybridRetrieverOptions,
} from "./retrievers/hybrid-retriever.js";
