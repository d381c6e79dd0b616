import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import type { PipelinePlan, RowSink, StepSummary } from "@dataflow/core";
import { readPositions } from "@dataflow/storage";
import { mergeRejects, rejectsToWatch } from "../shards/merge-rejects.js";
import { withoutVoided } from "../shards/merge-summary.js";
import { replayDeferred } from "../shards/replay-deferred.js";
import { chunkAttempt } from "./chunk-attempt.js";
import type { ChunkDone } from "./chunk-done.js";
import { readChunkRows } from "./chunk-rows.js";

export interface DeferredOutcome {
  /** Rows written to the sink. */
  written: number;
  /** The step summaries as a whole run has them: deferred steps decided over every row, voided rejects out. */
  steps(summed: readonly StepSummary[]): StepSummary[];
  reconciled: boolean;
  /** Output rows of the chunks that a decision dropped (the steps after it computed them). */
  dropped: number;
}

/**
 * Once every chunk is in: decides the steps the chunks passed through (dedup, limit, sample of a size)
 * over every chunk's rows in source order, as `merge` does for shards, then writes the rows that
 * survive to `sink` in chunk order and the run's rejects, less those of rows a decision dropped first.
 */
export async function decideDeferred(
  plan: PipelinePlan,
  deferredSteps: readonly string[],
  queueDir: string,
  dones: readonly ChunkDone[],
  sink: RowSink,
  runDir: string,
): Promise<DeferredOutcome> {
  const attempts = dones.map((d) => chunkAttempt(queueDir, d));
  const workDir = join(runDir, "queue-decide");
  await rm(workDir, { recursive: true, force: true });
  await mkdir(workDir, { recursive: true });
  const watch = await rejectsToWatch(plan, deferredSteps, attempts);
  const replayed = await replayDeferred(plan, deferredSteps, attempts, workDir, watch);
  try {
    let written = 0;
    let dropped = 0;
    for (const attempt of attempts) {
      const positions = readPositions(attempt.positions);
      for await (const record of readChunkRows(attempt.rows)) {
        const next = await positions.next();
        if (next.done || next.value[1] !== record.id)
          throw new Error(`${attempt.positions} does not match ${attempt.rows}: the chunk result is damaged`);
        if (await replayed.keep(next.value[0], record.id)) {
          await sink.write(record);
          written++;
        } else dropped++;
      }
    }
    const decisions = new Map(replayed.decisions.map((d) => [d.stepId, d.rejects] as const));
    const voided = await mergeRejects(plan, attempts, runDir, decisions, replayed.fates);
    const decided = new Map(replayed.decisions.map((d) => [d.stepId, d.summary] as const));
    return {
      written,
      dropped,
      reconciled: replayed.decisions.every((d) => d.reconciled),
      steps: (summed) => summed.map((s) => decided.get(s.id) ?? withoutVoided(s, voided.get(s.id))),
    };
  } finally {
    await replayed.close();
    await rm(workDir, { recursive: true, force: true });
  }
}
