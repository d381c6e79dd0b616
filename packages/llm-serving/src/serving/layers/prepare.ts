import { ABORTED, cancelledError, raceAbort } from "../abort.js";
import type { Layer } from "./layer.js";

/**
 * The transport's preparation (a local model's download and load) before a call's first
 * attempt, outside the slots, timeouts and retries below, so it is neither timed out nor retried.
 * The caller's abort stops the wait at once (cancelled), whether or not `run` honours it.
 */
export function prepare<Q, R>(run: (signal: AbortSignal | undefined) => Promise<void>): Layer<Q, R> {
  return (next) => async (request, call) => {
    await prepareOrCancel(run, call.signal);
    return next(request, call);
  };
}

async function prepareOrCancel(
  run: (signal: AbortSignal | undefined) => Promise<void>,
  signal: AbortSignal | undefined,
): Promise<void> {
  if (!signal) return run(undefined);
  try {
    await raceAbort(run(signal), signal);
  } catch (err) {
    if (err === ABORTED) throw cancelledError(signal);
    throw err;
  }
}
