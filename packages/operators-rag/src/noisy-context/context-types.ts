import type { RetrieverABC } from "@dataflow/core";
import type { OverlapDetector } from "@dataflow/retrieval";
import type { Weights } from "../shared/weighted-choice.js";

export const NOISE_KINDS = ["random", "near-miss", "other-gold"] as const;
export type NoiseKind = (typeof NOISE_KINDS)[number];

/** Where one passage of a context came from, aligned with the passages. */
export interface PassageMeta {
  /** The corpus id (null for a gold passage given only as text). */
  id: string | null;
  role: "gold" | "retrieved" | "noise";
  /** The retriever view that ranked it (a gold passage: the one that found it, if any did). */
  retriever?: string;
  /** Its 1-based rank in that view's ranking for the query. */
  rank?: number;
  noise?: NoiseKind;
}

/** The step's settings, resolved once at prepare. */
export interface ContextPlan {
  k: number;
  mix: Weights<string>;
  mixMode: "per-query" | "interleave";
  dropGoldRate: number;
  noiseRate: number;
  noiseCount: number;
  noiseFrom: Weights<NoiseKind>;
  nearMissDepth: number;
  /** The view near misses are ranked by. */
  nearMissView: string;
  seed: number;
  shuffle: boolean;
}

/** A gold passage of another row, a candidate for `other-gold` noise. */
export interface PooledGold {
  rowId: string;
  id: string | null;
  text: string;
  key: string;
}

export interface ContextEnv {
  retriever: RetrieverABC;
  views: Readonly<Record<string, RetrieverABC>>;
  otherGold: readonly PooledGold[];
  /** When a passage overlaps a dropped gold passage (the rule BM25HardNeg mines negatives by). */
  overlap: OverlapDetector;
  signal: AbortSignal;
  tag: string;
  count(metric: string, by?: number): void;
}

export interface BuiltContext {
  passages: string[];
  meta: PassageMeta[];
  /** False when the row's gold was dropped; null when the row has no gold to judge by. */
  answerable: boolean | null;
}

/** One passage of a context being built. */
export interface Entry {
  text: string;
  meta: PassageMeta;
}

/** A passage offered for a context: its docId when the retriever has it, its corpus id, its text. */
export interface Candidate {
  docId: number | undefined;
  id: string | null;
  text: string;
  /** `sameTextKey(text)`. */
  key: string;
}
