import { DatasetOperator } from "../bases/dataset-operator.js";
import { formatLocation, type SourceLocation } from "../contracts/errors.js";
import type { ShardingMode, ShardPlace } from "../contracts/operator.js";
import type { PipelinePlan, PlannedStep } from "../pipeline/plan.js";

/** How a pipeline runs in parts: each step's mode, the steps decided at the merge, and refusals. */
export interface ShardPlan {
  modes: { stepId: string; op: string; mode: ShardingMode }[];
  /** Steps passed through in each part and decided at the merge, in pipeline order. */
  deferred: string[];
  /** Why the pipeline cannot run in parts, one message per refusing step (located). */
  refused: string[];
}

/** Each step's sharding mode (see ShardingMode); a pipeline with any refusal cannot be split. */
export function planShards(plan: PipelinePlan): ShardPlan {
  const result: ShardPlan = { modes: [], deferred: [], refused: [] };
  for (const [i, step] of plan.steps.entries()) {
    const mode = shardingOf(step, place(plan.steps.slice(0, i), step));
    result.modes.push({ stepId: step.id, op: step.op.spec.name, mode });
    if (mode === "merge") result.deferred.push(step.id);
    else if (mode !== "row") result.refused.push(refusal(step, mode.refuse));
  }
  return result;
}

function shardingOf(step: PlannedStep, where: ShardPlace): ShardingMode {
  const { cacheRows } = step.op.spec;
  if (step.op.spec.sharding) return step.op.spec.sharding(step.params as never, where);
  if (step.op.prototype instanceof DatasetOperator || cacheRows === false)
    return {
      refuse:
        "it needs other rows than each row's own and does not declare how it shards (OperatorSpec.sharding); run it without --shard",
    };
  return "row";
}

function place(before: readonly PlannedStep[], step: PlannedStep): ShardPlace {
  const written = new Set<string>();
  for (const s of before) {
    for (const column of Object.values(s.outputs)) written.add(column);
    const effects = s.op.spec.columns?.(s.params as never);
    for (const ref of effects?.writes ?? []) written.add(ref.column);
    for (const r of effects?.renames ?? []) written.add(r.to);
  }
  return {
    inputs: step.inputs,
    retriever: step.retriever !== undefined,
    madeUpstream: (column) => written.has(column),
  };
}

function refusal(step: PlannedStep, why: string): string {
  const at: SourceLocation = step.location;
  return `${formatLocation(at)}: step "${step.id}" (${step.op.spec.name}) cannot run in shards: ${why}`;
}
