import type { BatchConfig } from "./batch/batch-options.js";

/** The serving types this package registers. */
export type ServingType = "auto" | "openai" | "ai-sdk" | "local";

/** A pipeline's `servings.<name>` block for one of this package's types (see `servingOptionsSchema`). */
export interface ServingConfig {
  type: ServingType;
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
  /** USD per million tokens; `batchInput`/`batchOutput` in batch mode (default: half of input/output). */
  prices?: { input?: number; output?: number; batchInput?: number; batchOutput?: number };
  /** openai/ai-sdk: chat through the provider's Batch API (batch/batch-options.ts). */
  batch?: BatchConfig;
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
  /** The endpoint's circuit breaker (openai, ai-sdk). */
  breaker?: { failures?: number; budgetMs?: number; unreachableBudgetMs?: number };
  /** Server-specific chat request fields, sent as they are (openai). */
  extraBody?: Record<string, unknown>;
  /** Bound on one chat answer's body in bytes (openai, ai-sdk); default 4 MiB. */
  maxAnswerBytes?: number;
  /** Hedged requests (openai, ai-sdk); false turns them off. */
  hedge?: false | { quantile?: number; multiplier?: number; minDelayMs?: number; maxInFlight?: number };
}
