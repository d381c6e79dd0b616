// A ranking thread of a Bm25RankPool (rank-pool.ts): ranks batches of analysed queries over the
// index arrays it was handed (SharedArrayBuffers, so every thread reads the same memory).
import { parentPort, workerData } from "node:worker_threads";
import type { RankBatch, RankReply, RankWorkerData } from "./rank-protocol.js";
import { createRankScratch, type PostingArrays, type RankScratch } from "./rank-query.js";
import { rankTerms } from "./rank-terms.js";

const { postings, lunr } = workerData as RankWorkerData;
let scratch: RankScratch | undefined;
const takeScratch = (): RankScratch => {
  scratch ??= createRankScratch(postings.size);
  if (scratch.dirty) {
    scratch.acc.fill(0);
    scratch.dirty = false;
  }
  return scratch;
};

parentPort?.on("message", (batch: RankBatch) => {
  parentPort?.postMessage(rankBatch(postings, batch));
});

/** Ranks each query of the batch; hits go back flattened as (docId, score) pairs. */
function rankBatch(ix: PostingArrays, batch: RankBatch): RankReply {
  const counts: number[] = [];
  const pairs: number[] = [];
  let at = 0;
  for (const query of batch.queries) {
    const queryCounts = new Map<number, number>();
    for (let i = at; i < at + query.terms * 2; i += 2) {
      queryCounts.set(batch.terms[i] as number, batch.terms[i + 1] as number);
    }
    at += query.terms * 2;
    const hits = rankTerms(ix, lunr, queryCounts, query.limit, undefined, takeScratch);
    counts.push(hits.length);
    for (const hit of hits) pairs.push(hit.docId, hit.score);
  }
  const hits = Float64Array.from(pairs);
  return { id: batch.id, counts, hits };
}
