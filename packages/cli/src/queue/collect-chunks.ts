import { join } from "node:path";
import type { Logger, RowSink } from "@dataflow/core";
import type { Queue } from "bullmq";
import { type ChunkDone, readChunkDone, readChunkFailed } from "./chunk-done.js";
import { type ChunkJob, chunkDirFor, chunkJobId } from "./chunk-layout.js";
import type { ChunkRejects } from "./chunk-rejects.js";
import { readChunkRows } from "./chunk-rows.js";
import type { Waker } from "./waker.js";

export interface CollectOptions {
  queue: Queue<ChunkJob>;
  chunks: readonly ChunkJob[];
  queueDir: string;
  sink: RowSink;
  rejects: ChunkRejects;
  /** Woken by queue events (a chunk completed or failed); the loop also looks every `pollMs`. */
  waker: Waker;
  pollMs: number;
  signal: AbortSignal;
  logger: Logger;
  /** Seconds between progress lines. */
  progressSec: number;
  /** Wait for every chunk without writing rows or rejects: steps decided over every row come first. */
  rowsLater?: boolean;
}

/** A chunk that failed for good (its job failed): the run stops with this reason and exit code. */
export interface ChunkFailure {
  chunk: ChunkJob;
  reason: string;
  exitCode?: number;
}

export interface Collected {
  dones: ChunkDone[];
  failure?: ChunkFailure;
  interrupted?: true;
}

/**
 * Hands every chunk's rows to the sink in chunk order, each as soon as it and those before it are done
 * (streaming: one line in memory), and its rejects to the run's rejects files. Stops at the first
 * chunk whose job failed, or when `signal` aborts; returns the chunks collected until then.
 */
export async function collectChunks(options: CollectOptions): Promise<Collected> {
  const dones: ChunkDone[] = [];
  let lastLine = Date.now();
  for (const chunk of options.chunks) {
    const outcome = await awaitChunk(options, chunk);
    if (outcome === undefined) return { dones, interrupted: true };
    if ("reason" in outcome) return { dones, failure: outcome };
    if (!options.rowsLater) {
      const attemptDir = join(chunkDirFor(options.queueDir, chunk), "attempts", outcome.attempt);
      for await (const record of readChunkRows(join(attemptDir, "rows.jsonl")))
        await options.sink.write(record);
      await options.rejects.add(attemptDir);
    }
    dones.push(outcome);
    if (Date.now() - lastLine >= options.progressSec * 1000) {
      lastLine = Date.now();
      options.logger.info(`chunks: ${dones.length}/${options.chunks.length} collected`);
    }
  }
  return { dones };
}

/** Waits for one chunk's marker, or its job's failure; undefined when the signal aborts. */
async function awaitChunk(
  options: CollectOptions,
  chunk: ChunkJob,
): Promise<ChunkDone | ChunkFailure | undefined> {
  const dir = chunkDirFor(options.queueDir, chunk);
  while (!options.signal.aborted) {
    const done = await readChunkDone(dir, chunk);
    if (done) return done;
    const job = await options.queue.getJob(chunkJobId(chunk));
    if (!job)
      return {
        chunk,
        reason: `chunk ${chunk.index} left the queue without a result (was the queue emptied?); run again to requeue it`,
      };
    const state = await job.getState();
    if (state === "completed") {
      const late = await readChunkDone(dir, chunk); // written before the job completes
      if (late) return late;
      return {
        chunk,
        reason: `chunk ${chunk.index} is complete in the queue but ${dir} has no done.json: run again to redo it`,
      };
    }
    if (state === "failed") {
      const failed = await readChunkFailed(dir);
      return {
        chunk,
        reason:
          failed?.reason ??
          `chunk ${chunk.index} (rows ${chunk.start}…${chunk.end - 1}) failed: ${job.failedReason}`,
        ...(failed?.exitCode !== undefined ? { exitCode: failed.exitCode } : {}),
      };
    }
    await options.waker.wait(options.pollMs, options.signal);
  }
  return undefined;
}
