import type { SharedFlatIndex } from "./flat-index.js";

/** What a search thread starts with: the shared index and the query area it scores through. */
export interface SearchWorkerData {
  readonly index: SharedFlatIndex;
  readonly slot: number;
}

/** Up to one query group: `n` query vectors of the index's dims, one after another in `vectors`. */
export interface SearchRequest {
  readonly id: number;
  readonly k: number;
  readonly n: number;
  readonly vectors: Float32Array;
}

/** Per query `counts[i]` (docId, score) pairs in `hits`; or why the group failed. */
export type SearchReply =
  | { readonly id: number; readonly counts: readonly number[]; readonly hits: Float64Array }
  | { readonly id: number; readonly error: string };
