import { RowError } from "../contracts/errors.js";
import type { OperatorSpec } from "../contracts/operator.js";
import { type ProcessResult, rows } from "../contracts/process-result.js";
import type { Row } from "../contracts/row.js";
import { type RowContext, RowOperator } from "../bases/row-operator.js";
import { columnListParams, columnListRefs } from "./column-list.js";

export interface SelectParams {
  columns: string[];
}

/** Keeps only the listed columns, in the listed order. */
export class SelectOperator extends RowOperator<SelectParams> {
  static readonly spec: OperatorSpec<SelectParams> = {
    name: "core/select",
    version: "1.0.0",
    description:
      "Keep only the listed columns, in the listed order; every other column is removed. " +
      "A row without one of the listed columns is rejected (bad-input), never passed on short.",
    params: columnListParams("Columns to keep, in output order."),
    inputs: {},
    outputs: {},
    columns: (params) => {
      const refs = columnListRefs(params.columns);
      return { reads: refs, keepOnly: refs };
    },
  };

  process(row: Row, ctx: RowContext<SelectParams>): ProcessResult {
    const out: Row = {};
    for (const column of ctx.params.columns) {
      if (!Object.hasOwn(row, column)) throw new RowError("bad-input", `column "${column}" is missing`);
      out[column] = row[column];
    }
    // A full row, not a patch: a patch cannot remove the columns it does not name.
    return rows([out]);
  }
}
