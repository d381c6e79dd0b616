import { join } from "node:path";
import { positionsFileName, stepFileName } from "@dataflow/storage";
import type { ChunkDone } from "./chunk-done.js";
import { chunkDirFor } from "./chunk-layout.js";

/**
 * The files of the attempt that completed a chunk: its run directory (step caches, rejects), its rows
 * with their source positions, and the recorded input of each step decided over every row (a dedup, a
 * limit, a sample of a size), which the coordinator decides once all chunks are in, as `merge` does for
 * shards.
 */
export interface ChunkAttempt {
  runDir: string;
  rows: string;
  positions: string;
  deferred(stepId: string): { path: string; positions: string };
}

export function chunkAttempt(
  queueDir: string,
  done: Pick<ChunkDone, "start" | "end" | "attempt">,
): ChunkAttempt {
  return attemptFiles(join(chunkDirFor(queueDir, done), "attempts", done.attempt));
}

export function attemptFiles(runDir: string): ChunkAttempt {
  const rows = join(runDir, "rows.jsonl");
  return {
    runDir,
    rows,
    positions: positionsFileName(rows),
    deferred: (stepId) => {
      const path = join(runDir, "deferred", stepFileName(stepId));
      return { path, positions: positionsFileName(path) };
    },
  };
}
