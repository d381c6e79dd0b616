/** LSH banding: the signature is cut into `bands` bands of `rows` MinHash values each. */
export interface LshBands {
  bands: number;
  rows: number;
}

/**
 * The smallest chance of becoming a candidate that a pair at exactly the threshold may have.
 * Candidates are verified by exact Jaccard, so a false candidate costs a comparison while a
 * missed pair costs recall: the banding favours recall.
 */
export const MIN_CATCH_AT_THRESHOLD = 0.97;

/** Chance that a pair of Jaccard similarity `s` shares at least one band. */
export function catchProbability(s: number, { bands, rows }: LshBands): number {
  return 1 - (1 - s ** rows) ** bands;
}

/**
 * Bands and rows for `numPerm` hash functions and a Jaccard threshold: the most rows per band
 * (fewest false candidates) with bands = ⌊numPerm / rows⌋ that still catch a pair at the threshold
 * with probability ≥ MIN_CATCH_AT_THRESHOLD. With 128 functions: 0.8 → 18 × 7, 0.9 → 11 × 11,
 * 0.7 → 25 × 5, 0.5 → 42 × 3.
 */
export function lshBands(threshold: number, numPerm: number): LshBands {
  let best: LshBands = { bands: numPerm, rows: 1 };
  for (let rows = 1; rows <= numPerm; rows++) {
    const candidate = { bands: Math.floor(numPerm / rows), rows };
    if (catchProbability(threshold, candidate) >= MIN_CATCH_AT_THRESHOLD) best = candidate;
  }
  return best;
}
