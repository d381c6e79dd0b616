import type { Bm25Hit } from "./engine.js";
import { maxScoreQuery } from "./max-score.js";
import { type PostingArrays, type RankScratch, type RankStats, rankQuery } from "./rank-query.js";

/**
 * The top `limit` documents for `queryCounts` (termId -> occurrences in the query), the way a
 * CompactBm25Index ranks on whichever thread runs it: the same arrays give the same hits.
 *
 * Queries whose lists cover more than half the corpus go document-at-a-time MaxScore, which skips
 * most of those postings; shorter ones are cheaper term-at-a-time (measured on 100k real passages:
 * MaxScore alone was slower there at k 8-19). lunr scoring (zero weights) stays TAAT.
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
  if (!lunr && !ix.zeroImpactTerms && postingsOf(ix, queryCounts) * 2 > ix.size) {
    return maxScoreQuery(ix, queryCounts, limit, exclude, stats);
  }
  const hits = rankQuery(ix, queryCounts, limit, exclude, scratch(), stats);
  if (lunr) {
    // lunr divides the dot product by the query vector's norm; weights are in thousandths here.
    let squares = 0;
    for (const count of queryCounts.values()) squares += count * count;
    const norm = Math.sqrt(squares);
    for (const hit of hits) hit.score = hit.score / 1000 / norm;
  }
  return hits;
}

function postingsOf(ix: PostingArrays, queryCounts: ReadonlyMap<number, number>): number {
  const { offsets } = ix;
  let total = 0;
  for (const t of queryCounts.keys()) total += (offsets[t + 1] as number) - (offsets[t] as number);
  return total;
}
