import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { type OperatorRegistry, type PipelinePlan, planShards, type RunSummary } from "@dataflow/core";
import { type FileFormat, FileRunStore, FileStorage, mergeParts, positionsFileName } from "@dataflow/storage";
import { type CompileFlags, compileFile } from "../compile-file.js";
import { displayPath, formatSummary } from "../format-summary.js";
import { type CliIO, EXIT_INVALID, EXIT_OK, EXIT_RUN_FAILED } from "../io.js";
import { reportRun } from "../report/write-report.js";
import { RunLockHeld, takeRunLock } from "../run-lock.js";
import { checkShards, shardCountsOnDisk } from "../shards/check-shards.js";
import { mergeRejects, rejectsToWatch } from "../shards/merge-rejects.js";
import { mergeSummaries } from "../shards/merge-summary.js";
import { replayDeferred } from "../shards/replay-deferred.js";
import { type ShardLayout, shardLayout } from "../shards/shard-layout.js";
import { runDirFor } from "./run.js";

export interface MergeFlags extends CompileFlags {
  shards: number;
  json?: boolean;
}

/**
 * `dataflow merge PIPELINE --shards N`: checks every shard's completion marker, decides the steps
 * the shards deferred, merges the parts into the output in source order (streaming), and merges
 * rejects and summaries. A missing or failed shard is named with the command that reruns it (exit 1).
 */
export async function mergeCommand(
  file: string,
  flags: MergeFlags,
  io: CliIO,
  registry: OperatorRegistry,
): Promise<number> {
  const compiled = await compileFile(file, flags, io, registry);
  if ("exitCode" in compiled) return compiled.exitCode;
  const { plan } = compiled;
  const runDir = runDirFor(plan);
  const layouts = Array.from({ length: flags.shards }, (_, i) => shardLayout(plan, runDir, i, flags.shards));
  const rerun = (i: number) => rerunCommand(file, flags, i);
  const check = await checkShards(plan, layouts, rerun);
  if (!check.complete) {
    const counts = (await shardCountsOnDisk(runDir)).filter((n) => n !== flags.shards);
    const hint = counts.length
      ? `\n(shards of ${counts.join(", ")} exist under ${displayPath(join(runDir, "shards"))}: was it --shards ${counts[0]}?)`
      : "";
    io.stderr.write(
      `error: cannot merge ${flags.shards} shards of "${plan.name}":\n  ${check.problems.join("\n  ")}${hint}\n`,
    );
    return EXIT_RUN_FAILED;
  }
  let lock: Awaited<ReturnType<typeof takeRunLock>>;
  try {
    lock = await takeRunLock(runDir);
  } catch (err) {
    if (!(err instanceof RunLockHeld)) throw err;
    io.stderr.write(`error: pipeline "${plan.name}": ${err.message}\n`);
    return EXIT_INVALID;
  }
  try {
    const parts = check.complete.markers.map((m) => m.part);
    const { summary, notes } = await mergeShards(plan, layouts, parts, check.complete.summaries, runDir);
    io.stdout.write(flags.json ? `${JSON.stringify(summary, null, 2)}\n` : `${formatSummary(summary)}\n`);
    for (const note of notes) (flags.json ? io.stderr : io.stdout).write(`  ${note}\n`);
    await reportRun(plan, summary, new FileRunStore({ dir: runDir }), flags.json ? io.stderr : io.stdout);
    return summary.status === "ok" ? EXIT_OK : EXIT_RUN_FAILED;
  } catch (err) {
    io.stderr.write(`error: merge failed: ${(err as Error).message}\n`);
    return EXIT_RUN_FAILED;
  } finally {
    await lock.release();
  }
}

async function mergeShards(
  plan: PipelinePlan,
  layouts: readonly ShardLayout[],
  parts: readonly string[],
  shardSummaries: readonly RunSummary[],
  runDir: string,
): Promise<{ summary: RunSummary; notes: string[] }> {
  const started = Date.now();
  const deferredSteps = planShards(plan).deferred;
  const workDir = join(runDir, "merge");
  await rm(workDir, { recursive: true, force: true });
  await mkdir(workDir, { recursive: true });
  const watch = await rejectsToWatch(plan, deferredSteps, layouts);
  const replayed = await replayDeferred(plan, deferredSteps, layouts, workDir, watch);
  try {
    const output = new FileStorage({
      input: { path: plan.source.path },
      output: {
        path: plan.output.path,
        ...(plan.output.format ? { format: plan.output.format as FileFormat } : {}),
      },
      rejects: { path: plan.output.rejects },
    });
    const merged = await mergeParts({
      parts: parts.map((path) => ({ path, positions: positionsFileName(path) })),
      sink: await output.openSink(),
      ...(deferredSteps.length ? { keep: replayed.keep } : {}),
    });
    const decisions = new Map(replayed.decisions.map((d) => [d.stepId, d.rejects] as const));
    const voided = await mergeRejects(plan, layouts, runDir, decisions, replayed.fates);
    const notes = deferredSteps.length
      ? [
          `decided at the merge over every shard's rows: ${deferredSteps.join(", ")}; ${merged.left} output rows of the shards were dropped there (the counts of the steps after it include them)`,
        ]
      : [];
    const summary = mergeSummaries(plan, shardSummaries, {
      written: merged.rows,
      deferred: new Map(replayed.decisions.map((d) => [d.stepId, d])),
      voided,
      output: plan.output.path,
      runDir,
      durationMs: Date.now() - started,
    });
    return { summary, notes };
  } finally {
    await replayed.close();
    await rm(workDir, { recursive: true, force: true });
  }
}

/** The command that reruns shard `index`: the merge's own pipeline and flags, with --shard. */
export function rerunCommand(file: string, flags: CompileFlags & { shards: number }, index: number): string {
  const args = ["dataflow", "run", file];
  if (flags.input) args.push("--input", flags.input);
  if (flags.output) args.push("--output", flags.output);
  for (const s of flags.set ?? []) args.push("--set", s);
  args.push("--shard", `${index}/${flags.shards}`);
  return args.map(shellQuote).join(" ");
}

function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`;
}
