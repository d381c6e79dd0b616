import type { OperatorSpec } from "../operator.js";
import type { ProcessResult } from "../process-result.js";
import type { Row } from "../row.js";
import { RowOperator, type RowContext } from "../row-operator.js";

export interface DropParams {
  columns: string[];
}

/** Removes columns. */
export class DropOperator extends RowOperator<DropParams> {
  static readonly spec: OperatorSpec<DropParams> = {
    name: "core/drop",
    version: "1.0.0",
    description: "Remove the listed columns from every row. A column a row does not have is ignored.",
    params: {
      type: "object",
      properties: {
        columns: {
          type: "array",
          description: "Columns to remove.",
          items: { type: "string", minLength: 1 },
          minItems: 1,
          uniqueItems: true,
        },
      },
      required: ["columns"],
      additionalProperties: false,
    },
    inputs: {},
    outputs: {},
    columns: (params) => ({
      drops: params.columns.map((column, i) => ({ column, path: ["params", "columns", i] })),
    }),
  };

  process(row: Row, ctx: RowContext<DropParams>): ProcessResult {
    const patch: Row = {};
    for (const column of ctx.params.columns) {
      if (Object.hasOwn(row, column)) patch[column] = undefined;
    }
    return patch;
  }
}
