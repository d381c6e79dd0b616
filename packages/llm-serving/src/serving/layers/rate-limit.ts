import type { TokenBucket } from "../token-bucket.js";
import type { Layer, Metering } from "./layer.js";

export interface RateLimits {
  /** One token per request. */
  requests?: TokenBucket | undefined;
  /** The request's estimated tokens, corrected by the tokens its answer reports. */
  tokens?: TokenBucket | undefined;
}

/**
 * Requests-per-minute and tokens-per-minute limits, waited for before each attempt goes out.
 * Tokens are taken at the estimate and the bucket corrected by what the answer reports, so a
 * limit tracks real use without waiting for it.
 */
export function rateLimit<Q, R>(limits: RateLimits, metering: Metering<Q, R>): Layer<Q, R> {
  const { requests, tokens } = limits;
  return (next) => async (request, call) => {
    if (requests) await requests.take(1, call.signal);
    if (!tokens) return next(request, call);
    const estimate = metering.estimate(request);
    await tokens.take(estimate, call.signal);
    const result = await next(request, call);
    const used = metering.usage(result);
    if (used) tokens.adjust(used.promptTokens + used.completionTokens - estimate);
    return result;
  };
}
