import { RowError } from "../contracts/errors.js";
import type { OperatorContext, OperatorSpec } from "../contracts/operator.js";
import { type ProcessResult, rows } from "../contracts/process-result.js";
import type { Row } from "../contracts/row.js";
import { RowOperator } from "../bases/row-operator.js";

export interface RenameParams {
  /** Old column name → new column name. */
  columns: Record<string, string>;
}

/** Renames columns, keeping each at its place in the row. */
export class RenameOperator extends RowOperator<RenameParams> {
  static readonly spec: OperatorSpec<RenameParams> = {
    name: "core/rename",
    version: "1.0.0",
    description:
      "Rename columns, all at once ({a: b, b: a} swaps). Each keeps its place in the row; renaming onto another existing " +
      "column overwrites that column. A row without one of the old columns is rejected (bad-input).",
    params: {
      type: "object",
      properties: {
        columns: {
          type: "object",
          description: 'Map of old column name to new column name, e.g. {"q": "question"}.',
          minProperties: 1,
          additionalProperties: { type: "string", minLength: 1 },
        },
      },
      required: ["columns"],
      additionalProperties: false,
    },
    inputs: {},
    outputs: {},
    columns: (params) => ({
      reads: Object.keys(params.columns).map((from) => ({ column: from, path: ["params", "columns", from] })),
      renames: Object.entries(params.columns).map(([from, to]) => ({
        from: { column: from, path: ["params", "columns", from] },
        to,
      })),
    }),
  };

  private mapping = new Map<string, string>();
  private targets = new Set<string>();

  override setup(ctx: OperatorContext<RenameParams>): void {
    this.mapping = new Map(Object.entries(ctx.params.columns));
    const seen = new Map<string, string>();
    for (const [from, to] of this.mapping) {
      const other = seen.get(to);
      if (other !== undefined) {
        throw new Error(
          `core/rename: columns "${other}" and "${from}" are both renamed to "${to}"; pick distinct names`,
        );
      }
      seen.set(to, from);
    }
    this.targets = new Set(seen.keys());
  }

  process(row: Row): ProcessResult {
    for (const from of this.mapping.keys()) {
      if (!Object.hasOwn(row, from)) throw new RowError("bad-input", `column "${from}" is missing`);
    }
    // Rebuilt rather than patched so a renamed column stays where it was.
    const out: Row = {};
    for (const [key, value] of Object.entries(row)) {
      const to = this.mapping.get(key);
      if (to !== undefined) out[to] = value;
      else if (!this.targets.has(key)) out[key] = value;
    }
    return rows([out]);
  }
}
