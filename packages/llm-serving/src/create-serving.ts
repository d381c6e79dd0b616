import type { KindConfig, Logger } from "@dataflow/core";
import { silentLogger } from "@dataflow/core";
import { AiSdkServing } from "./ai-sdk/ai-sdk-serving.js";
import { withBatchMode } from "./batch/batch-serving.js";
import type { ProgressStream } from "./local/download-progress.js";
import { LocalServing } from "./local/local-serving.js";
import { localEnvSettings } from "./local/local-settings.js";
import { DEFAULT_LOCAL_MODEL, isLocalModelReference } from "./local/model-reference.js";
import { defaultModelsDir } from "./local/models-dir.js";
import { OpenAIServing } from "./openai/openai-serving.js";
import {
  checkBaseURL,
  endpointLabel,
  isLoopback,
  OPENAI_DEFAULT_BASE_URL,
  resolveApiKey,
} from "./serving/endpoint.js";
import {
  listedEndpoints,
  type ResolvedEndpoint,
  resolveEndpoints,
} from "./serving/endpoints/endpoint-list.js";
import type { RetryTuning } from "./serving/retry-policy.js";
import type { ServingBase, ServingBaseOptions } from "./serving/serving-base.js";
import type { EndpointConfig, ServingConfig, ServingType } from "./serving-config.js";

