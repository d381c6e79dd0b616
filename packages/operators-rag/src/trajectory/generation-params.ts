import {
  type GenerationParams as KitGenerationParams,
  generationParamsSchema as kitGenerationParamsSchema,
  type GenerationSettings,
  generationSettings as kitGenerationSettings,
  type JSONSchema,
} from "@dataflow/core";

/** Sampling settings of every call the operator makes; unset ones fall back to the serving's. */
export interface GenerationParams extends KitGenerationParams {
  seed?: number;
  stop?: string[];
}

/** The params-schema properties for `GenerationParams`. */
export const generationParamsSchema: Record<string, JSONSchema> = {
  ...kitGenerationParamsSchema,
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

/** Only the settings that are set; the stop sequences go with the step calls only, not the answer calls. */
export function generationSettings(params: GenerationParams, withStop: boolean): GenerationSettings {
  return kitGenerationSettings(params, { seed: params.seed, stop: withStop ? params.stop : undefined });
}
