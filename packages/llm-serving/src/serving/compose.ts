import type { Logger } from "@dataflow/core";
import { batchAttempts } from "../batch/batch-mode.js";
import { batchPrices } from "../batch/batch-prices.js";
import type { BatchQueue } from "../batch/batch-queue.js";
import { CacheWrites } from "./cache-writes.js";
import { ConcurrencyLimiter } from "./concurrency-limiter.js";
import { endpointLabel } from "./endpoint.js";
import { EndpointPool } from "./endpoints/endpoint-pool.js";
import { route } from "./endpoints/route.js";
import { EndpointHealth } from "./health/endpoint-health.js";
import { LatencyWindow } from "./health/latency-window.js";
import { answerCache } from "./layers/answer-cache.js";
import { breaker } from "./layers/breaker.js";
import type { Answered, ChatCall } from "./layers/chat-call.js";
import { deadline } from "./layers/deadline.js";
import type { EmbedAnswer, EmbedBatch, EmbedCall } from "./layers/embed-call.js";
import { embeddingBatches } from "./layers/embedding-batches.js";
import { embeddingCache, embeddingCacheStore } from "./layers/embedding-cache.js";
import { hedge } from "./layers/hedge.js";
import { type Attempts, type Layer, type Metering, type Send, stack } from "./layers/layer.js";
import { output } from "./layers/output.js";
import { prepare } from "./layers/prepare.js";
import { type RateLimits, rateLimit } from "./layers/rate-limit.js";
import { responseFormat } from "./layers/response-format.js";
import { type RetryOptions, retry } from "./layers/retry.js";
import { slots } from "./layers/slots.js";
import { timeout } from "./layers/timeout.js";
import { transportErrors } from "./layers/transport-errors.js";
import { usage } from "./layers/usage.js";
import { vectorCheck } from "./layers/vector-check.js";
import { chatMetering, embedMetering } from "./metering.js";
import { ResponseCache } from "./response-cache.js";
import { DEFAULT_MAX_DELAY_MS } from "./retry-policy.js";
import type { ServingBaseOptions } from "./serving-options.js";
import { TokenBucket } from "./token-bucket.js";
import type {
  EmbedTransportResult,
  PreparePurpose,
  Transport,
  TransportRequest,
  TransportResult,
} from "./transport.js";
import { UsageMeter } from "./usage-meter.js";

/** What a serving's layers share: one limiter, one pair of buckets, one meter, one cache. */
export interface ServingParts {
  name: string;
  model: string;
  logger: Logger;
  secrets: readonly string[];
  timeoutMs: number;
  totalTimeoutMs: number;
  transportTimesOut: boolean;
  retry: RetryOptions;
  limiter: ConcurrencyLimiter;
  limits: RateLimits;
  meter: UsageMeter;
  cache: ResponseCache | undefined;
  cacheWrites: CacheWrites;
  embeddingBatchSize: number;
  embeddingDimensions: number | undefined;
  /** Several endpoints: the pool that picks one per attempt, with its own health per endpoint. */
  pool: EndpointPool | undefined;
  /** The endpoint's circuit breaker; none for in-process servings, nor with several endpoints (the pool's). */
  health: { state: EndpointHealth; baseURL: string; apiKeyEnv: string } | undefined;
  /** Hedged requests; none for in-process servings or with `hedge: false`. */
  hedging: { window: LatencyWindow; maxInFlight: number } | undefined;
  /** Batch mode: chat goes through this queue instead of the attempt layers. */
  batch: BatchQueue | undefined;
}

type Resolved = "logger" | "secrets" | "embeddingBatchSize" | "transportTimesOut";

export function servingParts(
  o: Omit<ServingBaseOptions, Resolved> & Required<Pick<ServingBaseOptions, Resolved>>,
): ServingParts {
  const tuning = o.retry ?? {};
  return {
    name: o.name,
    model: o.model,
    logger: o.logger,
    secrets: o.secrets,
    timeoutMs: o.timeoutMs,
    totalTimeoutMs:
      o.totalTimeoutMs ??
      (o.maxRetries + 1) * o.timeoutMs + o.maxRetries * (tuning.maxDelayMs ?? DEFAULT_MAX_DELAY_MS),
    transportTimesOut: o.transportTimesOut,
    retry: { maxRetries: o.maxRetries, tuning, name: o.name, logger: o.logger },
    limiter: new ConcurrencyLimiter(o.maxConcurrency),
    limits: {
      requests: o.requestsPerMinute ? new TokenBucket(o.requestsPerMinute) : undefined,
      tokens: o.tokensPerMinute ? new TokenBucket(o.tokensPerMinute) : undefined,
    },
    meter: new UsageMeter(o.batch ? batchPrices(o.prices) : o.prices),
    batch: o.batch,
    cache: o.cacheDir ? new ResponseCache(o.cacheDir) : undefined,
    cacheWrites: new CacheWrites(o.name, o.logger),
    embeddingBatchSize: o.embeddingBatchSize,
    embeddingDimensions: o.embeddingDimensions,
    hedging:
      o.endpoint && o.hedge !== false
        ? {
            window: new LatencyWindow(o.hedge),
            maxInFlight: o.hedge?.maxInFlight ?? Math.max(1, Math.ceil(o.maxConcurrency / 10)),
          }
        : undefined,
    ...endpointHealth(o),
  };
}

