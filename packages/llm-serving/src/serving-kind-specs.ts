import type { JSONSchema } from "@dataflow/core";
import { batchOptionsSchema } from "./batch/batch-schema.js";
import type { ServingType } from "./serving-config.js";

const positiveInt: JSONSchema = { type: "integer", minimum: 1 };

/**
 * The options of every serving type here. They share one set so that switching `type` (say
 * `--set servings.teacher.type=local` on a pipeline written for an endpoint) keeps it valid;
 * options a type does not use (`threads` for openai, `baseURL` for local) are ignored.
 */
export const servingOptionsSchema: JSONSchema = {
  type: "object",
  additionalProperties: false,
  required: ["model"],
  properties: {
    model: { type: "string", minLength: 1, description: "Model name, or a GGUF path for local" },
    baseURL: {
      description:
        "OpenAI-compatible endpoint, e.g. http://127.0.0.1:8000/v1; or a list of endpoints serving the same model, each request going to the one with the fewest in flight",
      oneOf: [{ type: "string" }, { type: "array", items: { type: "string" }, minItems: 1, maxItems: 64 }],
    },
    endpoints: {
      type: "array",
      minItems: 1,
      maxItems: 64,
      description:
        "openai/ai-sdk, instead of baseURL: endpoints serving the same model. Each request goes to the one with the fewest requests in flight for its weight, within its maxConcurrency; one that fails repeatedly cools down out of rotation and is probed back in; a failed request is retried on another",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["baseURL"],
        properties: {
          baseURL: { type: "string", description: "e.g. http://10.0.0.2:8000/v1 (no credentials in it)" },
          weight: { type: "number", exclusiveMinimum: 0, description: "share of the requests (default 1)" },
          maxConcurrency: {
            ...positiveInt,
            description: "requests in flight to it at once (default: no own bound)",
          },
          apiKeyEnv: {
            type: "string",
            pattern: "^[A-Za-z_][A-Za-z0-9_]*$",
            description: "variable holding this endpoint's key (default: the serving's apiKeyEnv)",
          },
        },
      },
    },
    apiKeyEnv: {
      type: "string",
      pattern: "^[A-Za-z_][A-Za-z0-9_]*$",
      default: "OPENAI_API_KEY",
      description: "Name of the environment variable holding the API key",
    },
    maxConcurrency: {
      ...positiveInt,
      default: 16,
      description: "Requests in flight at once, across all steps",
    },
    timeoutMs: { ...positiveInt, default: 120000, description: "Per-request timeout" },
    maxRetries: { type: "integer", minimum: 0, default: 5 },
    requestsPerMinute: positiveInt,
    tokensPerMinute: positiveInt,
    temperature: { type: "number", minimum: 0, maximum: 2 },
    topP: { type: "number", exclusiveMinimum: 0, maximum: 1 },
    maxTokens: positiveInt,
    seed: { type: "integer" },
    stop: { type: "array", items: { type: "string" } },
    threads: { ...positiveInt, description: "local: CPU threads (default: the cores available)" },
    contextSize: { ...positiveInt, description: "local: context size in tokens (default: the model's)" },
    embeddingModel: {
      type: "string",
      minLength: 1,
      description:
        "Model for embeddings (dense retrieval), default `model`; a GGUF path or hf: URI for local",
    },
    embeddingBatchSize: {
      ...positiveInt,
      maximum: 2048,
      default: 64,
      description: "Texts per embeddings request",
    },
    embeddingDimensions: { ...positiveInt, description: "Vector length to ask for (OpenAI `dimensions`)" },
    breaker: {
      type: "object",
      description:
        "openai/ai-sdk: the endpoint's circuit breaker. After `failures` server errors or connection failures in a row, requests wait while one probe at a time goes out; an outage longer than `budgetMs` (`unreachableBudgetMs` when the endpoint never answered) stops the run",
      additionalProperties: false,
      properties: {
        failures: { ...positiveInt, default: 5 },
        budgetMs: { ...positiveInt, default: 60000 },
        unreachableBudgetMs: { ...positiveInt, default: 3000 },
      },
    },
    extraBody: {
      type: "object",
      description:
        "openai: server-specific chat request fields sent as they are (vLLM/SGLang top_k, min_p, repetition_penalty, guided_json, chat_template_kwargs: { enable_thinking: false }); part of the response cache key and the step fingerprint",
    },
    maxAnswerBytes: {
      ...positiveInt,
      description:
        "openai/ai-sdk: bound on one chat answer's body in bytes (default 4194304, 4 MiB); a longer answer is a bad-output reject keeping its first 4 KB, never read whole",
    },
    hedge: {
      description:
        "openai/ai-sdk: hedged requests. A request not answered after `multiplier` × the `quantile` of recent latencies (at least `minDelayMs`) gets a second one beside it; the first answer wins, the other is aborted. false: off",
      oneOf: [
        { const: false },
        {
          type: "object",
          additionalProperties: false,
          properties: {
            quantile: { type: "number", exclusiveMinimum: 0, maximum: 1, default: 0.95 },
            multiplier: { type: "number", minimum: 1, default: 1.5 },
            minDelayMs: { type: "integer", minimum: 0, default: 250 },
            maxInFlight: {
              ...positiveInt,
              description: "hedges on the wire at once (default maxConcurrency ÷ 10)",
            },
          },
        },
      ],
    },
    prices: {
      type: "object",
      description: "USD per million tokens, for cost totals",
      additionalProperties: false,
      properties: {
        input: { type: "number", minimum: 0 },
        output: { type: "number", minimum: 0 },
        batchInput: {
          type: "number",
          minimum: 0,
          description: "batch mode input price (default input × 0.5)",
        },
        batchOutput: {
          type: "number",
          minimum: 0,
          description: "batch mode output price (default output × 0.5)",
        },
      },
    },
    batch: batchOptionsSchema,
  },
};

/** The serving types of this package: `type:`, its description, and whether it is the default. */
export const SERVING_TYPES: readonly { type: ServingType; description: string; default?: true }[] = [
  {
    type: "auto",
    description:
      "an OpenAI-compatible endpoint when OPENAI_API_KEY or OPENAI_BASE_URL is set, else local (the default)",
    default: true,
  },
  { type: "openai", description: "the openai SDK against OpenAI or any OpenAI-compatible server (baseURL)" },
  { type: "ai-sdk", description: "the Vercel AI SDK against an OpenAI-compatible endpoint" },
  { type: "local", description: "a GGUF model in-process through node-llama-cpp (threads, contextSize)" },
];