export interface CreateServingOptions {
  /** Where API keys and OPENAI_BASE_URL are read; process.env by default. */
  env?: Record<string, string | undefined>;
  /** Directory of the response cache, shared across runs (e.g. `<cache.dir>/responses`); no cache when absent. */
  cacheDir?: string;
  logger?: Logger;
  /** Backoff tuning; the defaults suit real endpoints (tests shorten them). */
  retry?: RetryTuning;
  /**
   * Where `local` servings download models, once. Default: DATAFLOW_MODELS_DIR, else
   * $XDG_CACHE_HOME/dataflow/models, else ~/.cache/dataflow/models (once per user).
   */
  modelsDir?: string;
  /** Where a model download draws its progress bar; process.stderr by default. */
  progressStream?: ProgressStream;
  /** Resolves a relative local model path; process.cwd() by default. */
  cwd?: string;
  /** The run's directory: batch servings journal their batches under `<runDir>/batches/`, so a killed run resumes them. */
  runDir?: string;
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
 * `apiKeyEnv`. `auto` picks `openai` when an endpoint or a key is configured,
 * else `local` with the default model (or DATAFLOW_LOCAL_MODEL); `local` runs a
 * GGUF model in-process. Nothing is loaded or downloaded here. Throws an Error
 * saying what to fix when the config or the environment is malformed.
 *
 * The config is a typed ServingConfig, or a compiled plan's block (`plan.servings.<name>`), which
 * the compiler checked against `servingOptionsSchema`.
 */
export function createServing(
  name: string,
  given: ServingConfig | KindConfig,
  options: CreateServingOptions = {},
): ServingBase {
  const config = given as ServingConfig;
  const env = options.env ?? process.env;
  const logger = options.logger ?? silentLogger;
  // `baseURL: ${OPENAI_BASE_URL:-}` interpolates to "" when unset: empty means unset.
  const listed = listedEndpoints(name, config);
  const only = listed.length === 1 ? listed[0] : undefined;
  const apiKeyEnv = only?.apiKeyEnv ?? config.apiKeyEnv ?? DEFAULTS.apiKeyEnv;
  const configured = listed[0]?.baseURL ?? nonEmpty(env.OPENAI_BASE_URL);
  let type = config.type ?? "auto";

  if (type === "auto") {
    const keyed = nonEmpty(env[apiKeyEnv]) ?? nonEmpty(env.OPENAI_API_KEY);
    if (!configured && !keyed) {
      const local = localEnvSettings(env);
      // `model` is usually an API model name (gpt-4o-mini): only a GGUF path or a model URI is used here.
      const model = isLocalModelReference(config.model)
        ? config.model
        : (local.model ?? DEFAULT_LOCAL_MODEL.uri);
      const keys = apiKeyEnv === "OPENAI_API_KEY" ? "OPENAI_API_KEY" : `${apiKeyEnv} or OPENAI_API_KEY`;
      logger.info(`serving "${name}": auto → local, model ${model} (no OPENAI_BASE_URL or ${keys} set)`);
      return createLocal(name, config, model, options, env, logger, true);
    }
    type = "openai";
  }
  if (type === "local") {
    logger.info(`serving "${name}": local, model ${config.model}`);
    return createLocal(name, config, config.model, options, env, logger, false);
  }

  if (listed.length > 1) return createPooled(name, config, type, listed, options, env, logger);
  const baseURL = checkBaseURL(name, configured ?? OPENAI_DEFAULT_BASE_URL, logger);
  const { apiKey, placeholder } = resolveApiKey(env, apiKeyEnv, baseURL, name);
  const where = endpointLabel(baseURL);
  const how = config.type === "auto" || config.type === undefined ? "auto → openai" : type;
  logger.info(`serving "${name}": ${how}, model ${config.model} at ${where}`);
  if (placeholder && !isLoopback(baseURL)) {
    logger.warn(`serving "${name}": ${apiKeyEnv} is not set; calling ${where} without an API key`);
  }

  const shared = sharedOptions(name, config, options, logger);
  // One endpoint of `endpoints:` with its own bound: the lower of it and the serving's.
  if (only?.maxConcurrency !== undefined)
    shared.maxConcurrency = Math.min(shared.maxConcurrency, only.maxConcurrency);
  const base: ServingBaseOptions = {
    ...shared,
    ...httpOptions(name, config, type),
    endpoint: { baseURL, apiKeyEnv },
  };
  const runDir = options.runDir;
  const batched = withBatchMode(base, config.batch, { name, baseURL, apiKey, runDir, logger });
  const transport = { ...batched, baseURL, apiKey };
  return type === "ai-sdk" ? new AiSdkServing(transport) : new OpenAIServing(transport);
}

/** What both HTTP types take from the config beside the endpoint. */
function httpOptions(
  name: string,
  config: ServingConfig,
  type: ServingType,
): Partial<ServingBaseOptions> & { model: string } {
  if (type === "ai-sdk" && config.extraBody && Object.keys(config.extraBody).length > 0) {
    throw new Error(
      `serving "${name}": extraBody is sent by type openai only (the AI SDK builds its own request body); use type: openai`,
    );
  }
  return {
    model: config.model,
    ...(config.breaker ? { breaker: config.breaker } : {}),
    ...(config.hedge !== undefined ? { hedge: config.hedge } : {}),
    ...(config.maxAnswerBytes !== undefined ? { maxAnswerBytes: config.maxAnswerBytes } : {}),
    ...(config.extraBody !== undefined ? { extraBody: config.extraBody } : {}),
  };
}

/** An HTTP serving over several endpoints (serving/endpoints/): one transport each, a pool picking per attempt. */
function createPooled(
  name: string,
  config: ServingConfig,
  type: ServingType,
  listed: readonly EndpointConfig[],
  options: CreateServingOptions,
  env: Record<string, string | undefined>,
  logger: Logger,
): ServingBase {
  if (config.batch !== undefined && config.batch !== false) {
    throw new Error(
      `serving "${name}": batch mode sends to one provider's Batch API; give one baseURL, or drop batch to spread requests over ${listed.length} endpoints`,
    );
  }
  const apiKeyEnv = config.apiKeyEnv ?? DEFAULTS.apiKeyEnv;
  const endpoints = resolveEndpoints(name, listed, apiKeyEnv, env, logger);
  const how = config.type === "auto" || config.type === undefined ? "auto → openai" : type;
  const labels = endpoints.map((e) => endpointLabel(e.baseURL)).join(", ");
  logger.info(`serving "${name}": ${how}, model ${config.model} at ${endpoints.length} endpoints: ${labels}`);
  const first = endpoints[0] as ResolvedEndpoint;
  const base: ServingBaseOptions = {
    ...sharedOptions(name, config, options, logger),
    ...httpOptions(name, config, type),
    endpoint: { baseURL: first.baseURL, apiKeyEnv: first.apiKeyEnv },
    endpoints: endpoints.map(({ apiKey: _key, ...pool }) => pool),
  };
  const endpointKeys = endpoints.map((e) => ({ baseURL: e.baseURL, apiKey: e.apiKey }));
  const transport = { ...base, baseURL: first.baseURL, apiKey: first.apiKey, endpointKeys };
  return type === "ai-sdk" ? new AiSdkServing(transport) : new OpenAIServing(transport);
}

/** An in-process model (nothing is loaded until the first request); env settings fill what the config lacks. */
function createLocal(
  name: string,
  config: ServingConfig,
  model: string,
  options: CreateServingOptions,
  env: Record<string, string | undefined>,
  logger: Logger,
  auto: boolean,
): LocalServing {
  if (config.batch !== undefined && config.batch !== false) {
    // Switching type to local keeps a batch pipeline valid; said, not silently dropped.
    logger.warn(
      `serving "${name}": batch is for Batch APIs of endpoints (openai, ai-sdk); the local model answers each request itself`,
    );
  }
  // The pipeline's settings win; the DATAFLOW_LOCAL_* variables fill what it leaves out.
  const fromEnv = localEnvSettings(env);
  const local = {
    ...fromEnv,
    ...(config.threads !== undefined ? { threads: config.threads } : {}),
    ...(config.contextSize !== undefined ? { contextSize: config.contextSize } : {}),
  };
  // Once per user (not per clone beside the response cache): a model is a gigabyte.
  const modelsDir = options.modelsDir ?? defaultModelsDir(env);
  const shared = sharedOptions(name, config, options, logger);
  const embeddingModel = config.embeddingModel;
  if (auto && embeddingModel !== undefined && !isLocalModelReference(embeddingModel)) {
    // An API embedding model (text-embedding-3-small) means nothing here, as an API chat model does not.
    delete shared.embeddingModel;
    logger.info(
      `serving "${name}": embeddingModel ${embeddingModel} is not a GGUF file or model URI; the local model embeds instead`,
    );
  }
  return new LocalServing({
    ...shared,
    model,
    modelsDir,
    env,
    ...(local.threads !== undefined ? { threads: local.threads } : {}),
    ...(local.contextSize !== undefined ? { contextSize: local.contextSize } : {}),
    ...(local.gpu !== undefined ? { gpu: local.gpu } : {}),
    ...(local.sha256 !== undefined ? { sha256: local.sha256 } : {}),
    ...(options.progressStream ? { progressStream: options.progressStream } : {}),
    ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
  });
}

/** What every serving type takes from the config and the factory's options. */
function sharedOptions(
  name: string,
  config: ServingConfig,
  options: CreateServingOptions,
  logger: Logger,
): Omit<ServingBaseOptions, "model"> {
  return {
    name,
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
    ...(config.embeddingModel !== undefined ? { embeddingModel: config.embeddingModel } : {}),
    ...(config.embeddingBatchSize !== undefined ? { embeddingBatchSize: config.embeddingBatchSize } : {}),
    ...(config.embeddingDimensions !== undefined ? { embeddingDimensions: config.embeddingDimensions } : {}),
    ...(options.cacheDir !== undefined ? { cacheDir: options.cacheDir } : {}),
    ...(options.retry ? { retry: options.retry } : {}),
    logger,
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  const v = value?.trim();
  return v ? v : undefined;
}
