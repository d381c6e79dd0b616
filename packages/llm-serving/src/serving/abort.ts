import { RowError } from "@dataflow/core";

/**
 * The error for work the caller cancelled. Kind "cancelled" (a RowError, not an
 * LLMError): the runner treats a cancelled row as unfinished, not failed.
 */
export function cancelledError(signal: AbortSignal): RowError {
  return new RowError("cancelled", "the request was cancelled", { cause: signal.reason });
}

export function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw cancelledError(signal);
}

/** Waits `ms`; rejects with cancelledError as soon as `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(cancelledError(signal));
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(cancelledError(signal as AbortSignal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** Marks the rejection of `raceAbort` when the signal won. */
export const ABORTED: unique symbol = Symbol("aborted");

/**
 * `promise`, or a rejection with ABORTED as soon as `signal` aborts, whether or
 * not the promise honours the signal: an SDK that ignores an abort while
 * reading a body still cannot hang the caller.
 */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  // The loser may reject later; that must not become an unhandled rejection.
  promise.catch(() => {});
  if (signal.aborted) return Promise.reject(ABORTED);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(ABORTED);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(err);
      },
    );
  });
}
