import { setMaxListeners } from "node:events";
import { cancelledError } from "./abort.js";

/**
 * Runs every job on a signal of its own that aborts with the caller's; the first failure aborts
 * the rest and, once all have settled (nothing runs on after the call), fails the call with it
 * (as cancelled when the caller aborted).
 */
export async function allOrNothing<T>(
  jobs: readonly ((signal: AbortSignal) => Promise<T>)[],
  signal: AbortSignal | undefined,
): Promise<T[]> {
  const inner = new AbortController();
  // Every job listens on it (slot, backoff, attempt): a large corpus is hundreds of jobs.
  setMaxListeners(0, inner.signal);
  const onAbort = () => inner.abort(signal?.reason);
  signal?.addEventListener("abort", onAbort, { once: true });
  let failed = false;
  let first: unknown;
  const fail = (err: unknown) => {
    if (!failed) {
      failed = true;
      first = err;
      inner.abort(err);
    }
    throw err;
  };
  try {
    const settled = await Promise.allSettled(jobs.map((job) => job(inner.signal).catch(fail)));
    if (failed) {
      if (signal?.aborted) throw cancelledError(signal);
      throw first;
    }
    return settled.map((r) => (r as PromiseFulfilledResult<T>).value);
  } finally {
    signal?.removeEventListener("abort", onAbort);
  }
}
