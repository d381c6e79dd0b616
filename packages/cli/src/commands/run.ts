import type { OperatorRegistry, PipelinePlan } from "@dataflow/core";
import { didYouMean, startRun, stepFingerprints } from "@dataflow/core";
import {
  type DatasetCardInfo,
  type FileFormat,
  FileRunStore,
  FileStorage,
  resolveOutputFormat,
} from "@dataflow/storage";
import { buildResources, closeResources, type Resources } from "../build-resources.js";
import { type CompileFlags, compileFile } from "../compile-file.js";
import { displayPath, formatDuration, formatSummary } from "../format-summary.js";
import { type CliIO, EXIT_INVALID, EXIT_OK, EXIT_RUN_FAILED } from "../io.js";
import { createCliLogger, type LogFormat } from "../logging/cli-logger.js";
import { servingNotes, showProgress } from "../progress.js";
import { reportRun } from "../report/write-report.js";
import { type RunLock, RunLockHeld, takeRunLock } from "../run-lock.js";
import type { ShardRun } from "../shards/shard-run.js";
import { describePlan, runDirFor } from "./describe-plan.js";

// Kept apart so that `validate` does not load the run machinery (logger, progress, report).
export { describePlan, runDirFor } from "./describe-plan.js";

export interface RunFlags extends CompileFlags {
  limit?: number;
  fresh?: boolean;
  fromStep?: string;
  dryRun?: boolean;
  json?: boolean;
  progressInterval?: number;
  verbose?: boolean;
  logFormat?: LogFormat;
  /** Coordinate a work-queue run on this Redis (see queue/coordinator.ts); workers run the chunks. */
  queue?: string;
  chunkSize?: number;
  /** `I/N`: run only shard I of N (see shards/shard-run.ts). */
  shard?: string;
}

export async function runCommand(
  file: string,
  flags: RunFlags,
  io: CliIO,
  registry: OperatorRegistry,
): Promise<number> {
  const compiled = await compileFile(file, flags, io, registry);
  if ("exitCode" in compiled) return compiled.exitCode;
  const { plan } = compiled;

  if (flags.fromStep !== undefined && !plan.steps.some((s) => s.id === flags.fromStep)) {
    const hint = didYouMean(
      flags.fromStep,
      plan.steps.map((s) => s.id),
    );
    io.stderr.write(
      `error: --from-step ${flags.fromStep}: no such step${hint ? `; ${hint}` : ""} (steps: ${plan.steps.map((s) => s.id).join(", ")})\n`,
    );
    return EXIT_INVALID;
  }

  const shard = await shardOf(plan, flags, io);
  if (typeof shard === "number") return shard;
  if (flags.dryRun) {
    const shardLines = shard ? `\n${describeShard(shard)}` : "";
    io.stdout.write(
      `${describePlan(plan, process.cwd(), registry)}${shardLines}\n\nvalid; dry run, nothing was executed\n`,
    );
    return EXIT_OK;
  }

  const runDir = shard?.layout.runDir ?? runDirFor(plan);

  if (flags.queue !== undefined) {
    // Loaded only here: BullMQ and ioredis stay out of every other command's start-up.
    const { runQueued } = await import("../queue/coordinator.js");
    return runQueued(plan, { ...flags, queue: flags.queue }, io, registry);
  }

  // Held from before --fresh clears anything until the run has ended (a Ctrl-C ends it too).
  let lock: RunLock;
  try {
    lock = await takeRunLock(runDir);
  } catch (err) {
    if (err instanceof RunLockHeld) {
      io.stderr.write(`error: pipeline "${plan.name}": ${err.message}\n`);
      return EXIT_INVALID;
    }
    io.stderr.write(`error: cannot take the run lock in ${displayPath(runDir)}: ${(err as Error).message}\n`);
    return EXIT_RUN_FAILED;
  }
  try {
    return await executePlan(plan, flags, io, registry, shard);
  } finally {
    await lock.release();
  }
}

