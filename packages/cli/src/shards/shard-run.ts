import {
  type PipelinePlan,
  parseShard,
  planShards,
  type RowSelection,
  type RunOptions,
  type RunSummary,
} from "@dataflow/core";
import { JsonlSink, PositionsFile, resolveOutputFormat } from "@dataflow/storage";
import { type ShardLayout, shardLayout } from "./shard-layout.js";
import { readShardMarker, removeShardMarker, writeShardDone, writeShardNotDone } from "./shard-marker.js";

/** A run of one shard: where its files go, which rows it takes, and its completion marker. */
export interface ShardRun {
  layout: ShardLayout;
  selection: RowSelection;
  /** Steps passed through and decided at the merge. */
  deferred: readonly string[];
  runOptions: Pick<RunOptions, "selection" | "deferred">;
  /** Whether this shard already finished with these step fingerprints (same pipeline, input, settings). */
  isComplete(fingerprints: readonly string[]): Promise<boolean>;
  /** Before running: a marker left from an earlier run no longer stands. */
  start(): Promise<void>;
  /** After running: the summary, and the marker when the part is complete. */
  finish(summary: RunSummary, fingerprints: readonly string[]): Promise<void>;
}

/**
 * Checks `--shard I/N` and the pipeline (every step must say how it runs in shards) and lays the
 * shard out; a string is the error to print (exit 2).
 */
export function prepareShardRun(plan: PipelinePlan, shard: string, mainRunDir: string): ShardRun | string {
  let selection: RowSelection;
  try {
    selection = parseShard(shard);
  } catch (err) {
    return `--shard ${shard}: ${(err as Error).message}`;
  }
  if (selection.kind !== "hash") return `--shard ${shard}: expected I/N`;
  if (resolveOutputFormat(plan.output.path, plan.output.format) === "hf-dataset")
    return `--shard: the output ${plan.output.path} is an hf-dataset folder, which is written in shards of its own; shard into a jsonl, csv or parquet file and convert the merged file, or run without --shard`;
  const shards = planShards(plan);
  if (shards.refused.length)
    return `${shards.refused.join("\n")}\n--shard: pipeline "${plan.name}" cannot run in shards; change the steps above or run it without --shard`;
  const layout = shardLayout(plan, mainRunDir, selection.index, selection.count);
  return {
    layout,
    selection,
    deferred: shards.deferred,
    runOptions: {
      selection,
      ...(shards.deferred.length
        ? {
            deferred: {
              steps: shards.deferred,
              open: async (stepId: string) => {
                const files = layout.deferred(stepId);
                return {
                  rows: await JsonlSink.open(files.path),
                  positions: await PositionsFile.open(files.positions),
                };
              },
            },
          }
        : {}),
    },
    isComplete: async (fingerprints) => {
      const marker = await readShardMarker(layout);
      return (
        marker !== undefined && sameList(marker.fingerprints, fingerprints) && marker.part === layout.part
      );
    },
    start: () => removeShardMarker(layout),
    finish: (summary, fingerprints) =>
      summary.status === "ok"
        ? writeShardDone(
            layout,
            {
              pipeline: plan.name,
              shard: layout.index,
              of: layout.count,
              fingerprints: [...fingerprints],
              part: layout.part,
              finishedAt: new Date().toISOString(),
            },
            summary,
          )
        : writeShardNotDone(layout, summary),
  };
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
