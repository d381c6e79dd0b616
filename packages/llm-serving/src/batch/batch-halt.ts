import { LLMError } from "@dataflow/core";
import { endpointLabel } from "../serving/endpoint.js";
import { ServingHalt, unauthorized } from "../serving/health/serving-halt.js";

export interface BatchEndpointInfo {
  name: string;
  baseURL: string;
  apiKeyEnv: string;
}

/**
 * What no row can get past, as the run-stopping error sync mode gives: a refused key (401/403),
 * and, on the first upload, an endpoint without the Files/Batch API (404/405, e.g. vLLM). Any
 * other error as it is.
 */
export function batchHalt(err: unknown, at: BatchEndpointInfo, uploading: boolean): unknown {
  if (!(err instanceof LLMError) || err.status === undefined) return err;
  if (err.status === 401 || err.status === 403)
    return unauthorized(at.name, at.baseURL, err.status, at.apiKeyEnv);
  if (uploading && (err.status === 404 || err.status === 405)) {
    return new ServingHalt(
      "not-supported",
      `serving "${at.name}" at ${endpointLabel(at.baseURL)} has no Batch API (${err.message}); ` +
        "drop batch from the serving, or point baseURL at a provider with /files and /batches (OpenAI, Azure OpenAI)",
      2,
    );
  }
  return err;
}
