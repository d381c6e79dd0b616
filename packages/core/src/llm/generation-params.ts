import type { JSONSchema } from "../contracts/json-schema.js";
import type { GenerationSettings } from "../contracts/llm-serving.js";

/** Sampling settings an LLM operator may override; unset ones fall back to the serving's. */
export interface GenerationParams {
  temperature?: number;
  topP?: number;
  maxTokens?: number;
  /** Server-specific request fields for this step, merged over the serving's `extraBody` (the step's win). */
  extraBody?: Record<string, unknown>;
}

/** The params-schema properties for `GenerationParams`, for LLM operators to spread into their params schema. */
export const generationParamsSchema: Record<string, JSONSchema> = {
  temperature: {
    type: "number",
    minimum: 0,
    maximum: 2,
    description: "Sampling temperature (default: the serving's)",
  },
  topP: {
    type: "number",
    exclusiveMinimum: 0,
    maximum: 1,
    description: "Nucleus sampling (default: the serving's)",
  },
  maxTokens: { type: "integer", minimum: 1, description: "Most tokens per answer (default: the serving's)" },
  extraBody: {
    type: "object",
    description:
      "Server-specific request fields for this step, sent as they are (vLLM/SGLang top_k, min_p, repetition_penalty, guided_json, chat_template_kwargs: { enable_thinking: false }); merged over the serving's extraBody, a top-level field given here replacing the serving's; part of the response cache key and the step fingerprint (serving type openai)",
  },
};

export const maxAttemptsSchema: JSONSchema = {
  type: "integer",
  minimum: 1,
  default: 3,
  description:
    "Total LLM calls per row when the answer is unusable; a row that still fails is rejected with the raw output",
};

/**
 * Only the settings that are set, so the serving's own defaults stay in force for the rest. `seed`
 * and `stop` come from the operator (each names its own params for them).
 */
export function generationSettings(
  params: GenerationParams,
  extra: { seed?: number | undefined; stop?: readonly string[] | undefined } = {},
): GenerationSettings {
  const settings: GenerationSettings = {};
  if (params.temperature !== undefined) settings.temperature = params.temperature;
  if (params.topP !== undefined) settings.topP = params.topP;
  if (params.maxTokens !== undefined) settings.maxTokens = params.maxTokens;
  if (params.extraBody && Object.keys(params.extraBody).length > 0)
    settings.extraBody = { ...params.extraBody };
  if (extra.seed !== undefined) settings.seed = extra.seed;
  if (extra.stop?.length) settings.stop = [...extra.stop];
  return settings;
}
