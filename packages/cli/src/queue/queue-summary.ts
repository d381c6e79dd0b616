import { type RunSummary, type StepSummary, sumUsage } from "@dataflow/core";
import type { ChunkDone } from "./chunk-done.js";

/** What the coordinator adds to a run summary in queue mode. */
export interface QueueStats {
  chunks: number;
  chunkSize: number;
  /** Chunks done before this coordinator started (a resumed run). */
  resumed: number;
  /** Distinct worker processes (host/pid) whose results were collected. */
  workers: number;
  /** The coordinator's own CPU time (enqueueing, waiting, merging) per chunk, in ms. */
  coordinatorCpuMsPerChunk: number;
}

export type QueueRunSummary = RunSummary & { queue: QueueStats };

/**
 * One run summary from every chunk's counts: steps, sources, usage and reasons summed, reconciled
 * when every chunk reconciled and the sums chain up. Distributions (means, medians) do not add up
 * across chunks and are left out.
 */
export function sumChunkCounts(
  pipeline: string,
  dones: readonly ChunkDone[],
): Pick<RunSummary, "pipeline" | "source" | "steps" | "written" | "reconciled" | "usage"> {
  const source = { read: 0, bad: 0, bytesRead: 0, done: true };
  const steps = new Map<string, StepSummary>();
  let written = 0;
  let reconciled = true;
  for (const { counts } of dones) {
    source.read += counts.source.read;
    source.bad += counts.source.bad;
    written += counts.written;
    reconciled &&= counts.reconciled;
    for (const s of counts.steps) steps.set(s.id, addStep(steps.get(s.id), s));
  }
  const list = [...steps.values()];
  let upstream = source.read;
  for (const s of list) {
    reconciled &&= s.in === upstream && s.unfinished === 0;
    upstream = s.out;
  }
  reconciled &&= upstream === written;
  const usage = sumUsage(list.map((s) => s.usage));
  return { pipeline, source, steps: list, written, reconciled, ...(usage ? { usage } : {}) };
}

function addStep(a: StepSummary | undefined, b: StepSummary): StepSummary {
  if (!a)
    return {
      ...b,
      filteredBy: { ...b.filteredBy },
      rejectedBy: { ...b.rejectedBy },
      counters: { ...b.counters },
    };
  const usage = sumUsage([a.usage, b.usage]);
  const { usage: _, ...rest } = a;
  return {
    ...rest,
    in: a.in + b.in,
    out: a.out + b.out,
    filtered: a.filtered + b.filtered,
    rejected: a.rejected + b.rejected,
    expandedExtra: a.expandedExtra + b.expandedExtra,
    replayed: a.replayed + b.replayed,
    unfinished: a.unfinished + b.unfinished,
    filteredBy: addCounts(a.filteredBy, b.filteredBy),
    rejectedBy: addCounts(a.rejectedBy, b.rejectedBy),
    counters: addCounts(a.counters, b.counters),
    ...(usage ? { usage } : {}),
  };
}

function addCounts(a: Record<string, number>, b: Record<string, number>): Record<string, number> {
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = (out[k] ?? 0) + v;
  return out;
}
