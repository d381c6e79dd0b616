export * from "./ai-sdk/ai-sdk-serving.js";
export * from "./create-serving.js";
export { servingKinds, servingOptionsSchema } from "./kinds.js";
export { LocalModelUnavailableError } from "./local/local-errors.js";
export type { LocalGpu } from "./local/local-runtime.js";
export * from "./local/local-serving.js";
export { type LocalEnvSettings, localEnvSettings } from "./local/local-settings.js";
export {
  DEFAULT_LOCAL_MODEL,
  isLocalModelReference,
  type ModelReference,
  parseModelReference,
} from "./local/model-reference.js";
export { defaultThreadCount } from "./local/thread-count.js";
export * from "./openai/openai-serving.js";
export * from "./output/extract-json.js";
export * from "./output/parse-structured.js";
export * from "./output/split-reasoning.js";
export { register } from "./register.js";
export * from "./serving/concurrency-limiter.js";
export * from "./serving/endpoint.js";
export type { PoolEndpoint } from "./serving/endpoints/pool-member.js";
export * from "./serving/llm-errors.js";
export * from "./serving/response-cache.js";
export * from "./serving/retry-policy.js";
export * from "./serving/serving-base.js";
export * from "./serving/token-bucket.js";
export * from "./serving/usage-meter.js";
export * from "./serving/vector-codec.js";
export type { EndpointConfig, ServingConfig, ServingType } from "./serving-config.js";
