import type { LLMError } from "@dataflow/core";

/** How retries back off. The count (`maxRetries`) and the deadline come from the serving config. */
export interface RetryTuning {
  /** First backoff ceiling; doubles per retry. Default 500 ms. */
  baseDelayMs?: number;
  /** Largest backoff ceiling. Default 30 s. */
  maxDelayMs?: number;
  /** Source of jitter in [0, 1); Math.random by default (tests pass a seeded one). */
  random?: () => number;
}

export const DEFAULT_BASE_DELAY_MS = 500;
export const DEFAULT_MAX_DELAY_MS = 30_000;

/** Statuses worth asking again: timeouts, conflicts, rate limits and server errors. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

/**
 * Whether another attempt may succeed: rate limits, timeouts and transport
 * failures (dropped connections, truncated or malformed bodies, 5xx). Bad
 * requests and bad output are not retried here: the same request gets the same
 * refusal, and bad output is the operator's call (`maxAttempts`).
 */
export function isRetryable(err: LLMError): boolean {
  if (err.status !== undefined && err.status >= 400) return isRetryableStatus(err.status);
  return err.kind === "rate-limited" || err.kind === "timeout" || err.kind === "transport";
}

/**
 * The wait before retry number `retry` (0 for the first retry). A server's
 * Retry-After is a floor, plus up to 10% so a herd told "1 s" does not come back
 * in the same millisecond; otherwise exponential backoff with full jitter
 * (uniform in [0, min(max, base × 2^retry)]), which spreads retries best.
 */
export function backoffDelay(
  retry: number,
  retryAfterMs: number | undefined,
  tuning: RetryTuning = {},
): number {
  const random = tuning.random ?? Math.random;
  if (retryAfterMs !== undefined) return retryAfterMs + random() * retryAfterMs * 0.1;
  const base = tuning.baseDelayMs ?? DEFAULT_BASE_DELAY_MS;
  const max = tuning.maxDelayMs ?? DEFAULT_MAX_DELAY_MS;
  return random() * Math.min(max, base * 2 ** retry);
}

type HeaderSource = { get(name: string): string | null } | Record<string, string | undefined> | undefined;

/**
 * Milliseconds a server asked us to wait: `retry-after-ms` (OpenAI), else
 * `retry-after` in seconds or as an HTTP date. Undefined when absent or unreadable.
 */
export function parseRetryAfter(headers: HeaderSource, now: number = Date.now()): number | undefined {
  if (!headers) return undefined;
  const read = (name: string): string | undefined => {
    if (isHeaders(headers)) return headers.get(name) ?? undefined;
    const record = headers;
    const key = Object.keys(record).find((k) => k.toLowerCase() === name);
    return key === undefined ? undefined : record[key];
  };
  const ms = read("retry-after-ms")?.trim();
  if (ms && /^\d+(\.\d+)?$/.test(ms)) return Number(ms);
  const value = read("retry-after")?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function isHeaders(h: object): h is { get(name: string): string | null } {
  return typeof (h as { get?: unknown }).get === "function";
}
