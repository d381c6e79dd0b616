import { seek } from "./seek.js";
import { termsInSumOrder } from "./term-order.js";
import { TopKHeap } from "./top-k-heap.js";

/** The index arrays a query is ranked against (CSR postings of a CompactBm25Index). */
export interface PostingArrays {
  /** Term t's postings are [offsets[t], offsets[t + 1]). */
  readonly offsets: Uint32Array;
  /** docIds, ascending within each term. */
  readonly docIds: Int32Array;
  readonly impacts: Float32Array;
  /** Largest impact of each term: the most one occurrence of the term in a query can add. */
  readonly maxImpacts: Float32Array;
  /** 1 for terms with a zero impact somewhere (lunr rounding); undefined when there are none. */
  readonly zeroImpactTerms: Uint8Array | undefined;
  /** Number of documents. */
  readonly size: number;
}

/** Per-query working memory; `acc` is all zeros between queries. */
export interface RankScratch {
  readonly acc: Float64Array;
  readonly touched: Int32Array;
  readonly candidates: Int32Array;
  /** True while `acc` may hold values of an unfinished query (an exclude callback threw). */
  dirty: boolean;
}

/** Counters for diagnostics and benchmarks. */
export interface RankStats {
  queries: number;
  /** Queries that skipped at least one posting list thanks to the pruning bound. */
  prunedQueries: number;
}

export function createRankScratch(size: number): RankScratch {
  return {
    acc: new Float64Array(size),
    touched: new Int32Array(size),
    candidates: new Int32Array(size),
    dirty: false,
  };
}

// Touched documents are listed while they are fewer than 1/SPARSE_RATIO of all documents; beyond
// that one branch-free pass per posting plus a scan of all documents is cheaper.
const SPARSE_RATIO = 8;
// Looking candidates up in a posting list pays off once the list is this many times longer.
const GALLOP_RATIO = 4;

/**
 * Exact top-`limit` documents for a bag of query terms (termId -> occurrences in the query), by
 * score descending then docId ascending.
 *
 * Term-at-a-time accumulation with exact MaxScore pruning: terms are taken shortest posting list
 * first. Before a long list, the current k-th best score θ among the documents seen so far (a lower
 * bound of the final k-th score, since scores only grow) is compared with the most the remaining
 * terms can add to any document (the sum of count x max impact). If even that cannot reach θ, no
 * unseen document can enter the top k, so the remaining lists are only probed for the current
 * candidates (galloping search), and candidates that cannot reach θ any more are dropped. The
 * comparison is strict and keeps a small slack for float rounding, so the result is identical to
 * exhaustive scoring, ties included.
 */
export function rankQuery(
  ix: PostingArrays,
  queryCounts: ReadonlyMap<number, number>,
  limit: number,
  exclude: ((docId: number) => boolean) | undefined,
  scratch: RankScratch,
  stats?: RankStats,
): { docId: number; score: number }[] {
  const { docIds, impacts, zeroImpactTerms, size } = ix;
  if (stats) stats.queries++;
  const { acc, touched } = scratch;

  const terms = termsInSumOrder(ix, queryCounts);
  let remaining = 0; // the most the unprocessed terms can add to one document
  for (const t of terms) remaining += t.bound;

  // Touched documents are listed until there would be too many; then `dense` drops the list.
  let dense = false;
  let touchedCount = 0;
  // Zero weights (lunr scoring rounds tiny ones to 0) still make a hit but leave acc at 0.
  let zeros: number[] | undefined;
  let threshold = Number.NEGATIVE_INFINITY;
  let next = 0;
  scratch.dirty = true;

  for (; next < terms.length; next++) {
    const t = terms[next] as (typeof terms)[number];
    const length = t.end - t.start;
    if (!dense && next > 0 && length > touchedCount * GALLOP_RATIO) {
      threshold = kthBestScore(acc, touched, touchedCount, limit, exclude);
      if (remaining + slack(threshold) < threshold) break;
    }
    if (!dense && touchedCount + length > size / SPARSE_RATIO) dense = true;
    if (zeroImpactTerms?.[t.term] === 1) {
      zeros ??= [];
      touchedCount = accumulateWithZeros(
        ix,
        t.start,
        t.end,
        t.count,
        acc,
        dense,
        touched,
        touchedCount,
        zeros,
      );
    } else if (dense) {
      addAll(docIds, impacts, t.start, t.end, t.count, acc);
    } else {
      for (let p = t.start; p < t.end; p++) {
        const doc = docIds[p] as number;
        const a = acc[doc] as number;
        if (a === 0) touched[touchedCount++] = doc;
        acc[doc] = a + t.count * (impacts[p] as number);
      }
    }
    remaining -= t.bound;
  }
  const zeroHits = zeros?.filter((doc) => acc[doc] === 0).sort((x, y) => x - y);

  const heap = new TopKHeap(limit);
  if (next < terms.length) {
    // Pruned: only the candidates that can still reach the threshold matter.
    if (stats) stats.prunedQueries++;
    const { candidates } = scratch;
    let n = 0;
    for (let i = 0; i < touchedCount; i++) {
      const doc = touched[i] as number;
      if ((acc[doc] as number) + remaining + slack(threshold) >= threshold) candidates[n++] = doc;
    }
    candidates.subarray(0, n).sort();
    for (; next < terms.length; next++) {
      const t = terms[next] as (typeof terms)[number];
      addToCandidates(docIds, impacts, t.start, t.end, t.count, acc, candidates, n);
      remaining -= t.bound;
      let kept = 0;
      for (let i = 0; i < n; i++) {
        const doc = candidates[i] as number;
        if ((acc[doc] as number) + remaining + slack(threshold) >= threshold) candidates[kept++] = doc;
      }
      n = kept;
    }
    for (let i = 0; i < n; i++) {
      const doc = candidates[i] as number;
      const score = acc[doc] as number;
      if (heap.admits(score, doc) && !exclude?.(doc)) heap.push(score, doc);
    }
    for (let i = 0; i < touchedCount; i++) acc[touched[i] as number] = 0;
  } else if (dense) {
    scanAll(acc, size, heap, limit, exclude);
  } else {
    for (let i = 0; i < touchedCount; i++) {
      const doc = touched[i] as number;
      const score = acc[doc] as number;
      acc[doc] = 0;
      if (heap.admits(score, doc) && !exclude?.(doc)) heap.push(score, doc);
    }
  }
  scratch.dirty = false;

  if (zeroHits !== undefined) {
    for (let i = 0; i < zeroHits.length; i++) {
      const doc = zeroHits[i] as number;
      if (doc !== zeroHits[i - 1] && heap.admits(0, doc) && !exclude?.(doc)) heap.push(0, doc);
    }
  }
  return heap.drain();
}

