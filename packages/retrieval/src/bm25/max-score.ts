import type { PostingArrays, RankStats } from "./rank-query.js";
import { seek } from "./seek.js";
import { termsInSumOrder } from "./term-order.js";
import { TopKHeap } from "./top-k-heap.js";

/** One query term's cursor over its posting list. */
interface Cursor {
  readonly count: number;
  readonly end: number;
  /** The most this term adds to one document (count x its largest impact). */
  readonly bound: number;
  /** Position in the exhaustive ranker's summation order (shortest list first, then termId). */
  readonly slot: number;
  p: number;
}

/**
 * Exact top-`limit` by document-at-a-time MaxScore (Turtle & Flood): terms sorted by their bound;
 * once the k-th best score θ exceeds what the lowest-bound terms can add together, those terms are
 * "non-essential": only documents in an essential list are visited, and a non-essential list is
 * probed (galloping) only while the document can still beat θ. Most postings of frequent terms are
 * skipped.
 *
 * The result equals rankQuery's exhaustive ranking exactly, ties included: each surviving document's
 * score is summed in the exhaustive ranker's term order (so the same floats), documents come in
 * docId order (a later one never wins a tie), and pruning keeps a small slack against rounding.
 * Lucene-style impacts only (all > 0); lunr scoring's zero weights go through rankQuery.
 */
export function maxScoreQuery(
  ix: PostingArrays,
  queryCounts: ReadonlyMap<number, number>,
  limit: number,
  exclude: ((docId: number) => boolean) | undefined,
  stats?: RankStats,
): { docId: number; score: number }[] {
  if (stats) stats.queries++;
  const cursors = makeCursors(ix, queryCounts);
  const n = cursors.length;
  // prefix[i]: the most terms 0..i (lowest bounds first) add together.
  const prefix = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    sum += (cursors[i] as Cursor).bound;
    prefix[i] = sum;
  }
  const contrib = new Float64Array(n);
  const present = new Uint8Array(n);
  const heap = new TopKHeap(limit);
  const { docIds, impacts } = ix;
  let threshold = Number.NEGATIVE_INFINITY;
  let essential = 0; // cursors[essential..] are essential
  let pruned = false;
  for (;;) {
    let doc = 0x7fffffff;
    for (let i = essential; i < n; i++) {
      const c = cursors[i] as Cursor;
      if (c.p < c.end && (docIds[c.p] as number) < doc) doc = docIds[c.p] as number;
    }
    if (doc === 0x7fffffff) break;
    let partial = 0;
    for (let i = essential; i < n; i++) {
      const c = cursors[i] as Cursor;
      if (c.p < c.end && docIds[c.p] === doc) {
        const w = c.count * (impacts[c.p] as number);
        contrib[c.slot] = w;
        present[c.slot] = 1;
        partial += w;
        c.p++;
      }
    }
    let alive = true;
    for (let i = essential - 1; i >= 0; i--) {
      if (partial + (prefix[i] as number) + slack(threshold) < threshold) {
        alive = false;
        pruned = true;
        break;
      }
      const c = cursors[i] as Cursor;
      c.p = seek(docIds, c.p, c.end, doc);
      if (c.p < c.end && docIds[c.p] === doc) {
        const w = c.count * (impacts[c.p] as number);
        contrib[c.slot] = w;
        present[c.slot] = 1;
        partial += w;
      }
    }
    let score = 0;
    for (let s = 0; s < n; s++) {
      if (present[s] === 1) {
        score += contrib[s] as number;
        present[s] = 0;
      }
    }
    if (!alive || !heap.admits(score, doc) || exclude?.(doc)) continue;
    heap.push(score, doc);
    if (heap.size === limit) {
      threshold = heap.worstScore;
      while (essential < n && (prefix[essential] as number) + slack(threshold) < threshold) essential++;
    }
  }
  if (pruned && stats) stats.prunedQueries++;
  return heap.drain();
}

/** Cursors sorted by bound ascending, each knowing its slot in the exhaustive summation order. */
function makeCursors(ix: PostingArrays, queryCounts: ReadonlyMap<number, number>): Cursor[] {
  const cursors = termsInSumOrder(ix, queryCounts).map(
    (t, slot): Cursor => ({ count: t.count, end: t.end, bound: t.bound, slot, p: t.start }),
  );
  return cursors.sort((a, b) => a.bound - b.bound || a.slot - b.slot);
}

/** Float sums may differ from the bound's sum in the last bits; never prune on such a difference. */
function slack(threshold: number): number {
  return 1e-9 * Math.max(1, Math.abs(threshold));
}
