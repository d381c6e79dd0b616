import type { JSONSchema } from "../contracts/json-schema.js";
import type { ColumnRef } from "../contracts/operator.js";
import { templateColumns } from "../operators/template-string.js";
import { type GenerationParams, generationParamsSchema, maxAttemptsSchema } from "./generation-params.js";
import { type RubricParam, rubricParamSchema } from "./judge-rubric.js";

/** The params both judges take. */
export interface JudgeCommonParams extends GenerationParams {
  rubric: RubricParam;
  system?: string;
  maxAttempts: number;
  seed: number;
}

export function templateParam(what: string): JSONSchema {
  return {
    type: "string",
    minLength: 1,
    description: `${what}, with {{column}} placeholders filled from the row (\\{{ is a literal {{)`,
  };
}

export const judgeCommonSchema: Record<string, JSONSchema> = {
  rubric: rubricParamSchema,
  system: templateParam("The judge's system message (default: a strict, fair judge)"),
  maxAttempts: maxAttemptsSchema,
  ...generationParamsSchema,
  seed: {
    type: "integer",
    minimum: 0,
    default: 0,
    description:
      "Sampling seed of the first call; every call is seeded, so a rerun is answered from the response cache",
  },
};

/** The columns a judge's templates read, each named at the param it came from. */
export function templateReads(
  templates: readonly [path: string[], template: string | undefined][],
): ColumnRef[] {
  const seen = new Set<string>();
  const reads: ColumnRef[] = [];
  for (const [path, template] of templates) {
    if (template === undefined) continue;
    for (const column of templateColumns(template)) {
      if (seen.has(column)) continue;
      seen.add(column);
      reads.push({ column, path });
    }
  }
  return reads;
}
