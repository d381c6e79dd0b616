import type { BatchConfig } from "./batch/batch-options.js";

/** The serving types this package registers. */
export type ServingType = "auto" | "openai" | "ai-sdk" | "local";

/** One endpoint of `endpoints:`. */
export interface EndpointConfig {
  baseURL: string;
  /** Share of the requests relative to the others; default 1. */
  weight?: number;
  /** Requests in flight to this endpoint at once; default: no bound of its own. */
  maxConcurrency?: number;
  /** The variable holding this endpoint's key; default the serving's `apiKeyEnv`. */
  apiKeyEnv?: string;
}

/** A pipeline's `servings.<name>` block for one of this package's types (see `servingOptionsSchema`). */
export interface ServingConfig {
  type: ServingType;
  model: string;
  /** One endpoint, or several serving the same model (each request goes to one). */
  baseURL?: string | string[];
  /** Several endpoints with their own weight, concurrency and key variable (instead of `baseURL`). */
  endpoints?: EndpointConfig[];
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
