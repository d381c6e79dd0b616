import { Corpus, type CorpusSource } from "./corpus.js";

/** Loads a corpus for a retriever. */
export type CorpusLoader = (signal?: AbortSignal) => Promise<Corpus>;

/**
 * One load of `source` shared by every caller (a hybrid's sparse and dense rankings hold the same
 * passages once). A failed load is forgotten, so the next caller tries again.
 */
export function sharedCorpusLoader(source: CorpusSource): CorpusLoader {
  let pending: Promise<Corpus> | undefined;
  return (signal) => {
    pending ??= Corpus.load(source, signal).catch((err: unknown) => {
      pending = undefined;
      throw err;
    });
    return pending;
  };
}
