import type { PostingArrays } from "./rank-query.js";

/** A query term with its posting list's range and its bound (count x the term's largest impact). */
export interface QueryTerm {
  readonly term: number;
  readonly count: number;
  readonly start: number;
  readonly end: number;
  readonly bound: number;
}

/**
 * The query's terms in the order every ranker sums a document's score: shortest posting list first,
 * termId on ties. One order everywhere is what makes their floats, and so their ties, identical.
 */
export function termsInSumOrder(ix: PostingArrays, queryCounts: ReadonlyMap<number, number>): QueryTerm[] {
  const { offsets, maxImpacts } = ix;
  const terms = [...queryCounts].map(([term, count]) => ({
    term,
    count,
    start: offsets[term] as number,
    end: offsets[term + 1] as number,
    bound: count * (maxImpacts[term] as number),
  }));
  return terms.sort((a, b) => a.end - a.start - (b.end - b.start) || a.term - b.term);
}
