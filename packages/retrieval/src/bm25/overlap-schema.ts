import type { JSONSchema } from "@dataflow/core";
import { DEFAULT_OVERLAP_RULE } from "./overlap.js";

/**
 * The params schema of an overlap rule, for every operator that keeps copies of a passage out
 * (rare/bm25-hard-neg's negatives, rag/noisy-context's dropped gold); `description` says what for.
 */
export function overlapRuleSchema(description: string): JSONSchema {
  return {
    type: "object",
    additionalProperties: false,
    default: {},
    description,
    properties: {
      minSharedChars: {
        type: "integer",
        minimum: 0,
        default: DEFAULT_OVERLAP_RULE.minSharedChars,
        description: "A common run of this many characters makes an overlap; 0 turns the rule off",
      },
      shingleSize: {
        type: "integer",
        minimum: 1,
        default: DEFAULT_OVERLAP_RULE.shingleSize,
        description: "Words per shingle for containment",
      },
      maxContainment: {
        type: "number",
        minimum: 0,
        maximum: 1,
        default: DEFAULT_OVERLAP_RULE.maxContainment,
        description: "This share of the smaller text's shingles found in the other makes an overlap; 0 = off",
      },
      normalize: {
        type: "boolean",
        default: DEFAULT_OVERLAP_RULE.normalize,
        description: "Compare after Unicode normalisation, lower-casing and collapsing whitespace",
      },
    },
  };
}
