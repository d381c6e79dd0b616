import { rm } from "node:fs/promises";
import { type OperatorRegistry, type PipelinePlan, planShards } from "@dataflow/core";
import { resolveOutputFormat } from "@dataflow/storage";
import { Queue, QueueEvents } from "bullmq";
import { closeResources } from "../build-resources.js";
import { runDirFor } from "../commands/run.js";
import { displayPath, formatSummary } from "../format-summary.js";
import { type CliIO, EXIT_INVALID, EXIT_OK, EXIT_RUN_FAILED } from "../io.js";
import { RunLockHeld, takeRunLock } from "../run-lock.js";
import { type ChunkJob, chunkRanges, QUEUE_PREFIX, queueName, runStateKey } from "./chunk-layout.js";
import { countPositions } from "./count-positions.js";
import { enqueueChunks } from "./enqueue-chunks.js";
import { type LogFlags, prepareQueueRun, type QueueSetup } from "./queue-setup.js";
import type { QueueRunSummary } from "./queue-summary.js";
import { parseQueueUrl, type QueueAddress } from "./queue-url.js";
import { bullConnection, connectRedis } from "./redis-client.js";
import { formatRunState, type RunState, redisNow } from "./run-state.js";
import { collectAndSettle } from "./settle-queue-run.js";
import { Waker } from "./waker.js";

export interface QueueRunFlags extends LogFlags {
  queue: string;
  chunkSize?: number;
  fresh?: boolean;
  json?: boolean;
  progressInterval?: number;
  limit?: number;
  fromStep?: string;
}

export const DEFAULT_CHUNK_SIZE = 1000;

/** `dataflow run PIPELINE --queue URL`: the coordinator. The plan is compiled; the caller printed its diagnostics. */
export async function runQueued(
  plan: PipelinePlan,
  flags: QueueRunFlags,
  io: CliIO,
  registry: OperatorRegistry,
): Promise<number> {
  const refusal = refuse(plan, flags);
  if (refusal) {
    io.stderr.write(`error: ${refusal}\n`);
    return EXIT_INVALID;
  }
  let address: QueueAddress;
  let setup: QueueSetup;
  try {
    address = parseQueueUrl(flags.queue);
    setup = await prepareQueueRun(plan, registry, io, flags);
  } catch (err) {
    io.stderr.write(`error: ${(err as Error).message}\n`);
    return EXIT_INVALID;
  }
  try {
    const lock = await takeRunLock(runDirFor(plan));
    try {
      return await coordinate(setup, address, flags, io);
    } finally {
      await lock.release();
    }
  } catch (err) {
    const held = err instanceof RunLockHeld;
    io.stderr.write(`error: ${held ? `pipeline "${plan.name}": ` : ""}${(err as Error).message}\n`);
    return held ? EXIT_INVALID : EXIT_RUN_FAILED;
  } finally {
    await closeResources(setup.resources);
  }
}

/** Flags that a queue run cannot honour, refused before anything is queued. */
function refuse(plan: PipelinePlan, flags: QueueRunFlags): string | undefined {
  if (flags.limit !== undefined)
    return "--limit does not combine with --queue (chunks are ranges of the whole source): make a smaller input, or run without --queue";
  if (flags.fromStep !== undefined)
    return "--from-step does not combine with --queue: each chunk keeps its own step caches; use --fresh to recompute every chunk";
  if (resolveOutputFormat(plan.output.path, plan.output.format) === "hf-dataset")
    return "--queue writes jsonl, json, csv or parquet outputs; an hf-dataset output needs a single-process run";
  if (Object.keys(plan.output.options ?? {}).length)
    return "output options (hf-dataset) do not combine with --queue";
  // Chunks are parts of the source like shards: the same per-operator rules (OperatorSpec.sharding).
  const parts = planShards(plan);
  if (parts.refused.length)
    return `this pipeline cannot run in chunks:\n${parts.refused.join("\n").replaceAll("cannot run in shards", "cannot run in chunks")}`;
  return undefined;
}

