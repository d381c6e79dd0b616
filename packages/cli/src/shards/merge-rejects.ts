import { idLineage, type PipelinePlan, type RejectRecord, type RejectSink } from "@dataflow/core";
import { FileRunStore } from "@dataflow/storage";
import type { ShardLayout } from "./shard-layout.js";

/** Ids whose fate at a deferred step matters: rejects after the first deferred step, with the ids they may come from. */
export async function rejectsToWatch(
  plan: PipelinePlan,
  deferred: readonly string[],
  shards: readonly Pick<ShardLayout, "runDir">[],
): Promise<Set<string>> {
  const watch = new Set<string>();
  const after = stepsAfter(plan, deferred);
  if (!after.size) return watch;
  for (const shard of shards)
    for await (const r of new FileRunStore({ dir: shard.runDir }).readRejects())
      if (after.has(r.stepId)) for (const id of idLineage(r.rowId)) watch.add(id);
  return watch;
}

/**
 * Writes the shards' rejects, step by step in pipeline order and shard by shard, and the deferred
 * steps' own, to the run directory's rejects files (where `dataflow rejects` reads them). A shard's
 * reject of a row that a deferred step before it dropped is left out: a whole run never had it.
 * Returns the rejects left out by step and type.
 */
export async function mergeRejects(
  plan: PipelinePlan,
  shards: readonly Pick<ShardLayout, "runDir">[],
  runDir: string,
  deferred: ReadonlyMap<string, readonly RejectRecord[]>,
  fates: ReadonlyMap<string, ReadonlyMap<string, boolean>>,
): Promise<Map<string, Record<string, number>>> {
  const store = new FileRunStore({ dir: runDir });
  const ids = plan.steps.map((s) => s.id);
  /** Whether a deferred step before the reject's step dropped its row. */
  const voids = (r: RejectRecord) =>
    [...fates].some(([stepId, fate]) => {
      if (ids.indexOf(stepId) >= ids.indexOf(r.stepId)) return false;
      const at = idLineage(r.rowId).find((id) => fate.has(id)); // the row as it reached the step
      return at !== undefined && fate.get(at) === false;
    });
  const sinks = new Map<string, RejectSink>();
  const voided = new Map<string, Record<string, number>>();
  const sinkFor = async (stepId: string) => {
    const open = sinks.get(stepId);
    if (open) return open;
    const sink = await store.openRejects(stepId);
    sinks.set(stepId, sink);
    return sink;
  };
  for (const stepId of ["source", ...plan.steps.map((s) => s.id)]) await sinkFor(stepId); // empties old files
  for (const shard of shards)
    for await (const r of new FileRunStore({ dir: shard.runDir }).readRejects()) {
      if (voids(r)) {
        const byType = voided.get(r.stepId) ?? {};
        byType[r.type] = (byType[r.type] ?? 0) + 1;
        voided.set(r.stepId, byType);
        continue;
      }
      await (await sinkFor(r.stepId)).write(r);
    }
  for (const [stepId, list] of deferred) for (const r of list) await (await sinkFor(stepId)).write(r);
  for (const sink of sinks.values()) await sink.close();
  return voided;
}

/** Step ids after the first of `deferred`. */
function stepsAfter(plan: PipelinePlan, deferred: readonly string[]): Set<string> {
  const ids = plan.steps.map((s) => s.id);
  const first = Math.min(...deferred.map((d) => ids.indexOf(d)).filter((i) => i >= 0));
  return new Set(Number.isFinite(first) ? ids.slice(first + 1) : []);
}
