import { LLMError } from "@dataflow/core";
import { commonTransportError, unknownTransportError } from "../serving/llm-errors.js";

/**
 * The local model cannot be had: a download that failed (no network), a missing file, a file
 * llama.cpp cannot load, a checksum that does not match. Every request of the serving fails
 * with it; `kind` groups the rejects.
 */
export class LocalModelUnavailableError extends Error {
  override readonly name = "LocalModelUnavailableError";
  readonly kind = "model-unavailable";
  /** No row can succeed without the model: the runner stops the run instead of rejecting every row. */
  readonly fatal = true;
}

/** What to do instead, for the end of a LocalModelUnavailableError's message. */
export function insteadHint(servingName: string): string {
  return (
    `To run without downloading, point the serving at a GGUF file you have: --set servings.${servingName}.model=PATH/TO/model.gguf ` +
    "(or DATAFLOW_LOCAL_MODEL=PATH for type auto). Or use an OpenAI-compatible endpoint instead: set OPENAI_BASE_URL " +
    "to a server's /v1 URL (llama.cpp's llama-server, Ollama, vLLM, LM Studio), or OPENAI_API_KEY for the OpenAI API."
  );
}

/** A failure inside in-process generation as an LLMError (transport: another attempt may succeed). */
export function localGenerationError(err: unknown): LLMError {
  if (err instanceof LLMError) return err;
  return commonTransportError(err) ?? unknownTransportError(err);
}
