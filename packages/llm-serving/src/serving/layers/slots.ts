import type { ConcurrencyLimiter } from "../concurrency-limiter.js";
import type { Layer } from "./layer.js";

/**
 * At most `limiter.limit` attempts on the wire, across every call through the serving. A slot is
 * held for one attempt only (the retry layer above backs off without one, so the others keep the
 * endpoint busy), and a call back from a failure goes before fresh ones: it was admitted earlier.
 */
export function slots<Q, R>(limiter: ConcurrencyLimiter): Layer<Q, R> {
  return (next) => async (request, call) => {
    const release = await limiter.acquire(call.signal, call.attempts.lastError !== undefined);
    try {
      return await next(request, call);
    } finally {
      release();
    }
  };
}
