import type { OperatorSpec } from "../contracts/operator.js";
import type { ProcessResult } from "../contracts/process-result.js";
import type { Row } from "../contracts/row.js";
import { type RowContext, RowOperator } from "../bases/row-operator.js";
import { columnListParams, columnListRefs } from "./column-list.js";

export interface DropParams {
  columns: string[];
}

/** Removes columns. */
export class DropOperator extends RowOperator<DropParams> {
  static readonly spec: OperatorSpec<DropParams> = {
    name: "core/drop",
    version: "1.0.0",
    description: "Remove the listed columns from every row. A column a row does not have is ignored.",
    params: columnListParams("Columns to remove."),
    inputs: {},
    outputs: {},
    columns: (params) => ({
      drops: columnListRefs(params.columns),
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
