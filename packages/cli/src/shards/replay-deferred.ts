import { join } from "node:path";
import {
  type PipelinePlan,
  type RejectRecord,
  type RowSink,
  type RowSource,
  runPipeline,
  type StepSummary,
  type Storage,
} from "@dataflow/core";
import { PositionsFile, readMergedParts, stepFileName } from "@dataflow/storage";
import { KeptLookup } from "./kept-lookup.js";
import type { ShardLayout } from "./shard-layout.js";

/** A deferred step's decisions over every shard's rows. */
export interface DeferredDecision {
  stepId: string;
  /** The step's counts as a whole run would have them. */
  summary: StepSummary;
  rejects: RejectRecord[];
  reconciled: boolean;
}

export interface Replayed {
  decisions: DeferredDecision[];
  /** Whether a row of the output survives every deferred step; ask in source order. */
  keep(position: number, id: string): Promise<boolean>;
  /** Per deferred step, the fate (kept: true) of each row reaching it whose id is in `watch`. */
  fates: Map<string, Map<string, boolean>>;
  close(): Promise<void>;
}

/**
 * Takes the decisions of the steps the shards passed through (dedup, limit, sample of a size): each
 * runs, as in a whole run, over the rows that reached it in every shard, merged in source order,
 * less the rows an earlier deferred step dropped. The rows each keeps go to `<workDir>/<step>.kept`.
 * `watch`: row ids whose fate matters (those rejected later in a shard, and the ids they may come from).
 */
export async function replayDeferred(
  plan: PipelinePlan,
  steps: readonly string[],
  shards: readonly Pick<ShardLayout, "deferred">[],
  workDir: string,
  watch: ReadonlySet<string>,
): Promise<Replayed> {
  const keptFiles: string[] = [];
  const fates = new Map<string, Map<string, boolean>>();
  const decisions: DeferredDecision[] = [];
  for (const stepId of steps) {
    const keptPath = join(workDir, `${stepFileName(stepId)}.kept`);
    const parts = shards.map((s) => s.deferred(stepId));
    // Each pass reads the kept files from their start: one set of cursors per pass.
    const earlier = keptBy(keptFiles);
    try {
      const fate = new Map<string, boolean>();
      fates.set(stepId, fate);
      decisions.push(await replayStep(plan, stepId, parts, keptPath, earlier.keep, { watch, fate }));
    } finally {
      await earlier.close();
    }
    keptFiles.push(keptPath);
  }
  const all = keptBy(keptFiles);
  return { decisions, keep: all.keep, fates, close: all.close };
}

/** Whether a row survives every step whose kept file is listed; ask in source order. */
function keptBy(files: readonly string[]): Pick<Replayed, "keep" | "close"> {
  const lookups = files.map((f) => new KeptLookup(f));
  return {
    keep: async (position, id) => {
      for (const lookup of lookups) if (!(await lookup.has(position, id))) return false;
      return true;
    },
    close: async () => {
      await Promise.all(lookups.map((l) => l.close()));
    },
  };
}

async function replayStep(
  plan: PipelinePlan,
  stepId: string,
  parts: readonly { path: string; positions: string }[],
  keptPath: string,
  keepSoFar: (position: number, id: string) => Promise<boolean>,
  fates: { watch: ReadonlySet<string>; fate: Map<string, boolean> },
): Promise<DeferredDecision> {
  const step = plan.steps.find((s) => s.id === stepId);
  if (!step) throw new Error(`step "${stepId}" is not in the pipeline`);
  const inFlight: [number, string][] = [];
  const rejects: RejectRecord[] = [];
  const kept = await PositionsFile.open(keptPath);
  const source: RowSource = {
    description: `the rows that reached step "${stepId}" in every shard`,
    async *read() {
      for await (const r of readMergedParts(parts)) {
        if (!(await keepSoFar(r.position, r.id))) continue;
        inFlight.push([r.position, r.id]);
        yield { kind: "row", id: r.id, row: r.row };
      }
    },
  };
  const note = (id: string, kept: boolean) => {
    if (fates.watch.has(id)) fates.fate.set(id, kept);
  };
  const sink: RowSink = {
    description: keptPath,
    write: (record) => {
      for (let head = inFlight.shift(); head; head = inFlight.shift()) {
        if (head[1] === record.id) {
          note(head[1], true);
          return kept.write(head[0], head[1]);
        }
        note(head[1], false);
      }
      throw new Error(
        `step "${stepId}" emitted row "${record.id}" that did not reach it: a deferred step must only drop rows`,
      );
    },
    commit: async () => {
      for (const [, id] of inFlight.splice(0)) note(id, false);
      await kept.commit();
    },
    abort: () => kept.abort(),
  };
  const storage: Storage = {
    openSource: () => source,
    openSink: async () => sink,
    openRejects: async () => ({
      description: "merge",
      write: (r) => void rejects.push(r),
      close: async () => {},
    }),
  };
  const summary = await runPipeline({
    plan: { ...plan, steps: [step], run: { ...plan.run, maxRejectRate: 1 } },
    storage,
  });
  if (summary.status !== "ok")
    throw new Error(
      `deciding step "${stepId}" over every shard's rows failed: ${summary.reason ?? summary.status}`,
    );
  return { stepId, summary: summary.steps[0] as StepSummary, rejects, reconciled: summary.reconciled };
}
