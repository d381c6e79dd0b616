export * from "./bm25/index.js";
export { Corpus, type CorpusSource, corpusIdentity } from "./corpus/corpus.js";
export { type CorpusFile, type ReadCorpusOptions, readJsonlCorpus } from "./corpus/jsonl-corpus.js";
export { type CreateRetrieverOptions, createRetriever } from "./create-retriever.js";
export { Bm25Retriever, type Bm25RetrieverOptions } from "./retrievers/bm25-retriever.js";
