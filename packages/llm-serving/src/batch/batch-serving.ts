import type { Logger } from "@dataflow/core";
import type { ServingBaseOptions } from "../serving/serving-options.js";
import { batchMode } from "./batch-mode.js";
import { type BatchConfig, batchOptions } from "./batch-options.js";

export interface BatchEndpoint {
  name: string;
  baseURL: string;
  apiKey: string;
  /** Where the journal goes (`<runDir>/batches/`); none keeps it in memory. */
  runDir: string | undefined;
  logger: Logger;
}

/**
 * `base` in batch mode when `config` turns it on: chat goes through a batch queue, and the
 * serving allows `maxInFlight` requests at once, so steps keep enough rows in flight to fill
 * large batches. Off: `base` as it was.
 */
export function withBatchMode(
  base: ServingBaseOptions,
  config: BatchConfig | undefined,
  at: BatchEndpoint,
): ServingBaseOptions {
  const options = batchOptions(config);
  if (!options) return base;
  const batch = batchMode(options, {
    ...at,
    apiKeyEnv: base.endpoint?.apiKeyEnv ?? "OPENAI_API_KEY",
    timeoutMs: base.timeoutMs,
    maxRetries: base.maxRetries,
    secrets: base.secrets ?? [],
  });
  return { ...base, batch, maxConcurrency: options.maxInFlight };
}
