import { existsSync } from "node:fs";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import type { PipelinePlan, RunSummary } from "@dataflow/core";
import { positionsFileName } from "@dataflow/storage";
import { displayPath } from "../format-summary.js";
import type { ShardLayout } from "./shard-layout.js";
import { readShardMarker, readShardSummary, type ShardMarker } from "./shard-marker.js";

export interface ShardCheck {
  /** Each shard's marker and summary, when every shard is complete and they agree. */
  complete?: { markers: ShardMarker[]; summaries: RunSummary[] };
  /** One line per shard that is missing, failed or from another run, with the command that reruns it. */
  problems: string[];
}

/**
 * Reads every shard's completion marker: a shard without one is named with why (never run, still
 * running or killed, failed and its reason) and the command that reruns it; shards whose markers
 * disagree on the pipeline's fingerprints (another pipeline, input or settings) are named too.
 */
export async function checkShards(
  plan: PipelinePlan,
  layouts: readonly ShardLayout[],
  rerun: (index: number) => string,
): Promise<ShardCheck> {
  const problems: string[] = [];
  const markers: ShardMarker[] = [];
  const summaries: RunSummary[] = [];
  for (const layout of layouts) {
    const marker = await readShardMarker(layout);
    const summary = await readShardSummary(layout);
    const name = `shard ${layout.index}/${layout.count}`;
    if (!marker || !summary) {
      problems.push(`${name} ${await whyIncomplete(layout, summary)}; rerun it: ${rerun(layout.index)}`);
      continue;
    }
    const lost = [marker.part, positionsFileName(marker.part)].find((f) => !existsSync(f));
    if (lost)
      problems.push(`${name}: ${displayPath(lost)} is gone; rerun it: ${rerun(layout.index)} --fresh`);
    else if (marker.of !== layout.count || marker.pipeline !== plan.name)
      problems.push(
        `${name}: its marker is for ${marker.pipeline} shard ${marker.shard}/${marker.of}; rerun it: ${rerun(layout.index)}`,
      );
    markers.push(marker);
    summaries.push(summary);
  }
  const first = markers[0];
  for (const marker of markers) {
    if (first && marker.fingerprints.join() !== first.fingerprints.join())
      problems.push(
        `shard ${marker.shard}/${marker.of} was run with another pipeline, input, --limit or settings than shard ${first.shard}/${first.of}; rerun it with the same ones: ${rerun(marker.shard)} --fresh`,
      );
  }
  return problems.length ? { problems } : { problems, complete: { markers, summaries } };
}

async function whyIncomplete(layout: ShardLayout, summary: RunSummary | undefined): Promise<string> {
  if (summary?.status === "failed") return `failed: ${summary.reason ?? "see its log"}`;
  if (summary?.status === "cancelled") return `was interrupted (${summary.reason ?? "cancelled"})`;
  const started = await readdir(layout.runDir).then(
    () => true,
    () => false,
  );
  return started
    ? `has no completion marker (${displayPath(layout.marker)}): it is still running, or was killed`
    : "was never run";
}

/** Shard counts that have shard folders under the run directory, for "did you mean --shards M". */
export async function shardCountsOnDisk(mainRunDir: string): Promise<number[]> {
  const names = await readdir(join(mainRunDir, "shards")).catch(() => [] as string[]);
  const counts = names.map((n) => /^\d+-of-(\d+)$/.exec(n)?.[1]).filter((c): c is string => c !== undefined);
  return [...new Set(counts.map(Number))].sort((a, b) => a - b);
}
