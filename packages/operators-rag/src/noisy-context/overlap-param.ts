import type { JSONSchema } from "@dataflow/core";
import { DEFAULT_OVERLAP_RULE, type OverlapRule } from "@dataflow/retrieval";

/** The `overlap` param: the rule rare/bm25-hard-neg keeps copies of the positive out of negatives by. */
export type OverlapParam = OverlapRule;

export const overlapParamSchema: JSONSchema = {
  type: "object",
  additionalProperties: false,
  default: {},
  description:
    "When a passage counts as a copy of a dropped gold passage and is kept out of that row's context: " +
    "the rule rare/bm25-hard-neg excludes negatives by",
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
