import { describe, expect, it } from "vitest";
import { DatasetOperator } from "../bases/dataset-operator.js";
import { RowOperator } from "../bases/row-operator.js";
import type { OperatorClass, OperatorSpec, ShardPlace } from "../contracts/operator.js";
import { DedupOperator } from "../operators/dedup.js";
import { LimitOperator } from "../operators/limit.js";
import { SampleOperator } from "../operators/sample.js";
import { TemplateOperator } from "../operators/template.js";
import type { PipelinePlan, PlannedStep } from "../pipeline/plan.js";
import { planShards } from "./shard-plan.js";

const spec = (name: string, more: Partial<OperatorSpec> = {}): OperatorSpec => ({
  name,
  version: "1",
  description: name,
  params: { type: "object" },
  inputs: {},
  outputs: {},
  ...more,
});

class Gather extends DatasetOperator {
  static readonly spec = spec("test/gather");
  prepare(): void {}
}

let seenPlace: ShardPlace | undefined;
class UsesText extends RowOperator {
  static readonly spec = spec("test/uses-text", {
    sharding: (_p, place) => {
      seenPlace = place;
      return place.madeUpstream("text") ? { refuse: "text is made upstream" } : "row";
    },
  });
  process() {
    return undefined;
  }
}

function step(id: string, op: unknown, params: Record<string, unknown> = {}, outputs = {}): PlannedStep {
  return {
    id,
    op: op as OperatorClass,
    params,
    inputs: { text: "text" },
    outputs,
    location: { file: "/p.yaml", line: 3, column: 5 },
  };
}

const plan = (steps: PlannedStep[]) => ({ steps }) as unknown as PipelinePlan;

describe("planShards", () => {
  it("runs row steps per shard and defers order-dependent filters to the merge", () => {
    const shards = planShards(
      plan([
        step("t", TemplateOperator, { template: "x", column: "y" }),
        step("d", DedupOperator, { column: "y" }),
        step("l", LimitOperator, { n: 5 }),
        step("f", SampleOperator, { fraction: 0.5 }),
        step("s", SampleOperator, { size: 5 }),
      ]),
    );
    expect(shards.modes.map((m) => m.mode)).toEqual(["row", "merge", "merge", "row", "merge"]);
    expect(shards.deferred).toEqual(["d", "l", "s"]);
    expect(shards.refused).toEqual([]);
  });

  it("refuses an operator that needs other rows and does not say how it shards, located", () => {
    const shards = planShards(plan([step("g", Gather)]));
    expect(shards.refused).toEqual([
      expect.stringMatching(
        /^\/p\.yaml:3:5: step "g" \(test\/gather\) cannot run in shards: .*OperatorSpec\.sharding/,
      ),
    ]);
  });

  it("tells a sharding function which columns earlier steps made", () => {
    expect(planShards(plan([step("u", UsesText)])).refused).toEqual([]);
    const made = planShards(plan([step("w", UsesText, {}, { text: "text" }), step("u", UsesText)]));
    expect(made.refused).toEqual([
      expect.stringContaining('step "u" (test/uses-text) cannot run in shards: text is made upstream'),
    ]);
    expect(seenPlace?.retriever).toBe(false);
  });
});
