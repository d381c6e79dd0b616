import { shared } from "./shared-array.js";

export interface PostingStats {
  /** Largest impact of each term: the most one occurrence of it in a query can add. */
  readonly maxImpacts: Float32Array;
  /** 1 for terms with a zero impact somewhere (lunr rounding); undefined when there are none. */
  readonly zeroImpactTerms: Uint8Array | undefined;
}

/** One pass over the impacts: per term, the bounds pruning needs. */
export function postingStats(offsets: Uint32Array, impacts: Float32Array): PostingStats {
  const terms = Math.max(offsets.length - 1, 0);
  const maxImpacts = shared(Float32Array, terms);
  let zeroImpactTerms: Uint8Array | undefined;
  for (let t = 0; t < terms; t++) {
    const end = offsets[t + 1] as number;
    let max = 0;
    for (let p = offsets[t] as number; p < end; p++) {
      const w = impacts[p] as number;
      if (w > max) max = w;
      else if (w === 0) {
        zeroImpactTerms ??= shared(Uint8Array, terms);
        zeroImpactTerms[t] = 1;
      }
    }
    maxImpacts[t] = max;
  }
  return { maxImpacts, zeroImpactTerms };
}
