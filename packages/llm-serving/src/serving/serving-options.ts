import type { GenerationSettings, Logger } from "@dataflow/core";
import type { BatchQueue } from "../batch/batch-queue.js";
import type { PoolEndpoint } from "./endpoints/pool-member.js";
import type { BreakerOptions } from "./health/endpoint-health.js";
import type { HedgeOptions } from "./health/latency-window.js";
import type { RetryTuning } from "./retry-policy.js";
import type { Prices } from "./usage-meter.js";

export const DEFAULT_EMBEDDING_BATCH_SIZE = 64;

export interface ServingBaseOptions {
  name: string;
  model: string;
  maxConcurrency: number;
  /** Per attempt. */
  timeoutMs: number;
  /** Retries after the first attempt, for retryable failures. */
  maxRetries: number;
  /**
   * Bound on one call from its first attempt on, backoffs included; no retry
   * starts past it. Default: every attempt at its full timeout plus the longest backoff between them.
   */
  totalTimeoutMs?: number;
  requestsPerMinute?: number;
  tokensPerMinute?: number;
  /** Default generation settings; a request's own settings win. */
  settings?: GenerationSettings;
  prices?: Prices;
  /** Directory of the on-disk response cache; no cache when absent. */
  cacheDir?: string;
  logger?: Logger;
  retry?: RetryTuning;
  /** The model `embed` uses; `model` by default. */
  embeddingModel?: string;
  /** Texts per embeddings request; 64 by default. */
  embeddingBatchSize?: number;
  /** The vector length to ask the endpoint for (OpenAI `dimensions`); vectors of another length are bad output. */
  embeddingDimensions?: number;
  /** Values that must never appear in errors or logs (the API key). */
  secrets?: readonly string[];
  /**
   * The transport bounds each attempt itself (with `timeoutMs`), so no wall-clock timer runs here:
   * an in-process model cannot hang like a server, and its long generations make progress.
   */
  transportTimesOut?: boolean;
  /**
   * The HTTP endpoint, for the circuit breaker and its messages (the variable holding the key is
   * named in a 401's fix). In-process servings have none, and no breaker.
   */
  endpoint?: { baseURL: string; apiKeyEnv: string };
  /**
   * Several HTTP endpoints serving the same model (two or more; `endpoint` is then the first):
   * each attempt goes to one of them (serving/endpoints/), the transport told which by index.
   */
  endpoints?: readonly PoolEndpoint[];
  breaker?: BreakerOptions;
  /** Server-specific fields added to every chat request's body as they are (openai); in the cache key and fingerprint. */
  extraBody?: Record<string, unknown>;
  /** HTTP servings: bound on one chat answer's body; a longer one is bad output. Default 4 MiB. */
  maxAnswerBytes?: number;
  /** Hedged requests (HTTP endpoints only); `false` turns them off. */
  hedge?: HedgeOptions | false;
  /** Batch mode: chat requests go through the provider's Batch API (batch/), at batch prices. */
  batch?: BatchQueue;
}
