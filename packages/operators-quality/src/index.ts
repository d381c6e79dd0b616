export {
  type ContaminationMatch,
  ContaminationOperator,
  type ContaminationParams,
} from "./contamination/contamination.js";
export { NgramHashSet } from "./contamination/ngram-hash-set.js";
export {
  type ReferenceItem,
  type ReferenceOptions,
  ReferenceIndex,
  type ReferenceStats,
} from "./contamination/reference-index.js";
export { LeakageOperator, type LeakageParams, phrasePattern } from "./leakage/leakage.js";
export { sortedJaccard } from "./near-dedup/jaccard.js";
export {
  catchProbability,
  type LshBands,
  lshBands,
  MIN_CATCH_AT_THRESHOLD,
} from "./near-dedup/lsh-params.js";
export { MinHasher } from "./near-dedup/minhash.js";
export {
  DEFAULT_NGRAM,
  NearDedupOperator,
  type NearDedupParams,
  resolveBanding,
} from "./near-dedup/near-dedup.js";
export { type NearMatch, NearDupIndex } from "./near-dedup/near-dup-index.js";
export { type ShingleUnit, Shingler } from "./near-dedup/shingler.js";
export { qualityOperators, register } from "./register.js";
export { normalisedText, TokenHasher, words } from "./text/tokens.js";
