import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { join } from "node:path";
import {
  type Logger,
  type PipelinePlan,
  planShards,
  type RunOptions,
  type RunSummary,
  rangeSelection,
  type SourceIdentity,
  startRun,
} from "@dataflow/core";
import { FileRunStore, JsonlSink, PositionsFile } from "@dataflow/storage";
import type { Resources } from "../build-resources.js";
import { seedAttempt } from "./attempt-seed.js";
import { attemptFiles } from "./chunk-attempt.js";
import {
  type ChunkCounts,
  type ChunkDone,
  DONE_FILE,
  FAILED_FILE,
  readChunkDone,
  writeJsonAtomically,
} from "./chunk-done.js";
import { type ChunkJob, chunkDirFor } from "./chunk-layout.js";
import { ChunkStorage, inputStorage } from "./chunk-storage.js";
import type { UsageLedger } from "./usage-ledger.js";

/** What a worker keeps across the chunks it runs: the compiled plan and its servings and retrievers. */
export interface ChunkRunner {
  plan: PipelinePlan;
  resources: Resources;
  sourceIdentity: SourceIdentity;
  queueDir: string;
  logger: Logger;
  usage: UsageLedger;
}

/** A chunk whose run failed; `exitCode` as the run asked (2: a configuration to fix). */
export class ChunkFailedError extends Error {
  constructor(
    message: string,
    readonly exitCode: number | undefined,
  ) {
    super(message);
    this.name = "ChunkFailedError";
  }
}

const worker = () => ({ host: hostname(), pid: process.pid });

/**
 * Runs one chunk to its completion marker and returns it. Idempotent: a chunk already done is not run
 * again. Each attempt runs in its own folder, seeded with the step caches of earlier attempts (see
 * seedAttempt), and the marker is written last, atomically, naming the attempt whose rows count.
 * Rejects do not fail a chunk (the coordinator applies run.maxRejectRate to the whole run); a fatal
 * error or a cancel does, after failed.json says why.
 */
export async function runChunk(runner: ChunkRunner, job: ChunkJob, signal?: AbortSignal): Promise<ChunkDone> {
  const chunkDir = chunkDirFor(runner.queueDir, job);
  const existing = await readChunkDone(chunkDir, job);
  if (existing) return existing;
  const attempt = `${hostname()}-${process.pid}-${randomBytes(3).toString("hex")}`;
  const attemptsDir = join(chunkDir, "attempts");
  const seeded = await seedAttempt(attemptsDir, attempt);
  if (seeded)
    runner.logger.info(`chunk ${job.index}: ${seeded} rows recorded by an earlier attempt are reused`);
  const attemptDir = join(attemptsDir, attempt);
  const { plan, resources } = runner;
  const deferred = deferredRecording(plan, attemptDir);
  const run = startRun({
    // Rejects are judged over the whole run, by the coordinator.
    plan: { ...plan, run: { ...plan.run, maxRejectRate: 1 } },
    storage: new ChunkStorage(inputStorage(plan), attemptDir, deferred !== undefined),
    runStore: new FileRunStore({ dir: attemptDir }),
    servings: resources.servings,
    retrievers: resources.retrievers,
    logger: runner.logger,
    sourceIdentity: runner.sourceIdentity,
    selection: rangeSelection(job.start, job.end),
    ...(deferred ? { deferred } : {}),
    ...(signal ? { signal } : {}),
  });
  const summary = await run.done;
  if (summary.status !== "ok") {
    const reason = `chunk ${job.index} (rows ${job.start}…${job.end - 1}) ${summary.status}: ${summary.reason ?? "no reason given"}`;
    await writeJsonAtomically(join(chunkDir, FAILED_FILE), {
      reason,
      ...(summary.exitCode !== undefined ? { exitCode: summary.exitCode } : {}),
      worker: worker(),
    });
    throw new ChunkFailedError(reason, summary.exitCode);
  }
  const done: ChunkDone = {
    v: 1,
    ...job,
    attempt,
    worker: worker(),
    counts: countsOf(summary, runner.usage),
  };
  await writeJsonAtomically(join(chunkDir, DONE_FILE), done);
  return done;
}

/**
 * Steps decided over every row pass the chunk's rows through; what reaches each is recorded, with
 * source positions, for the coordinator to decide once every chunk is in (as `merge` does for shards).
 */
function deferredRecording(plan: PipelinePlan, attemptDir: string): RunOptions["deferred"] {
  const steps = planShards(plan).deferred;
  if (!steps.length) return undefined;
  const files = attemptFiles(attemptDir);
  return {
    steps,
    open: async (stepId: string) => {
      const at = files.deferred(stepId);
      return { rows: await JsonlSink.open(at.path), positions: await PositionsFile.open(at.positions) };
    },
  };
}

function countsOf(summary: RunSummary, usage: UsageLedger): ChunkCounts {
  return {
    source: { read: summary.source.read, bad: summary.source.bad },
    steps: usage.take(summary.steps).map((s) => ({ ...s, distributions: {} })),
    written: summary.written,
    reconciled: summary.reconciled,
    durationMs: summary.durationMs,
  };
}
