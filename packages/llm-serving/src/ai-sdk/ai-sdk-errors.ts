import { LLMError } from "@dataflow/core";
import { APICallError, InvalidResponseDataError, RetryError } from "ai";
import { commonTransportError, statusError, unknownTransportError } from "../serving/llm-errors.js";
import { parseRetryAfter } from "../serving/retry-policy.js";

/**
 * Map what `generateText` throws to a typed LLMError. With `maxRetries: 0` the
 * AI SDK throws the provider's APICallError as is; a RetryError is unwrapped to
 * its last error anyway. A 200 whose body cannot be read or parsed arrives as
 * an APICallError with status 200: a transport failure, not the caller's fault.
 */
export function aiSdkError(err: unknown): LLMError {
  if (err instanceof LLMError) return err;
  if (RetryError.isInstance(err)) return aiSdkError(err.lastError);
  if (APICallError.isInstance(err)) {
    const status = err.statusCode;
    if (status === undefined || (status >= 200 && status < 300)) {
      const cause = err.cause instanceof Error ? ` (${err.cause.message})` : "";
      return new LLMError("transport", `${err.message}${cause}`, {
        ...(err.responseBody !== undefined ? { raw: err.responseBody } : {}),
        cause: err,
      });
    }
    const retryAfterMs = parseRetryAfter(err.responseHeaders);
    return statusError(status, err.message, {
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
      cause: err,
    });
  }
  if (InvalidResponseDataError.isInstance(err)) {
    return new LLMError("transport", `the response is not a chat completion: ${err.message}`, { cause: err });
  }
  return commonTransportError(err) ?? unknownTransportError(err);
}
