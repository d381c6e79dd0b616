import { type OverlapRule, overlapRuleSchema } from "@dataflow/retrieval";

/** The `overlap` param: the rule rare/bm25-hard-neg keeps copies of the positive out of negatives by. */
export type OverlapParam = OverlapRule;

export const overlapParamSchema = overlapRuleSchema(
  "When a passage counts as a copy of a dropped gold passage and is kept out of that row's context: " +
    "the rule rare/bm25-hard-neg excludes negatives by",
);