async function coordinate(
  setup: QueueSetup,
  address: QueueAddress,
  flags: QueueRunFlags,
  io: CliIO,
): Promise<number> {
  const started = Date.now();
  const cpu = process.cpuUsage();
  const log = setup.logger.scope("queue");
  const redis = await connectRedis(address);
  const name = queueName(setup.digest);
  const connection = bullConnection(address);
  const queue = new Queue<ChunkJob>(name, { connection, prefix: QUEUE_PREFIX });
  const events = new QueueEvents(name, { connection, prefix: QUEUE_PREFIX });
  const waker = new Waker();
  events.on("completed", () => waker.wake());
  events.on("failed", () => waker.wake());
  events.on("error", () => {}); // reconnects on its own; the polling loop carries on meanwhile
  const stop = new AbortController();
  const removeHandler = io.onInterrupt(() => {
    log.info(
      "stopping: chunks stay in the queue and workers keep running them; run the same command again to collect",
    );
    stop.abort();
  });
  try {
    if (flags.fresh) {
      await queue.obliterate({ force: true });
      await rm(setup.queueDir, { recursive: true, force: true });
    }
    const size = flags.chunkSize ?? DEFAULT_CHUNK_SIZE;
    const total = await countPositions(setup.input.openSource(), stop.signal);
    const chunks = chunkRanges(total, size).map((c) => ({ digest: setup.digest, ...c }));
    const state = async (phase: RunState["phase"]) =>
      redis.set(
        runStateKey(setup.digest),
        formatRunState({ phase, at: await redisNow(redis) }),
        "EX",
        7 * 24 * 3600,
      );
    await state("running");
    const counts = await enqueueChunks(queue, chunks, setup.queueDir);
    log.info(
      `${chunks.length} chunks of ${size} source rows (${total} in all) on ${address.shown}, queue ${name}: ` +
        `${counts.done} done before, ${counts.added} queued now, ${counts.retried} failed before and retried, ${counts.pending} already queued`,
    );
    log.info(
      `start workers with: dataflow worker ${displayPath(setup.plan.file)} --queue ${address.shown} (and this run's --input and --set, if any)`,
    );
    const summary = await collectAndSettle(
      setup,
      chunks,
      queue,
      waker,
      stop.signal,
      flags.progressInterval ?? 10,
      started,
    );
    if (summary === undefined) {
      io.stderr.write(
        "run interrupted; the output file was not written. Run the same command again to collect the chunks.\n",
      );
      return EXIT_RUN_FAILED;
    }
    await state("finished");
    // Done: nothing is left to resume from Redis (done.json markers on disk answer a rerun).
    if (summary.status === "ok") await queue.obliterate({ force: true });
    const used = process.cpuUsage(cpu);
    const full: QueueRunSummary = {
      ...summary,
      queue: {
        chunks: chunks.length,
        chunkSize: size,
        resumed: counts.done,
        workers: summary.workers,
        coordinatorCpuMsPerChunk: chunks.length ? (used.user + used.system) / 1000 / chunks.length : 0,
      },
    };
    delete (full as { workers?: number }).workers;
    if (flags.json) io.stdout.write(`${JSON.stringify(full, null, 2)}\n`);
    else io.stdout.write(`${formatSummary(full)}\n${queueLine(full)}\n`);
    if (summary.status === "ok") return EXIT_OK;
    return summary.exitCode ?? EXIT_RUN_FAILED;
  } finally {
    removeHandler();
    await events.close();
    await queue.close();
    redis.disconnect();
  }
}

function queueLine(s: QueueRunSummary): string {
  return `  queue: ${s.queue.chunks} chunks of ${s.queue.chunkSize} (${s.queue.resumed} done before this run), results from ${s.queue.workers} worker processes, coordinator CPU ${s.queue.coordinatorCpuMsPerChunk.toFixed(2)} ms per chunk`;
}
