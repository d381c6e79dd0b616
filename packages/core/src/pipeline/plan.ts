/** File formats a pipeline can read and write. */
export type FileFormatName = "jsonl" | "json" | "csv" | "parquet" | "jsonl.gz";

import type { SourceLocation } from "../contracts/errors.js";
import type { OperatorClass } from "../contracts/operator.js";

export interface ServingConfig {
  type: "auto" | "openai" | "ai-sdk" | "local";
  model: string;
  baseURL?: string;
  apiKeyEnv: string;
  maxConcurrency: number;
  timeoutMs: number;
  maxRetries: number;
  requestsPerMinute?: number;
  tokensPerMinute?: number;
  temperature?: number;
  topP?: number;
  maxTokens?: number;
  seed?: number;
  stop?: string[];
  prices?: { input?: number; output?: number };
  /** local: CPU threads (default: the cores available). */
  threads?: number;
  /** local: context size in tokens (default: the model's). */
  contextSize?: number;
  /** Model for `embed` (default: `model`); a GGUF path or hf: URI for local. */
  embeddingModel?: string;
  /** Texts per embeddings request (default 64). */
  embeddingBatchSize?: number;
  /** Ask the endpoint for vectors of this length (OpenAI `dimensions`). */
  embeddingDimensions?: number;
}

/** A retriever declared under `retrievers:`; `corpus` is absolute after compiling. */
export interface RetrieverConfig {
  type: "bm25" | "dense" | "hybrid";
  /** JSONL (or .jsonl.gz) corpus of passages. */
  corpus: string;
  textField: string;
  idField: string;
  /** The serving that embeds passages and queries (dense, hybrid). */
  serving?: string;
  /** BM25 settings (bm25, hybrid). */
  bm25: { k1: number; b: number };
  /** Reciprocal rank fusion constant (hybrid). */
  rrfK: number;
  /** Candidates taken from each ranking before fusing (hybrid); at least the k asked for. */
  depth: number;
  /** Weight of each ranking in the fusion (hybrid). */
  weights: { bm25: number; dense: number };
}

export interface PlannedStep {
  id: string;
  op: OperatorClass;
  params: Record<string, unknown>;
  /** Port → column, defaults filled. */
  inputs: Record<string, string>;
  outputs: Record<string, string>;
  serving?: string;
  /** Name of an entry in `retrievers`. */
  retriever?: string;
  concurrency?: number;
  location: SourceLocation;
}

/** A compiled pipeline: everything validated, paths absolute, defaults filled. */
export interface PipelinePlan {
  name: string;
  file: string;
  baseDir: string;
  source: { path: string; format?: FileFormatName; idColumn?: string; columns: string[] };
  /** `rejects` is where rows go that fail when no run store is used (library runs). */
  output: { path: string; format?: FileFormatName; rejects: string };
  cache: { dir: string };
  servings: Record<string, ServingConfig>;
  retrievers: Record<string, RetrieverConfig>;
  run: { maxRejectRate: number; window: number; shutdownGraceMs: number };
  steps: PlannedStep[];
  plugins: string[];
  /** Columns of the output rows, as far as the compiler can tell. */
  columns: string[];
}