/**
 * The hot loop: adds one term's impacts for every document in its list, with no branch (and no
 * multiply for the usual single occurrence). Small functions like this one optimise best.
 */
function addAll(
  docIds: Int32Array,
  impacts: Float32Array,
  start: number,
  end: number,
  count: number,
  acc: Float64Array,
): void {
  if (count === 1) {
    for (let p = start; p < end; p++) {
      const doc = docIds[p] as number;
      acc[doc] = (acc[doc] as number) + (impacts[p] as number);
    }
  } else {
    for (let p = start; p < end; p++) {
      const doc = docIds[p] as number;
      acc[doc] = (acc[doc] as number) + count * (impacts[p] as number);
    }
  }
}

/** Offers every document with a positive score to the heap, then clears the accumulator. */
function scanAll(
  acc: Float64Array,
  size: number,
  heap: TopKHeap,
  limit: number,
  exclude: ((docId: number) => boolean) | undefined,
): void {
  // Documents come in ascending order, so a later one never wins a tie: it must beat the worst
  // kept score strictly. That single, mostly-false comparison keeps the scan fast.
  let worst = 0;
  for (let doc = 0; doc < size; doc++) {
    const score = acc[doc] as number;
    if (score > worst && !exclude?.(doc)) {
      heap.push(score, doc);
      if (heap.size === limit) worst = heap.worstScore;
    }
  }
  // One memset is cheaper than a store per document in the loop above.
  acc.fill(0);
}

/** Float sums may differ from the bound's sum in the last bits; never prune on such a difference. */
function slack(threshold: number): number {
  return 1e-9 * Math.max(1, Math.abs(threshold));
}

/** The `limit`-th best current score among non-excluded touched documents, or -Infinity. */
function kthBestScore(
  acc: Float64Array,
  touched: Int32Array,
  touchedCount: number,
  limit: number,
  exclude: ((docId: number) => boolean) | undefined,
): number {
  const heap = new TopKHeap(limit);
  for (let i = 0; i < touchedCount; i++) {
    const doc = touched[i] as number;
    const score = acc[doc] as number;
    if (heap.admits(score, doc) && !exclude?.(doc)) heap.push(score, doc);
  }
  return heap.size === limit ? heap.worstScore : Number.NEGATIVE_INFINITY;
}

/** Adds one term's impacts to the sorted candidates that contain it, galloping through its list. */
function addToCandidates(
  docIds: Int32Array,
  impacts: Float32Array,
  start: number,
  end: number,
  count: number,
  acc: Float64Array,
  candidates: Int32Array,
  n: number,
): void {
  let p = start;
  for (let i = 0; i < n && p < end; i++) {
    const doc = candidates[i] as number;
    if ((docIds[p] as number) < doc) {
      p = seek(docIds, p, end, doc);
      if (p >= end) break;
    }
    if ((docIds[p] as number) === doc) {
      acc[doc] = (acc[doc] as number) + count * (impacts[p] as number);
      p++;
    }
  }
}

/** The accumulation loop for a term with some zero weights (lunr scoring only). */
function accumulateWithZeros(
  ix: PostingArrays,
  start: number,
  end: number,
  count: number,
  acc: Float64Array,
  dense: boolean,
  touched: Int32Array,
  touchedCount: number,
  zeros: number[],
): number {
  const { docIds, impacts } = ix;
  let n = touchedCount;
  for (let p = start; p < end; p++) {
    const doc = docIds[p] as number;
    const w = count * (impacts[p] as number);
    if (w === 0) {
      zeros.push(doc);
      continue;
    }
    const a = acc[doc] as number;
    if (!dense && a === 0) touched[n++] = doc;
    acc[doc] = a + w;
  }
  return n;
}
