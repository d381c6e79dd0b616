export * from "./bm25/index.js";
export { type CorpusFile, type ReadCorpusOptions, readJsonlCorpus } from "./corpus/jsonl-corpus.js";