async function executePlan(
  plan: PipelinePlan,
  flags: RunFlags,
  io: CliIO,
  registry: OperatorRegistry,
  shard?: ShardRun,
): Promise<number> {
  const resources: Resources = { servings: {}, retrievers: {} };
  const logger = createCliLogger({
    format: flags.logFormat ?? "pretty",
    verbose: flags.verbose ?? false,
    stream: io.stderr,
    env: io.env,
  });
  let dataset: ReturnType<typeof datasetOutput>;
  try {
    dataset = datasetOutput(plan);
    await buildResources(plan, registry, io, resources, logger);
  } catch (err) {
    io.stderr.write(`error: ${(err as Error).message}\n`);
    await closeResources(resources);
    return EXIT_INVALID;
  }
  const { servings, retrievers } = resources;

  const storage = new FileStorage({
    input: {
      path: plan.source.path,
      // The compiler checked the name against the registered formats: this package's.
      ...(plan.source.format ? { format: plan.source.format as FileFormat } : {}),
      ...(plan.source.idColumn ? { idColumn: plan.source.idColumn } : {}),
      ...plan.source.options, // the registered format's options (documents: include…, hf-dataset: split)
    },
    output: {
      path: shard?.layout.part ?? plan.output.path,
      ...(shard ? { positions: shard.layout.positions } : {}),
      ...(plan.output.format ? { format: plan.output.format as FileFormat } : {}),
      ...dataset,
    },
    rejects: { path: plan.output.rejects },
  });
  const runStore = new FileRunStore({ dir: shard?.layout.runDir ?? runDirFor(plan) });
  const sourceIdentity = await storage.sourceIdentity();
  // A shard's marker holds these: a finished shard is skipped only for the same pipeline, input and settings.
  const fingerprints = shard
    ? [...stepFingerprints(plan, sourceIdentity, servings, retrievers), `limit:${flags.limit ?? "none"}`]
    : [];
  if (shard && !flags.fresh && flags.fromStep === undefined && (await shard.isComplete(fingerprints))) {
    io.stdout.write(
      `shard ${shard.layout.index}/${shard.layout.count} of "${plan.name}" is already complete (${displayPath(shard.layout.marker)}); nothing to do (--fresh runs it again)\n`,
    );
    await closeResources(resources);
    return EXIT_OK;
  }
  await shard?.start();
  const run = startRun({
    plan,
    storage,
    runStore,
    servings,
    retrievers,
    logger: logger.scope("run"),
    sourceIdentity,
    ...shard?.runOptions,
    ...(flags.fresh ? { fresh: true } : {}),
    ...(flags.fromStep !== undefined ? { fromStep: flags.fromStep } : {}),
    ...(flags.limit !== undefined ? { limit: flags.limit } : {}),
  });

  let interrupts = 0;
  // Through the log sink: printed above the bars while they are drawn.
  const removeHandler = io.onInterrupt(() => {
    interrupts++;
    if (interrupts === 1) {
      logger.sink.write(
        `\nstopping: no new rows; rows in flight get ${formatDuration(plan.run.shutdownGraceMs)} to finish (Ctrl-C again to abort them now)\n`,
      );
    } else logger.sink.write("\naborting rows in flight\n");
    run.cancel("interrupted");
  });
  // JSON logs are for machines: no bars or progress lines among them.
  const stopProgress =
    logger.format === "json"
      ? () => {}
      : showProgress(run, {
          stream: io.stderr,
          intervalSec: flags.progressInterval ?? 10,
          logs: logger.sink,
          notes: servingNotes(plan, servings),
          ...(flags.limit !== undefined ? { limit: flags.limit } : {}),
        });
  try {
    const summary = await run.done;
    stopProgress();
    await shard?.finish(summary, fingerprints);
    if (flags.json) io.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    else io.stdout.write(`${formatSummary(summary)}\n`);
    // Shards write no report of their own (they would overwrite one another's): `dataflow merge` does.
    if (!shard) await reportRun(plan, summary, runStore, flags.json ? io.stderr : io.stdout);
    if (summary.status === "cancelled") {
      const cached = summary.steps.reduce((n, s) => n + s.out + s.filtered - s.replayed, 0);
      io.stderr.write(
        `run interrupted; the output file was not written. Finished rows are cached in ${displayPath(runStore.dir)} (${cached} new this run): run the same command again to resume where it stopped.\n`,
      );
    }
    if (summary.status === "ok") return EXIT_OK;
    // A fatal serving error (a refused key, an unknown model) is a configuration to fix: exit 2.
    return summary.exitCode ?? EXIT_RUN_FAILED;
  } catch (err) {
    stopProgress();
    io.stderr.write(`error: run failed: ${(err as Error).message}\n`);
    return EXIT_RUN_FAILED;
  } finally {
    removeHandler();
    await closeResources(resources);
  }
}

/** The shard `--shard` names, checked with the pipeline; a number is the exit code, after saying why. */
async function shardOf(
  plan: PipelinePlan,
  flags: RunFlags,
  io: CliIO,
): Promise<ShardRun | number | undefined> {
  if (flags.shard === undefined) return undefined;
  if (flags.queue !== undefined) {
    io.stderr.write("error: --queue and --shard split a run in two different ways; give one of them\n");
    return EXIT_INVALID;
  }
  const { prepareShardRun } = await import("../shards/shard-run.js");
  const prepared = prepareShardRun(plan, flags.shard, runDirFor(plan));
  if (typeof prepared !== "string") return prepared;
  io.stderr.write(`error: ${prepared}\n`);
  return EXIT_INVALID;
}

/** A shard's rows and files, for --dry-run. */
function describeShard(shard: ShardRun): string {
  const { index, count, part, runDir } = shard.layout;
  const lines = [
    `  shard ${index}/${count}: the source rows whose id hashes to ${index} (FNV-1a mod ${count})`,
    `  part: ${displayPath(part)} (+ .positions); shard caches and marker: ${displayPath(runDir)}`,
  ];
  if (shard.deferred.length)
    lines.push(`  decided at the merge (passed through here): ${shard.deferred.join(", ")}`);
  return lines.join("\n");
}

/** hf-dataset output: its split and shard size, and what its dataset card says about this pipeline. */
function datasetOutput(plan: PipelinePlan): { split?: string; shardRows?: number; card?: DatasetCardInfo } {
  const options = plan.output.options ?? {};
  if (resolveOutputFormat(plan.output.path, plan.output.format) !== "hf-dataset") {
    const keys = Object.keys(options);
    // The schema lets every format's options through; only a dataset takes these.
    if (keys.length)
      throw new Error(
        `output.${keys[0]} is an option of hf-dataset outputs, but ${plan.output.path} is not one; set output.format: hf-dataset or remove it`,
      );
    return {};
  }
  const { split, shardRows, license } = options as {
    split?: string;
    shardRows?: number;
    license?: string;
  };
  const models = Object.values(plan.servings).flatMap((s) => (typeof s.model === "string" ? [s.model] : []));
  return {
    ...(split === undefined ? {} : { split }),
    ...(shardRows === undefined ? {} : { shardRows }),
    card: {
      pipeline: plan.name,
      steps: plan.steps.map((s) => ({ id: s.id, op: s.op.spec.name })),
      models: [...new Set(models)],
      ...(license === undefined ? {} : { license }),
    },
  };
}
