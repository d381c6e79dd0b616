import type { JSONSchema } from "@dataflow/core";
import { BATCH_DEFAULTS } from "./batch-options.js";

const whole = (minimum: number, def: number, description: string): JSONSchema => ({
  type: "integer",
  minimum,
  default: def,
  description,
});

/** A serving's `batch:` option: `true`, or the settings to change (batch-options.ts). */
export const batchOptionsSchema: JSONSchema = {
  description:
    "openai/ai-sdk: chat through the provider's Batch API (OpenAI /v1/files + /v1/batches, 24 h window, half price): requests are collected into files, submitted, polled and mapped back to their rows; journaled in the run directory so a killed run resumes its batches. true for the defaults",
  oneOf: [
    { type: "boolean" },
    {
      type: "object",
      additionalProperties: false,
      properties: {
        maxRequests: whole(1, BATCH_DEFAULTS.maxRequests, "requests per input file (OpenAI: 50,000)"),
        maxBytes: whole(1, BATCH_DEFAULTS.maxBytes, "bytes per input file (OpenAI: 200 MB)"),
        idleMs: whole(0, BATCH_DEFAULTS.idleMs, "a file is submitted once no request arrived for this long"),
        pollMs: whole(
          1,
          BATCH_DEFAULTS.pollMs,
          "first wait between polls of a batch (grows ×1.5 while nothing changes)",
        ),
        maxPollMs: whole(1, BATCH_DEFAULTS.maxPollMs, "longest wait between polls"),
        maxInFlight: whole(
          1,
          BATCH_DEFAULTS.maxInFlight,
          "requests waiting in batches at once; replaces maxConcurrency, so steps keep that many rows in flight",
        ),
        maxResubmits: whole(
          0,
          BATCH_DEFAULTS.maxResubmits,
          "times a request is submitted again after its batch expired, failed or was cancelled",
        ),
      },
    },
  ],
};
