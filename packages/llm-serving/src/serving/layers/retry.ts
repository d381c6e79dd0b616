import { LLMError, type Logger } from "@dataflow/core";
import { sleep } from "../abort.js";
import { backoffDelay, isRetryable, type RetryTuning } from "../retry-policy.js";
import { DeadlinePassed } from "./deadline.js";
import type { Attempts, Layer } from "./layer.js";

export interface RetryOptions {
  /** Retries after the first attempt, for retryable failures. */
  maxRetries: number;
  tuning?: RetryTuning;
  /** Names the serving in the log line of each retry. */
  name: string;
  logger: Logger;
  /**
   * Several endpoints: whether an endpoint this call has not failed on has room now. Then the
   * retry goes at once (to it) instead of after the backoff, which is for the endpoint that failed.
   */
  elsewhere?: (attempts: Attempts) => boolean;
}

/**
 * The one owner of retries: a retryable failure (rate limits, timeouts, transport failures) is
 * tried again after a backoff with full jitter, a server's Retry-After as its floor, up to
 * `maxRetries` times and never past the call's deadline. The count lives on the call, so a
 * layer above that re-asks in another form continues it rather than starting afresh.
 */
export function retry<Q, R>(options: RetryOptions): Layer<Q, R> {
  return (next) => async (request, call) => {
    const attempts = call.attempts;
    for (;;) {
      try {
        return await next(request, call);
      } catch (err) {
        const backoff = backoffOrThrow(err, attempts, options);
        const elsewhere = options.elsewhere?.(attempts) === true;
        const delay = elsewhere ? 0 : backoff;
        options.logger.debug(retryLine(options, attempts, elsewhere ? "now, on another endpoint" : delay));
        await sleep(delay, call.signal);
        attempts.retries++;
      }
    }
  };
}

/** The wait before the next attempt after `err`, or the error that ends the call. */
function backoffOrThrow(err: unknown, attempts: Attempts, options: RetryOptions): number {
  if (err instanceof DeadlinePassed && attempts.lastError)
    throw gaveUp(attempts.lastError, attempts.retries, "its deadline passed while it waited for a slot");
  if (!(err instanceof LLMError)) throw err;
  attempts.lastError = err;
  if (!isRetryable(err) || attempts.retries >= options.maxRetries) throw gaveUp(err, attempts.retries);
  const delay = backoffDelay(attempts.retries, err.retryAfterMs, options.tuning);
  if (performance.now() + delay >= attempts.deadline)
    throw gaveUp(err, attempts.retries, "its deadline would pass");
  return delay;
}

function retryLine(options: RetryOptions, attempts: Attempts, delay: number | string): string {
  const err = attempts.lastError;
  const status = err?.status ? ` (HTTP ${err.status})` : "";
  const when = typeof delay === "string" ? delay : `in ${Math.round(delay)} ms`;
  return `serving "${options.name}": ${err?.kind}${status}; retry ${attempts.retries + 1} of ${options.maxRetries} ${when}`;
}

/** `err`, its message saying how many attempts were made (and why they stopped) when that adds anything. */
export function gaveUp(err: LLMError, retries: number, why?: string): LLMError {
  if (retries === 0 && !why) return err;
  const attempts = `${retries + 1} attempt${retries === 0 ? "" : "s"}`;
  const suffix = why ? ` (gave up after ${attempts}: ${why})` : ` (gave up after ${attempts})`;
  return new LLMError(err.kind, `${err.message}${suffix}`, {
    ...(err.raw !== undefined ? { raw: err.raw } : {}),
    ...(err.status !== undefined ? { status: err.status } : {}),
    ...(err.retryAfterMs !== undefined ? { retryAfterMs: err.retryAfterMs } : {}),
    cause: err.cause,
  });
}
