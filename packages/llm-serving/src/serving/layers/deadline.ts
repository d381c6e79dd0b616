import type { Layer } from "./layer.js";

/** Thrown when a retry would start past its call's deadline; retry.ts reports the failure before it. */
export class DeadlinePassed extends Error {
  constructor() {
    super("the call's deadline passed before its next attempt");
    this.name = "DeadlinePassed";
  }
}

/**
 * A call bounded as a whole: the clock starts when its first attempt goes out (after its slot and
 * the rate limits: waiting in line is not the endpoint's slowness), and no later attempt starts
 * past `totalTimeoutMs` from then. The timeout layer cuts an attempt short at the deadline; the
 * retry layer does not back off past it.
 */
export function deadline<Q, R>(totalTimeoutMs: number): Layer<Q, R> {
  return (next) => (request, call) => {
    const attempts = call.attempts;
    const now = performance.now();
    if (attempts.deadline === Number.POSITIVE_INFINITY) attempts.deadline = now + totalTimeoutMs;
    if (attempts.lastError && attempts.deadline <= now) return Promise.reject(new DeadlinePassed());
    return next(request, call);
  };
}
