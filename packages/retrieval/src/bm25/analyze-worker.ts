// A thread of buildOnThreads (build-on-threads.ts): analyses chunks of documents with the default
// analyzer and sends back each chunk's distinct terms once, and its tokens as indexes into them.
import { parentPort } from "node:worker_threads";
import { defaultAnalyzer } from "./analyzer.js";

export interface AnalyseChunk {
  readonly chunk: number;
  readonly texts: readonly string[];
}

export interface AnalysedChunk {
  readonly chunk: number;
  /** Distinct terms, in order of first appearance. */
  readonly terms: readonly string[];
  /** Every token of every document, as an index into `terms`. */
  readonly ids: Int32Array;
  /** Where each document's tokens end in `ids`. */
  readonly ends: Int32Array;
}

const analyzer = defaultAnalyzer();

parentPort?.on("message", ({ chunk, texts }: AnalyseChunk) => {
  const local = new Map<string, number>();
  const terms: string[] = [];
  let ids = new Int32Array(1 << 16);
  let n = 0;
  const ends = new Int32Array(texts.length);
  const visit = (term: string): void => {
    let id = local.get(term);
    if (id === undefined) {
      id = terms.push(term) - 1;
      local.set(term, id);
    }
    if (n === ids.length) {
      const grown = new Int32Array(ids.length * 2);
      grown.set(ids);
      ids = grown;
    }
    ids[n++] = id;
  };
  texts.forEach((text, d) => {
    analyzer.forEachTerm(text, visit);
    ends[d] = n;
  });
  const reply: AnalysedChunk = { chunk, terms, ids: ids.slice(0, n), ends };
  parentPort?.postMessage(reply, [reply.ids.buffer as ArrayBuffer, ends.buffer]);
});
