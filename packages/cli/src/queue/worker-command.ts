import { hostname } from "node:os";
import type { OperatorRegistry } from "@dataflow/core";
import type { Job } from "bullmq";
import { closeResources } from "../build-resources.js";
import { type CompileFlags, compileFile } from "../compile-file.js";
import { type CliIO, EXIT_INVALID, EXIT_OK } from "../io.js";
import { type ChunkJob, QUEUE_PREFIX, queueName, runStateKey } from "./chunk-layout.js";
import { type LogFlags, prepareQueueRun, type QueueSetup } from "./queue-setup.js";
import { parseQueueUrl } from "./queue-url.js";
import { bullConnection, connectRedis } from "./redis-client.js";
import { runChunk } from "./run-chunk.js";
import { finishedSince, parseRunState, redisNow } from "./run-state.js";
import { type StallSettings, stallSettings } from "./stall-settings.js";
import { UsageLedger } from "./usage-ledger.js";

export interface WorkerFlags extends CompileFlags, LogFlags {
  queue: string;
  /** How long a chunk's lock lasts without renewal (ms); a killed worker's chunk is handed on after about this. */
  lockMs?: number;
  /** Exit once the coordinator has finished the run (its run-state key says so) and no chunk is in hand. */
  untilDone?: boolean;
}

/** `dataflow worker PIPELINE --queue URL`: take chunks of the pipeline's queue and run them until stopped. */
export async function workerCommand(
  file: string,
  flags: WorkerFlags,
  io: CliIO,
  registry: OperatorRegistry,
): Promise<number> {
  let address: ReturnType<typeof parseQueueUrl>;
  try {
    address = parseQueueUrl(flags.queue);
  } catch (err) {
    io.stderr.write(`error: ${(err as Error).message}\n`);
    return EXIT_INVALID;
  }
  const compiled = await compileFile(file, flags, io, registry);
  if ("exitCode" in compiled) return compiled.exitCode;
  let setup: QueueSetup;
  try {
    setup = await prepareQueueRun(compiled.plan, registry, io, flags);
  } catch (err) {
    io.stderr.write(`error: ${(err as Error).message}\n`);
    return EXIT_INVALID;
  }
  try {
    const redis = await connectRedis(address);
    try {
      await takeChunks(setup, address, redis, flags, io);
    } finally {
      redis.disconnect();
    }
    return EXIT_OK;
  } catch (err) {
    io.stderr.write(`error: ${(err as Error).message}\n`);
    return EXIT_INVALID;
  } finally {
    await closeResources(setup.resources);
  }
}

/** Runs the BullMQ worker until a signal (or, with --until-done, the run's end) stops it. */
async function takeChunks(
  setup: QueueSetup,
  address: ReturnType<typeof parseQueueUrl>,
  redis: Awaited<ReturnType<typeof connectRedis>>,
  flags: WorkerFlags,
  io: CliIO,
): Promise<void> {
  const { Worker } = await import("bullmq");
  const log = setup.logger.scope("worker");
  const runner = { ...setup, logger: setup.logger.scope("run"), usage: new UsageLedger() };
  const name = queueName(setup.digest);
  const settings: StallSettings = stallSettings(flags.lockMs);
  const startedAt = await redisNow(redis);
  const worker = new Worker<ChunkJob>(
    name,
    async (job: Job<ChunkJob>) => {
      if (job.data.digest !== setup.digest)
        throw new Error(`chunk of another pipeline (digest ${job.data.digest})`);
      const started = Date.now();
      const done = await runChunk(runner, job.data);
      log.info(
        `chunk ${job.data.index} (rows ${job.data.start}…${job.data.end - 1}): ${done.counts.written} rows out in ${Date.now() - started} ms`,
      );
      return { written: done.counts.written };
    },
    { connection: bullConnection(address), prefix: QUEUE_PREFIX, concurrency: 1, ...settings },
  );
  worker.on("error", (err) => log.warn(`queue: ${err.message}`));
  worker.on("failed", (job, err) => log.error(`chunk ${job?.data.index ?? "?"} failed: ${err.message}`));
  log.info(
    `worker ${hostname()}/${process.pid}: pipeline "${setup.plan.name}" (digest ${setup.digest.slice(0, 12)}), taking chunks from ${address.shown} (queue ${name})`,
  );
  await new Promise<void>((resolve) => {
    let stops = 0;
    const stop = (): void => {
      stops++;
      if (stops === 1) {
        log.info(
          "stopping: finishing the chunk in hand (Ctrl-C again to abort it; another worker will redo it)",
        );
        worker.close().then(resolve, resolve);
      } else {
        // As a kill would: the chunk's lock lapses and another worker redoes it from the rows recorded.
        log.info(
          `aborting: the chunk in hand goes back to the queue after about ${settings.lockDuration} ms`,
        );
        process.exit(130);
      }
    };
    const removeHandler = io.onInterrupt(stop);
    const poll = flags.untilDone ? setInterval(() => void checkFinished(), 1000) : undefined;
    const checkFinished = async (): Promise<void> => {
      const state = parseRunState(await redis.get(runStateKey(setup.digest)).catch(() => null));
      if (finishedSince(state, startedAt) && stops === 0) {
        log.info("the coordinator has finished the run: stopping");
        stop();
      }
    };
    worker.on("closed", () => {
      clearInterval(poll);
      removeHandler();
      resolve();
    });
  });
}
