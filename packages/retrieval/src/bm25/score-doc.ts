import type { PostingArrays } from "./rank-query.js";
import { seek } from "./seek.js";
import { termsInSumOrder } from "./term-order.js";

/**
 * One document's score for a query (termId -> occurrences), or undefined when it holds none of the
 * query's terms: what the rankers give it with every other document excluded, to the last bit. The
 * terms are summed in the rankers' order (termsInSumOrder), each found by a galloping search, so it
 * costs a few probes per term instead of a whole ranking.
 */
export function scoreDoc(
  ix: PostingArrays,
  lunr: boolean,
  queryCounts: ReadonlyMap<number, number>,
  docId: number,
): number | undefined {
  const { docIds, impacts } = ix;
  let found = false;
  let score = 0;
  for (const t of termsInSumOrder(ix, queryCounts)) {
    const p = seek(docIds, t.start, t.end, docId);
    if (p < t.end && docIds[p] === docId) {
      found = true;
      score += t.count * (impacts[p] as number);
    }
  }
  if (!found) return undefined;
  return lunr ? score / 1000 / queryNorm(queryCounts) : score;
}

/** lunr divides the dot product by the query vector's norm. */
export function queryNorm(queryCounts: ReadonlyMap<number, number>): number {
  let squares = 0;
  for (const count of queryCounts.values()) squares += count * count;
  return Math.sqrt(squares);
}
