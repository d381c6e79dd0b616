import type { OperatorContext, OperatorSpec } from "../contracts/operator.js";
import { drop, type ProcessResult } from "../contracts/process-result.js";
import type { Row } from "../contracts/row.js";
import { RowOperator } from "../bases/row-operator.js";
import {
  type CompiledCondition,
  type Condition,
  compileCondition,
  conditionColumns,
  conditionDefs,
} from "./condition.js";

export interface FilterParams {
  where: Condition;
}

const MAX_REASON = 120;

/** Keeps the rows that match a declared condition; drops the others with the condition as reason. */
export class FilterOperator extends RowOperator<FilterParams> {
  static readonly spec: OperatorSpec<FilterParams> = {
    name: "core/filter",
    version: "1.0.0",
    description:
      "Keep rows matching `where`, a declared condition ({column, op, value?}, combined with all/any/not); " +
      "other rows are dropped with reason `where: <condition>`. Comparisons never coerce types: values of " +
      "different types are unequal, and gt/gte/lt/lte between different types (or non number/string) are false.",
    params: {
      // The $id keeps `#/$defs/...` resolvable when this schema is embedded in a larger one.
      $id: "urn:dataflow:operator:core/filter:params",
      type: "object",
      properties: {
        where: { $ref: "#/$defs/condition", description: "Condition a row must meet to be kept." },
      },
      required: ["where"],
      additionalProperties: false,
      $defs: conditionDefs,
    },
    inputs: {},
    outputs: {},
    columns: (params) => ({ reads: conditionColumns(params.where, ["params", "where"]) }),
  };

  private condition: CompiledCondition | undefined;
  private reason = "";

  override setup(ctx: OperatorContext<FilterParams>): void {
    // Fails the step before any row if a regular expression is invalid.
    this.condition = compileCondition(ctx.params.where, ["params", "where"]);
    const text = this.condition.description;
    this.reason = `where: ${text.length > MAX_REASON ? `${text.slice(0, MAX_REASON - 1)}…` : text}`;
  }

  process(row: Row): ProcessResult {
    return this.condition?.test(row) ? undefined : drop(this.reason);
  }
}
