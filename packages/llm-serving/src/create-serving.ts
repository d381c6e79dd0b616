import type { Logger, ServingConfig } from "@dataflow/core";
import { silentLogger } from "@dataflow/core";
import { AiSdkServing } from "./ai-sdk/ai-sdk-serving.js";
import { OpenAIServing } from "./openai/openai-serving.js";
import { OPENAI_DEFAULT_BASE_URL, endpointLabel, isLoopback, resolveApiKey } from "./serving/endpoint.js";
import type { RetryTuning } from "./serving/retry-policy.js";
import type { ServingBase, ServingBaseOptions } from "./serving/serving-base.js";

export interface CreateServingOptions {
  /** Where API keys and OPENAI_BASE_URL are read; process.env by default. */
  env?: Record<string, string | undefined>;
  /** Directory of the response cache, shared across runs (e.g. `<cache.dir>/responses`); no cache when absent. */
  cacheDir?: string;
  logger?: Logger;
  /** Backoff tuning; the defaults suit real endpoints (tests shorten them). */
  retry?: RetryTuning;
}

const DEFAULTS = {
  apiKeyEnv: "OPENAI_API_KEY",
  maxConcurrency: 16,
  timeoutMs: 120_000,
  maxRetries: 5,
} as const;

/**
 * The serving for `servings.<name>` of a pipeline. `openai` and `ai-sdk` talk
 * to an OpenAI-compatible endpoint: `baseURL` from the config, else
 * OPENAI_BASE_URL, else the OpenAI API; the key from the variable named by
 * `apiKeyEnv`. `auto` picks `openai` when an endpoint or a key is configured.
 * Throws an Error saying what to set when nothing is.
 */
export function createServing(
  name: string,
  config: ServingConfig,
  options: CreateServingOptions = {},
): ServingBase {
  const env = options.env ?? process.env;
  const logger = options.logger ?? silentLogger;
  const apiKeyEnv = config.apiKeyEnv ?? DEFAULTS.apiKeyEnv;
  // `baseURL: ${OPENAI_BASE_URL:-}` interpolates to "" when unset: empty means unset.
  const configured = nonEmpty(config.baseURL) ?? nonEmpty(env.OPENAI_BASE_URL);
  let type = config.type ?? "auto";

  if (type === "local") {
    throw new Error(
      `serving "${name}": type local (an in-process GGUF model) is not available yet; it comes in a later release. ` +
        "Meanwhile run a local OpenAI-compatible server (llama.cpp's llama-server, Ollama, vLLM, LM Studio) and " +
        "use type openai with baseURL (or OPENAI_BASE_URL) pointing at its /v1 URL.",
    );
  }
  if (type === "auto") {
    if (!configured && !nonEmpty(env[apiKeyEnv]) && !nonEmpty(env.OPENAI_API_KEY)) {
      throw new Error(
        `serving "${name}" (type auto): no LLM endpoint is configured. Set OPENAI_BASE_URL to an ` +
          "OpenAI-compatible server's /v1 URL (vLLM, SGLang, Ollama, llama.cpp, LM Studio), or set baseURL in " +
          `the serving, or set ${apiKeyEnv} to use the OpenAI API. (The in-process local model that auto ` +
          "falls back to is not available yet; it comes in a later release.)",
      );
    }
    type = "openai";
  }

  const baseURL = configured ?? OPENAI_DEFAULT_BASE_URL;
  const { apiKey, placeholder } = resolveApiKey(env, apiKeyEnv, baseURL, name);
  const where = endpointLabel(baseURL);
  const how = config.type === "auto" || config.type === undefined ? "auto → openai" : type;
  logger.info(`serving "${name}": ${how}, model ${config.model} at ${where}`);
  if (placeholder && !isLoopback(baseURL)) {
    logger.warn(`serving "${name}": ${apiKeyEnv} is not set; calling ${where} without an API key`);
  }

  const base: ServingBaseOptions = {
    name,
    model: config.model,
    maxConcurrency: config.maxConcurrency ?? DEFAULTS.maxConcurrency,
    timeoutMs: config.timeoutMs ?? DEFAULTS.timeoutMs,
    maxRetries: config.maxRetries ?? DEFAULTS.maxRetries,
    ...(config.requestsPerMinute !== undefined ? { requestsPerMinute: config.requestsPerMinute } : {}),
    ...(config.tokensPerMinute !== undefined ? { tokensPerMinute: config.tokensPerMinute } : {}),
    settings: {
      temperature: config.temperature,
      topP: config.topP,
      maxTokens: config.maxTokens,
      seed: config.seed,
      stop: config.stop,
    },
    ...(config.prices ? { prices: config.prices } : {}),
    ...(options.cacheDir !== undefined ? { cacheDir: options.cacheDir } : {}),
    ...(options.retry ? { retry: options.retry } : {}),
    logger,
  };
  const transport = { ...base, baseURL, apiKey };
  return type === "ai-sdk" ? new AiSdkServing(transport) : new OpenAIServing(transport);
}

function nonEmpty(value: string | undefined): string | undefined {
  const v = value?.trim();
  return v ? v : undefined;
}
