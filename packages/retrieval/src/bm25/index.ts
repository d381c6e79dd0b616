export { Analyzer, analyze, defaultAnalyzer } from "./analyzer.js";
export { type BuildBm25EngineOptions, buildBm25Engine } from "./build-engine.js";
export { buildOnThreads } from "./build-on-threads.js";
export { CompactBm25Builder, CompactBm25Index, type CompactBm25Options } from "./compact-index.js";
export {
  type Bm25Engine,
  type Bm25EngineKind,
  type Bm25Hit,
  type Bm25Params,
  type Bm25Scoring,
  type Bm25SearchOptions,
  DEFAULT_BM25_PARAMS,
  resolveBm25Params,
} from "./engine.js";
export { LunrBm25Engine, type LunrBm25Options } from "./lunr-engine.js";
export {
  DEFAULT_OVERLAP_RULE,
  OverlapDetector,
  type OverlapReason,
  type OverlapRule,
  type OverlapVerdict,
  PreparedText,
  resolveOverlapRule,
} from "./overlap.js";
export { OverlapIndex, type OverlapProbe } from "./overlap-index.js";
export { precomputeOverlap } from "./overlap-precompute.js";
export { overlapRuleSchema } from "./overlap-schema.js";
export { Bm25RankPool } from "./rank-pool.js";
export type { RankStats } from "./rank-query.js";
export { hasSharedRun, longestCommonSubstring } from "./shared-run.js";
