import { join } from "node:path";

/** What a chunk job carries: which pipeline (its digest) and which source positions. No secrets, no paths. */
export interface ChunkJob {
  digest: string;
  /** 0-based chunk number, for messages. */
  index: number;
  /** Source positions start ≤ p < end (bad records included; see RowSelection). */
  start: number;
  end: number;
}

/** BullMQ's key prefix for every dataflow queue, apart from other users of the same Redis. */
export const QUEUE_PREFIX = "dataflow";

/** The queue of one pipeline digest: coordinator and workers that compiled the same pipeline meet here. */
export function queueName(digest: string): string {
  return `chunks-${digest.slice(0, 20)}`;
}

/** Where the coordinator says whether its run is going or finished (workers with --until-done read it). */
export function runStateKey(digest: string): string {
  return `${QUEUE_PREFIX}:${queueName(digest)}:run-state`;
}

/** A chunk's job id: the same for the same range, so enqueueing twice (a restarted coordinator) adds it once. */
export function chunkJobId(job: Pick<ChunkJob, "start" | "end">): string {
  return `rows-${job.start}-${job.end}`;
}

/** The chunks of `total` source positions, `size` each (the last may be shorter). */
export function chunkRanges(total: number, size: number): { index: number; start: number; end: number }[] {
  if (!Number.isInteger(size) || size < 1)
    throw new RangeError(`chunk size ${size} must be a whole number ≥ 1`);
  const chunks: { index: number; start: number; end: number }[] = [];
  for (let start = 0, index = 0; start < total; start += size, index++)
    chunks.push({ index, start, end: Math.min(total, start + size) });
  return chunks;
}

/**
 * Where queue runs of one pipeline digest keep their chunks, under the run directory on shared storage:
 *
 * ```
 * <runDir>/queue/<digest 20>/rows-<start>-<end>/done.json             the completion marker (atomic)
 * <runDir>/queue/<digest 20>/rows-<start>-<end>/failed.json           why the chunk failed, when it did
 * <runDir>/queue/<digest 20>/rows-<start>-<end>/attempts/<host-pid-n>/  one worker's try: steps/, rejects/,
 *                                                                      manifest.json, rows.jsonl
 * ```
 */
export function queueDirFor(runDir: string, digest: string): string {
  return join(runDir, "queue", digest.slice(0, 20));
}

export function chunkDirFor(queueDir: string, job: Pick<ChunkJob, "start" | "end">): string {
  return join(queueDir, chunkJobId(job));
}
