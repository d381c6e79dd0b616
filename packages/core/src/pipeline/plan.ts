/** File formats a pipeline can read and write. */
export type FileFormatName = "jsonl" | "json" | "csv" | "parquet" | "jsonl.gz";

import type { SourceLocation } from "../errors.js";
import type { OperatorClass } from "../operator.js";

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
}

export interface PlannedStep {
  id: string;
  op: OperatorClass;
  params: Record<string, unknown>;
  /** Port → column, defaults filled. */
  inputs: Record<string, string>;
  outputs: Record<string, string>;
  serving?: string;
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
  run: { maxRejectRate: number; window: number; shutdownGraceMs: number };
  steps: PlannedStep[];
  plugins: string[];
  /** Columns of the output rows, as far as the compiler can tell. */
  columns: string[];
}
