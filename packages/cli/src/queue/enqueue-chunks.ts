import { rm } from "node:fs/promises";
import { join } from "node:path";
import type { Queue } from "bullmq";
import { FAILED_FILE, readChunkDone } from "./chunk-done.js";
import { type ChunkJob, chunkDirFor, chunkJobId } from "./chunk-layout.js";

export interface EnqueueCounts {
  /** Chunks whose completion marker was already there (a resumed run). */
  done: number;
  added: number;
  /** Failed in an earlier run and retried now. */
  retried: number;
  /** Already waiting or running (a restarted coordinator finds them as it left them). */
  pending: number;
}

/**
 * Puts every chunk without a completion marker in the queue, idempotently: job ids are the ranges,
 * so a chunk already queued or running (a restarted coordinator) is left as it is; one that failed is
 * retried, and one BullMQ counts complete without a marker (its folder was removed) is queued again.
 */
export async function enqueueChunks(
  queue: Queue<ChunkJob>,
  chunks: readonly ChunkJob[],
  queueDir: string,
): Promise<EnqueueCounts> {
  const counts: EnqueueCounts = { done: 0, added: 0, retried: 0, pending: 0 };
  const toAdd: ChunkJob[] = [];
  for (const chunk of chunks) {
    const dir = chunkDirFor(queueDir, chunk);
    if (await readChunkDone(dir, chunk)) {
      counts.done++;
      continue;
    }
    const job = await queue.getJob(chunkJobId(chunk));
    const state = job ? await job.getState() : "unknown";
    if (!job || state === "unknown") toAdd.push(chunk);
    else if (state === "failed") {
      await rm(join(dir, FAILED_FILE), { force: true });
      await job.retry("failed");
      counts.retried++;
    } else if (state === "completed") {
      await job.remove();
      toAdd.push(chunk);
    } else counts.pending++;
  }
  // In order, so workers take the chunks the coordinator writes first.
  for (let i = 0; i < toAdd.length; i += 500) {
    const batch = toAdd.slice(i, i + 500);
    await queue.addBulk(batch.map((data) => ({ name: "chunk", data, opts: { jobId: chunkJobId(data) } })));
  }
  counts.added = toAdd.length;
  return counts;
}
