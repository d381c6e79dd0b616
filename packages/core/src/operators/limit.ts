import type { OperatorContext, OperatorSpec } from "../contracts/operator.js";
import { drop, type ProcessResult } from "../contracts/process-result.js";
import type { Row } from "../contracts/row.js";
import { type RowContext, RowOperator } from "../bases/row-operator.js";

export interface LimitParams {
  n: number;
  offset: number;
}

/** Keeps rows offset … offset+n-1 by position in the input. */
export class LimitOperator extends RowOperator<LimitParams> {
  static readonly spec: OperatorSpec<LimitParams> = {
    name: "core/limit",
    version: "1.0.0",
    description:
      "Keep `n` rows starting at position `offset` (0-based) in input order. Earlier rows are dropped with " +
      'reason "before offset <offset>", later ones with "beyond limit <n>". Upstream still reads every row.',
    params: {
      type: "object",
      properties: {
        n: { type: "integer", minimum: 0, description: "Number of rows to keep." },
        offset: { type: "integer", minimum: 0, default: 0, description: "Rows to skip first." },
      },
      required: ["n"],
      additionalProperties: false,
    },
    inputs: {},
    outputs: {},
    // Position counts rows in the order process() sees them.
    concurrency: 1,
    // Positions count every shard's rows: decided at the merge, in source order.
    sharding: () => "merge",
  };

  private position = 0;

  override setup(_ctx: OperatorContext<LimitParams>): void {
    this.position = 0;
  }

  // Synchronous: the base calls process in input order, so positions are exact at any concurrency.
  process(_row: Row, ctx: RowContext<LimitParams>): ProcessResult {
    const { n, offset } = ctx.params;
    const position = this.position++;
    if (position < offset) return drop(`before offset ${offset}`);
    if (position >= offset + n) return drop(`beyond limit ${n}`);
    return undefined;
  }
}
