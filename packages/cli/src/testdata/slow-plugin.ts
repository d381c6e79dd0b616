import { appendFileSync } from "node:fs";
import { type OperatorRegistry, type Row, type RowContext, RowOperator } from "@dataflow/core";

/** Test fixture: waits `ms` per row, so a run can be interrupted part-way. */
class SlowOperator extends RowOperator<{ ms: number }> {
  static readonly spec = {
    name: "test/slow",
    version: "1.0.0",
    description: "waits per row",
    params: { type: "object", properties: { ms: { type: "integer", default: 20 } } },
    inputs: {},
    outputs: {},
    concurrency: 2,
  };

  async process(_row: Row, _ctx: RowContext<{ ms: number }>): Promise<Row | undefined> {
    await new Promise((r) => setTimeout(r, this.ms));
    return undefined;
  }

  private ms = 20;

  override setup(ctx: { params: { ms: number } }): void {
    this.ms = ctx.params.ms;
  }
}

/**
 * Test fixture: like test/slow, but its rows are cached, and it appends each
 * row id to the file named by $SLOW_LOG when it starts computing it (outside
 * params, so the log path does not change the step's fingerprint).
 */
class SlowCachedOperator extends SlowOperator {
  static override readonly spec = {
    ...SlowOperator.spec,
    name: "test/slow-cached",
    outputs: { done: { column: "done" } },
    cacheRows: true,
    concurrency: 4,
  };

  override async process(row: Row, ctx: RowContext<{ ms: number }>) {
    const log = process.env.SLOW_LOG;
    if (log) appendFileSync(log, `${ctx.rowId}\n`);
    await super.process(row, ctx);
    return ctx.output({ done: row.n });
  }
}

export function register(registry: OperatorRegistry): void {
  registry.register(SlowOperator as never, "cli-test-fixture");
  registry.register(SlowCachedOperator as never, "cli-test-fixture");
}
