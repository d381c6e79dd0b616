import type { JSONSchema } from "../contracts/json-schema.js";
import type { ColumnRef } from "../contracts/operator.js";

/** Params schema of operators that take one non-empty list of distinct column names. */
export function columnListParams(description: string): JSONSchema {
  return {
    type: "object",
    properties: {
      columns: {
        type: "array",
        description,
        items: { type: "string", minLength: 1 },
        minItems: 1,
        uniqueItems: true,
      },
    },
    required: ["columns"],
    additionalProperties: false,
  };
}

/** Each listed column with where it is named in the step, for compile-time checks. */
export function columnListRefs(columns: readonly string[]): ColumnRef[] {
  return columns.map((column, i) => ({ column, path: ["params", "columns", i] }));
}
