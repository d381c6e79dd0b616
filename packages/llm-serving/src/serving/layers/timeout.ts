import { LLMError } from "@dataflow/core";
import { cancelledError } from "../abort.js";
import type { Call, Layer, Send } from "./layer.js";

/**
 * Each attempt bounded by `timeoutMs` (or what is left of the call's deadline) and by the
 * caller's signal, whatever the transport does: the first of answer, timeout and abort settles
 * the attempt and aborts the transport's signal, so an SDK stuck reading a body cannot hang the
 * caller. With `transportTimesOut` the transport bounds the attempt itself and only the abort is raced.
 */
export function timeout<Q, R>(timeoutMs: number, transportTimesOut: boolean): Layer<Q, R> {
  return (next) => (request, call) => {
    const ms = Math.min(timeoutMs, call.attempts.deadline - performance.now());
    return bounded(next, request, call, transportTimesOut ? undefined : ms);
  };
}

function bounded<Q, R>(next: Send<Q, R>, request: Q, call: Call, ms: number | undefined): Promise<R> {
  const signal = call.signal;
  if (signal?.aborted) return Promise.reject(cancelledError(signal));
  const controller = new AbortController();
  return new Promise<R>((resolve, reject) => {
    let settled = false;
    const settle = (then: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      then();
    };
    const stop = (err: unknown) =>
      settle(() => {
        controller.abort();
        reject(err);
      });
    const timer =
      ms === undefined
        ? undefined
        : setTimeout(() => stop(new LLMError("timeout", `no answer within ${Math.round(ms)} ms`)), ms);
    const onAbort = () => stop(cancelledError(signal as AbortSignal));
    signal?.addEventListener("abort", onAbort, { once: true });
    let pending: Promise<R>;
    try {
      pending = next(request, { ...call, signal: controller.signal });
    } catch (err) {
      pending = Promise.reject(err);
    }
    pending.then(
      (result) => settle(() => resolve(result)),
      (err: unknown) => settle(() => reject(err)),
    );
  });
}
