import { RowError } from "../contracts/errors.js";
import type { OperatorContext, OperatorSpec } from "../contracts/operator.js";
import { drop, type ProcessResult } from "../contracts/process-result.js";
import type { Row } from "../contracts/row.js";
import { type RowContext, RowOperator } from "../bases/row-operator.js";
import { jsonDigest } from "../util/canonical-json.js";

export interface DedupParams {
  column: string;
  ignoreCase: boolean;
  trim: boolean;
}

/** Exact dedup: the first row per value of a column is kept, later ones are dropped. */
export class DedupOperator extends RowOperator<DedupParams> {
  static readonly spec: OperatorSpec<DedupParams> = {
    name: "core/dedup",
    version: "1.0.0",
    description:
      "Exact dedup on one column: keep the first row (in input order) for each value, drop later rows with " +
      'reason "duplicate of row <id>". Values are compared as canonical JSON (objects and arrays work, key ' +
      'order ignored, 1 differs from "1"); a row without the column is rejected (bad-input). Memory holds ' +
      "one 44-byte digest per distinct value.",
    params: {
      type: "object",
      properties: {
        column: { type: "string", minLength: 1, description: "Column whose value identifies duplicates." },
        ignoreCase: {
          type: "boolean",
          default: false,
          description:
            "Compare string values case-insensitively (lower-cased). Strings nested in objects are not changed.",
        },
        trim: {
          type: "boolean",
          default: false,
          description: "Ignore leading and trailing whitespace of string values.",
        },
      },
      required: ["column"],
      additionalProperties: false,
    },
    inputs: {},
    outputs: {},
    // Which row is "first" depends on the order rows are processed.
    concurrency: 1,
    // "First" is over every shard's rows: decided at the merge, in source order.
    sharding: () => "merge",
    columns: (params) => ({ reads: [{ column: params.column, path: ["params", "column"] }] }),
  };

  /** Digest of the canonical value → id of the row kept for it. */
  private seen = new Map<string, string>();

  override setup(_ctx: OperatorContext<DedupParams>): void {
    this.seen = new Map();
  }

  // Synchronous on purpose: the base calls process in input order, so "first" is
  // the first in input order even if a step sets a higher concurrency.
  process(row: Row, ctx: RowContext<DedupParams>): ProcessResult {
    const { column, ignoreCase, trim } = ctx.params;
    if (!Object.hasOwn(row, column)) throw new RowError("bad-input", `column "${column}" is missing`);
    const value = row[column];
    const digest = jsonDigest(typeof value === "string" ? normalise(value, trim, ignoreCase) : value);
    const first = this.seen.get(digest);
    if (first !== undefined) return drop(`duplicate of row ${first}`);
    this.seen.set(digest, ctx.rowId);
    return undefined;
  }
}

function normalise(text: string, trim: boolean, ignoreCase: boolean): string {
  const t = trim ? text.trim() : text;
  return ignoreCase ? t.toLowerCase() : t;
}