/** A pool for several endpoints, else the one endpoint's breaker (none in-process). */
function endpointHealth(
  o: Pick<ServingBaseOptions, "name" | "endpoint" | "endpoints" | "breaker"> & { logger: Logger },
): Pick<ServingParts, "pool" | "health"> {
  if (o.endpoints && o.endpoints.length > 1) {
    const breaker = o.breaker ? { breaker: o.breaker } : {};
    return {
      pool: new EndpointPool(o.endpoints, { servingName: o.name, logger: o.logger, ...breaker }),
      health: undefined,
    };
  }
  return {
    pool: undefined,
    health: o.endpoint && {
      state: new EndpointHealth(o.name, endpointLabel(o.endpoint.baseURL), o.logger, o.breaker),
      ...o.endpoint,
    },
  };
}

/**
 * A chat call through the layers, outermost first:
 *
 *   answer cache → output → prepare → response format → [attempt layers] → transport.chat
 *
 * In batch mode the batch queue (batch/) replaces the attempt layers and the transport.
 */
export function composeChat(t: Transport, p: ServingParts): Send<ChatCall, Answered> {
  const wire: Send<TransportRequest, TransportResult> = (request, call) =>
    t.chat(request, call.signal as AbortSignal, call.endpoint);
  const warn = (message: string) => p.logger.warn(`serving "${p.name}": ${message}`);
  const attempts = p.batch ? batchAttempts(p.batch, p.meter) : stack(attemptLayers(t, p, chatMetering), wire);
  const asked = responseFormat(p.model, warn)(attempts);
  const answered = output(p.model)(stack([preparing(t, "generate")], asked));
  const onHit = (tag: string | undefined) => p.meter.cached(tag);
  const cache = p.cache && answerCache({ cache: p.cache, model: p.model, writes: p.cacheWrites, onHit });
  return stack([cache], answered);
}

/**
 * An embed call (distinct texts) through the layers, outermost first; undefined when the
 * transport cannot embed:
 *
 *   embedding cache → prepare → batches → (per batch) cache store → vector check → [attempt layers] → transport.embed
 */
export function composeEmbed(t: Transport, p: ServingParts): Send<EmbedCall, EmbedAnswer> | undefined {
  const embed = t.embed?.bind(t);
  if (!embed) return undefined;
  const wire: Send<EmbedBatch, EmbedTransportResult> = (batch, call) =>
    embed(batch.model, batch.texts, call.signal as AbortSignal, call.endpoint);
  const space = p.cache && { cache: p.cache, dimensions: p.embeddingDimensions };
  const checked = vectorCheck(p.embeddingDimensions)(stack(attemptLayers(t, p, embedMetering), wire));
  const batch = stack([space && embeddingCacheStore({ ...space, writes: p.cacheWrites })], checked);
  const onHit = (tag: string | undefined, texts: number) => p.meter.cached(tag, texts);
  return stack(
    [space && embeddingCache({ ...space, onHit }), preparing(t, "embed")],
    embeddingBatches(p.embeddingBatchSize)(batch),
  );
}

/**
 * One attempt at a time, outermost first, for chat and embeddings alike:
 *
 *   retry → slots → breaker → hedge → rate limit → deadline → usage → timeout → transport errors
 */
function attemptLayers<Q, R>(
  t: Transport,
  p: ServingParts,
  metering: Metering<Q, R>,
): (Layer<Q, R> | undefined)[] {
  const limited = p.limits.requests !== undefined || p.limits.tokens !== undefined;
  if (p.pool) return pooledAttemptLayers(t, p, p.pool, metering, limited);
  const h = p.health;
  const health = h && {
    health: h.state,
    servingName: p.name,
    baseURL: h.baseURL,
    model: p.model,
    apiKeyEnv: h.apiKeyEnv,
  };
  return [
    retry(p.retry),
    slots(p.limiter),
    health && breaker(health),
    p.hedging && hedge(p.hedging),
    limited ? rateLimit(p.limits, metering) : undefined,
    deadline(p.totalTimeoutMs),
    usage(p.meter, metering),
    timeout(p.timeoutMs, p.transportTimesOut),
    transportErrors((err) => t.toLLMError(err), p.secrets),
  ];
}

/**
 * The same with several endpoints: the hedge goes above the route, so a hedge may go to another
 * endpoint than the attempt it races, and each endpoint's health is the pool's:
 *
 *   retry → slots → hedge → rate limit → route → deadline → usage → timeout → transport errors
 */
function pooledAttemptLayers<Q, R>(
  t: Transport,
  p: ServingParts,
  pool: EndpointPool,
  metering: Metering<Q, R>,
  limited: boolean,
): (Layer<Q, R> | undefined)[] {
  const elsewhere = (attempts: Attempts) => pool.hasUntried(attempts.failedOn);
  return [
    retry({ ...p.retry, elsewhere }),
    slots(p.limiter),
    p.hedging && hedge(p.hedging),
    limited ? rateLimit(p.limits, metering) : undefined,
    route({ pool, servingName: p.name, model: p.model }),
    deadline(p.totalTimeoutMs),
    usage(p.meter, metering),
    timeout(p.timeoutMs, p.transportTimesOut),
    transportErrors((err) => t.toLLMError(err), p.secrets),
  ];
}

function preparing<Q, R>(t: Transport, purpose: PreparePurpose): Layer<Q, R> | undefined {
  const run = t.prepare?.bind(t);
  return run && prepare((signal) => run(signal, purpose));
}
