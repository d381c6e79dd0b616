import { type OperatorRegistry, RowOperator } from "@dataflow/core";

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

  async process() {
    await new Promise((r) => setTimeout(r, this.ms));
    return undefined;
  }

  private ms = 20;

  override setup(ctx: { params: { ms: number } }): void {
    this.ms = ctx.params.ms;
  }
}

export function register(registry: OperatorRegistry): void {
  registry.register(SlowOperator as never, "cli-test-fixture");
}
