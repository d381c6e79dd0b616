import type { Bm25Hit } from "./engine.js";
import { maxScoreQuery } from "./max-score.js";
import { queryNorm } from "./score-doc.js";
import { type PostingArrays, type RankScratch, type RankStats, rankQuery } from "./rank-query.js";

/**
 * The top `limit` documents for `queryCounts` (termId -> occurrences in the query), the way a
 * CompactBm25Index ranks on whichever thread runs it: the same arrays give the same hits.
 *
 * Term-at-a-time accumulation is cheapest while the per-document accumulator stays in a core's cache;
 * document-at-a-time MaxScore skips most postings of frequent terms but pays more per posting it
 * reads. Measured (k 7, 12-word questions): on 100k real passages TAAT won at every query length
 * (0.25 vs 0.35 ms where the lists cover half the corpus); on 1M synthetic passages (an 8 MB
 * accumulator) MaxScore won from about an eighth of the corpus on (1.0 vs 1.6 ms at a quarter to a
 * half). lunr scoring (zero weights) stays TAAT.
 */
export function rankTerms(
  ix: PostingArrays,
  lunr: boolean,
  queryCounts: ReadonlyMap<number, number>,
  limit: number,
  exclude: ((docId: number) => boolean) | undefined,
  scratch: () => RankScratch,
  stats?: RankStats,
): Bm25Hit[] {
  if (!lunr && !ix.zeroImpactTerms && documentAtATime(ix, queryCounts)) {
    return maxScoreQuery(ix, queryCounts, limit, exclude, stats);
  }
  const hits = rankQuery(ix, queryCounts, limit, exclude, scratch(), stats);
  if (lunr) {
    // Weights are in thousandths here.
    const norm = queryNorm(queryCounts);
    for (const hit of hits) hit.score = hit.score / 1000 / norm;
  }
  return hits;
}

// Documents whose accumulator (8 bytes each) fits a core's 2 MiB L2 cache.
const CACHED_DOCS = 1 << 18;

/** Beyond the cache, MaxScore once a query's lists cover an eighth of the documents. */
function documentAtATime(ix: PostingArrays, queryCounts: ReadonlyMap<number, number>): boolean {
  return ix.size > CACHED_DOCS && postingsOf(ix, queryCounts) * 8 > ix.size;
}

function postingsOf(ix: PostingArrays, queryCounts: ReadonlyMap<number, number>): number {
  const { offsets } = ix;
  let total = 0;
  for (const t of queryCounts.keys()) total += (offsets[t + 1] as number) - (offsets[t] as number);
  return total;
}
