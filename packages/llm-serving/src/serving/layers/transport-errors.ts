import type { LLMError } from "@dataflow/core";
import { ownLLMError } from "../health/capped-fetch.js";
import { redactError } from "../llm-errors.js";
import type { Layer } from "./layer.js";

/**
 * The transport's failures as typed LLMErrors, with the secrets (the API key) cut out of them,
 * thrown synchronously or not: whatever an SDK throws, the layers above see a kind and a status.
 * An LLMError our own fetch threw (an answer too large, an HTML page) is found inside the SDK's wrapping.
 */
export function transportErrors<Q, R>(
  toLLMError: (err: unknown) => LLMError,
  secrets: readonly string[],
): Layer<Q, R> {
  const typed = (err: unknown): LLMError => redactError(ownLLMError(err) ?? toLLMError(err), secrets);
  return (next) => (request, call) => {
    let pending: Promise<R>;
    try {
      pending = next(request, call);
    } catch (err) {
      return Promise.reject(typed(err));
    }
    return pending.catch((err: unknown) => {
      throw typed(err);
    });
  };
}
