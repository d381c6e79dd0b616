import type { PostingArrays } from "./rank-query.js";

/** What a ranking thread starts with: the index arrays (on SharedArrayBuffers) and the scoring. */
export interface RankWorkerData {
  readonly postings: PostingArrays;
  readonly lunr: boolean;
}

/** One query of a batch: its distinct terms' count and its k. */
export interface RankQuery {
  readonly terms: number;
  readonly limit: number;
}

/** Queries sent to a ranking thread at once; `terms` holds (termId, count) pairs, query after query. */
export interface RankBatch {
  readonly id: number;
  readonly queries: readonly RankQuery[];
  readonly terms: Int32Array;
}

/** A batch's hits: `counts[i]` (docId, score) pairs for query i, one after the other in `hits`. */
export interface RankReply {
  readonly id: number;
  readonly counts: readonly number[];
  readonly hits: Float64Array;
}
