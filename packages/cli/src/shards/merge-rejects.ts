import type { PipelinePlan, RejectRecord, RejectSink } from "@dataflow/core";
import { FileRunStore } from "@dataflow/storage";
import type { ShardLayout } from "./shard-layout.js";

/** Ids a deferred step's drop would void: rejects after the first deferred step, with the rows they came from. */
export async function rejectsToWatch(
  plan: PipelinePlan,
  deferred: readonly string[],
  shards: readonly ShardLayout[],
): Promise<Set<string>> {
  const watch = new Set<string>();
  const after = stepsAfter(plan, deferred);
  if (!after.size) return watch;
  for (const shard of shards)
    for await (const r of new FileRunStore({ dir: shard.runDir }).readRejects())
      if (after.has(r.stepId)) for (const id of ancestors(r.rowId)) watch.add(id);
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
  shards: readonly ShardLayout[],
  runDir: string,
  deferred: ReadonlyMap<string, readonly RejectRecord[]>,
  dropped: ReadonlySet<string>,
): Promise<Map<string, Record<string, number>>> {
  const store = new FileRunStore({ dir: runDir });
  const after = stepsAfter(plan, [...deferred.keys()]);
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
      if (after.has(r.stepId) && ancestors(r.rowId).some((id) => dropped.has(id))) {
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

/** The id and the ids of the rows it came from (`a.0.1` → a.0.1, a.0, a). */
function ancestors(id: string): string[] {
  const out = [id];
  for (let i = id.lastIndexOf("."); i > 0; i = id.lastIndexOf(".", i - 1)) out.push(id.slice(0, i));
  return out;
}
