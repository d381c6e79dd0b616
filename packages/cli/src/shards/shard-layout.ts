import { join } from "node:path";
import type { PipelinePlan } from "@dataflow/core";
import { positionsFileName, shardFileName, stepFileName } from "@dataflow/storage";

/**
 * Where shard `index` of `count` keeps its files: the part output beside the pipeline's output
 * (`out/rare-00001-of-00003.jsonl`, with `<part>.positions`), and under the run directory
 * (`<cache.dir>/<name>/shards/00001-of-00003/`) its caches, manifest, rejects, the inputs of steps
 * deferred to the merge, its summary and, written last, its completion marker.
 */
export interface ShardLayout {
  index: number;
  count: number;
  /** The shard's run directory: caches, manifest, rejects, lock. */
  runDir: string;
  part: string;
  positions: string;
  summary: string;
  marker: string;
  /** The recorded input of a step deferred to the merge (a part of its own, with positions). */
  deferred(stepId: string): { path: string; positions: string };
}

export function shardLayout(
  plan: PipelinePlan,
  mainRunDir: string,
  index: number,
  count: number,
): ShardLayout {
  const digits = Math.max(5, String(count).length);
  const pad = (n: number) => String(n).padStart(digits, "0");
  const runDir = join(mainRunDir, "shards", `${pad(index)}-of-${pad(count)}`);
  const part = shardFileName(plan.output.path, index, count);
  return {
    index,
    count,
    runDir,
    part,
    positions: positionsFileName(part),
    summary: join(runDir, "summary.json"),
    marker: join(runDir, "complete.json"),
    deferred: (stepId) => {
      const path = join(runDir, "deferred", stepFileName(stepId));
      return { path, positions: positionsFileName(path) };
    },
  };
}
