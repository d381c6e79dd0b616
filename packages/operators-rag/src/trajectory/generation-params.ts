import type { GenerationSettings, JSONSchema } from "@dataflow/core";

/** Sampling settings of every call the operator makes; unset ones fall back to the serving's. */
export interface GenerationParams {
  temperature?: number;
  topP?: number;
  maxTokens?: number;
  seed?: number;
  stop?: string[];
}

/** The params-schema properties for `GenerationParams`. */
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
  seed: {
    type: "integer",
    description:
      "Sampling seed sent with every call, so a rerun asks the same requests and the response cache answers them",
  },
  stop: {
    type: "array",
    items: { type: "string", minLength: 1 },
    maxItems: 4,
    description:
      'Stop sequences for the step calls, e.g. ["\\nObservation"] to cut an invented observation short (default: none)',
  },
};

/** Only the settings that are set, so the serving's own defaults stay in force for the rest. */
export function generationSettings(params: GenerationParams, withStop: boolean): GenerationSettings {
  const settings: GenerationSettings = {};
  if (params.temperature !== undefined) settings.temperature = params.temperature;
  if (params.topP !== undefined) settings.topP = params.topP;
  if (params.maxTokens !== undefined) settings.maxTokens = params.maxTokens;
  if (params.seed !== undefined) settings.seed = params.seed;
  if (withStop && params.stop !== undefined && params.stop.length > 0) settings.stop = [...params.stop];
  return settings;
}
