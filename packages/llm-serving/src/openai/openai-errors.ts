import { LLMError } from "@dataflow/core";
import OpenAI from "openai";
import { commonTransportError, statusError, unknownTransportError } from "../serving/llm-errors.js";
import { parseRetryAfter } from "../serving/retry-policy.js";

/**
 * Map what the openai SDK throws to a typed LLMError. The SDK surfaces some
 * failures as plain errors, not APIError: a body cut off mid-read is undici's
 * TypeError "terminated", and a 200 whose body is not JSON is a SyntaxError.
 */
export function openaiError(err: unknown): LLMError {
  if (err instanceof LLMError) return err;
  if (err instanceof OpenAI.APIConnectionTimeoutError) {
    return new LLMError("timeout", `the request timed out: ${err.message}`, { cause: err });
  }
  if (err instanceof OpenAI.APIConnectionError) {
    const cause = err.cause instanceof Error ? ` (${err.cause.message})` : "";
    return new LLMError("transport", `cannot reach the endpoint: ${err.message}${cause}`, { cause: err });
  }
  if (err instanceof OpenAI.APIError && typeof err.status === "number") {
    return statusError(err.status, err.message, {
      ...optional("retryAfterMs", parseRetryAfter(err.headers)),
      cause: err,
    });
  }
  return commonTransportError(err) ?? unknownTransportError(err);
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
