import { RowError } from "../contracts/errors.js";
import type { OperatorContext, OperatorSpec } from "../contracts/operator.js";
import { drop, type ProcessResult } from "../contracts/process-result.js";
import type { Row } from "../contracts/row.js";
import { type RowContext, RowOperator } from "../bases/row-operator.js";

export interface LengthFilterParams {
  column: string;
  min?: number;
  max?: number;
  unit: "chars" | "words";
}

/** Length in Unicode code points, or in whitespace-separated words. */
export function textLength(text: string, unit: "chars" | "words"): number {
  if (unit === "chars") {
    let n = 0;
    for (const _ of text) n++;
    return n;
  }
  const trimmed = text.trim();
  return trimmed === "" ? 0 : trimmed.split(/\s+/u).length;
}

/** Keeps rows whose text column has a length within [min, max]. */
export class LengthFilterOperator extends RowOperator<LengthFilterParams> {
  static readonly spec: OperatorSpec<LengthFilterParams> = {
    name: "core/length-filter",
    version: "1.0.0",
    description:
      "Keep rows whose string column has a length within [min, max] (both inclusive), counted in Unicode " +
      'characters (code points) or whitespace-separated words. Shorter rows are dropped with reason "shorter ' +
      'than min <min> <unit>", longer ones with "longer than max <max> <unit>". A non-string value is rejected (bad-input).',
    params: {
      type: "object",
      properties: {
        column: { type: "string", minLength: 1, description: "Column holding the text." },
        min: { type: "integer", minimum: 0, description: "Smallest length kept (inclusive)." },
        max: { type: "integer", minimum: 0, description: "Largest length kept (inclusive)." },
        unit: {
          enum: ["chars", "words"],
          default: "chars",
          description: "chars: Unicode code points; words: runs of non-whitespace.",
        },
      },
      required: ["column"],
      anyOf: [{ required: ["min"] }, { required: ["max"] }],
      additionalProperties: false,
    },
    inputs: {},
    outputs: {},
    columns: (params) => ({ reads: [{ column: params.column, path: ["params", "column"] }] }),
  };

  override setup(ctx: OperatorContext<LengthFilterParams>): void {
    const { min, max } = ctx.params;
    if (min !== undefined && max !== undefined && min > max) {
      throw new Error(`core/length-filter: min (${min}) is greater than max (${max}); no row could pass`);
    }
  }

  process(row: Row, ctx: RowContext<LengthFilterParams>): ProcessResult {
    const { column, min, max, unit } = ctx.params;
    const value = row[column];
    if (typeof value !== "string") {
      const what = !Object.hasOwn(row, column)
        ? "is missing"
        : `is ${value === null ? "null" : typeof value}, not a string`;
      throw new RowError("bad-input", `column "${column}" ${what}`);
    }
    const length = textLength(value, unit);
    // Reasons name the bound, not the row's length, so they group in the run summary.
    if (min !== undefined && length < min) return drop(`shorter than min ${min} ${unit}`);
    if (max !== undefined && length > max) return drop(`longer than max ${max} ${unit}`);
    return undefined;
  }
}
