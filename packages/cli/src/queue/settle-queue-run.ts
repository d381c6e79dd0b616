import { join } from "node:path";
import { planShards, type RunManifest, type RunSummary, redactSecrets } from "@dataflow/core";
import { type FileFormat, FileRunStore, FileStorage } from "@dataflow/storage";
import type { Queue } from "bullmq";
import { runDirFor } from "../commands/run.js";
import type { ChunkDone } from "./chunk-done.js";
import { type ChunkJob, chunkDirFor } from "./chunk-layout.js";
import { ChunkRejects } from "./chunk-rejects.js";
import { type Collected, collectChunks } from "./collect-chunks.js";
import { decideDeferred } from "./decide-deferred.js";
import type { QueueSetup } from "./queue-setup.js";
import { sumChunkCounts } from "./queue-summary.js";
import type { Waker } from "./waker.js";

export type SettledRun = RunSummary & { workers: number };

/**
 * Collects the chunks into the pipeline's output and rejects, then decides the run as a single-process
 * run does: a failed chunk fails it (nothing written); a reject rate above run.maxRejectRate fails it,
 * keeping an earlier output when there is one. Undefined when interrupted (nothing written).
 */
export async function collectAndSettle(
  setup: QueueSetup,
  chunks: readonly ChunkJob[],
  queue: Queue<ChunkJob>,
  waker: Waker,
  signal: AbortSignal,
  progressSec: number,
  started: number,
): Promise<SettledRun | undefined> {
  const { plan } = setup;
  const storage = new FileStorage({
    input: { path: plan.source.path },
    output: {
      path: plan.output.path,
      ...(plan.output.format ? { format: plan.output.format as FileFormat } : {}),
    },
    rejects: { path: plan.output.rejects },
  });
  const runStore = new FileRunStore({ dir: runDirFor(plan) });
  const rejects = new ChunkRejects(
    runStore,
    plan.steps.map((s) => s.id),
  );
  const sink = await storage.openSink();
  // Steps decided over every row (dedup, limit, sample of a size) wait for every chunk.
  const deferredSteps = planShards(plan).deferred;
  let collected: Collected;
  try {
    collected = await collectChunks({
      queue,
      chunks,
      queueDir: setup.queueDir,
      sink,
      rejects,
      waker,
      pollMs: 1000,
      signal,
      logger: setup.logger.scope("queue"),
      progressSec,
      rowsLater: deferredSteps.length > 0,
    });
  } catch (err) {
    await sink.abort();
    throw err;
  } finally {
    await rejects.close();
  }
  if (collected.interrupted) {
    await sink.abort();
    return undefined;
  }
  let sums = sumChunkCounts(plan.name, collected.dones);
  if (deferredSteps.length && !collected.failure)
    sums = await withDeferred(setup, deferredSteps, collected.dones, sink, runStore.dir, sums);
  const rejected = sums.source.bad + sums.steps.reduce((n, s) => n + s.rejected, 0);
  const filtered = sums.steps.reduce((n, s) => n + s.filtered, 0);
  const inputs = sums.source.read + sums.source.bad;
  const rejectRate = inputs ? rejected / inputs : 0;
  const outcome = await settle(collected, rejectRate, plan.run.maxRejectRate, sink, storage);
  const summary: SettledRun = {
    ...sums,
    ...outcome,
    rejected,
    filtered,
    rejectRate,
    maxRejectRate: plan.run.maxRejectRate,
    rejectsFile: join(runStore.dir, "rejects"),
    runDir: runStore.dir,
    durationMs: Date.now() - started,
    workers: new Set(collected.dones.map((d) => `${d.worker.host}/${d.worker.pid}`)).size,
  };
  await writeRunManifest(setup, runStore, collected.dones, summary);
  return summary;
}

type ChunkSums = ReturnType<typeof sumChunkCounts>;

/** The rows and counts once the steps decided over every row are decided (decideDeferred); the sink aborted on failure. */
async function withDeferred(
  setup: QueueSetup,
  deferredSteps: readonly string[],
  dones: readonly ChunkDone[],
  sink: Awaited<ReturnType<FileStorage["openSink"]>>,
  runDir: string,
  sums: ChunkSums,
): Promise<ChunkSums> {
  let decided: Awaited<ReturnType<typeof decideDeferred>>;
  try {
    decided = await decideDeferred(setup.plan, deferredSteps, setup.queueDir, dones, sink, runDir);
  } catch (err) {
    await sink.abort();
    throw err;
  }
  setup.logger
    .scope("queue")
    .info(
      `decided over every chunk's rows: ${deferredSteps.join(", ")}; ${decided.dropped} output rows of the chunks were dropped there (the counts of the steps after it include them)`,
    );
  return {
    ...sums,
    steps: decided.steps(sums.steps),
    written: decided.written,
    reconciled: sums.reconciled && decided.reconciled,
  };
}

async function settle(
  collected: Collected,
  rejectRate: number,
  maxRejectRate: number,
  sink: Awaited<ReturnType<FileStorage["openSink"]>>,
  storage: FileStorage,
): Promise<Pick<RunSummary, "status" | "reason" | "exitCode" | "output">> {
  if (collected.failure) {
    await sink.abort();
    const { reason, exitCode } = collected.failure;
    return {
      status: "failed",
      reason: redactSecrets(reason),
      ...(exitCode !== undefined ? { exitCode } : {}),
    };
  }
  if (rejectRate > maxRejectRate) {
    const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
    const reason = `reject rate ${pct(rejectRate)} is above run.maxRejectRate ${pct(maxRejectRate)}`;
    if (await storage.outputExists()) {
      await sink.abort();
      return { status: "failed", reason: `${reason}; the previous output ${sink.description} is kept` };
    }
    await sink.commit();
    return { status: "failed", reason, output: sink.description };
  }
  await sink.commit();
  return { status: "ok", output: sink.description };
}

/** The run directory's manifest, as a single-process run leaves it: fingerprints from a chunk's, counts summed. */
async function writeRunManifest(
  setup: QueueSetup,
  runStore: FileRunStore,
  dones: readonly ChunkDone[],
  summary: RunSummary,
): Promise<void> {
  const first = dones[0];
  if (!first) return;
  const attemptDir = join(chunkDirFor(setup.queueDir, first), "attempts", first.attempt);
  const chunkManifest = await new FileRunStore({ dir: attemptDir }).readManifest();
  if (!chunkManifest) return;
  const manifest: RunManifest = {
    ...chunkManifest,
    status: summary.status,
    ...(summary.reason ? { reason: summary.reason } : {}),
    startedAt: new Date(Date.now() - summary.durationMs).toISOString(),
    updatedAt: new Date().toISOString(),
    steps: chunkManifest.steps.map((m) => {
      const st = summary.steps.find((s) => s.id === m.id);
      if (!st) return m;
      const { usage } = st;
      return {
        ...m,
        status: summary.status === "ok" ? "done" : "failed",
        replayed: st.replayed,
        counts: { in: st.in, out: st.out, filtered: st.filtered, rejected: st.rejected },
        ...(usage ? { usage: { ...usage } } : {}),
      };
    }),
  };
  await runStore.writeManifest(manifest);
}
