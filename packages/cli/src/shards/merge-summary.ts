import { type PipelinePlan, type RunSummary, type StepSummary, sumUsage } from "@dataflow/core";

export interface MergedCounts {
  /** Rows in the merged output. */
  written: number;
  /** Deferred steps' counts over every shard's rows (see replayDeferred), by step id. */
  deferred: ReadonlyMap<string, { summary: StepSummary; reconciled: boolean }>;
  /** Shard rejects dropped because a deferred step dropped their row first, by step id and type. */
  voided: ReadonlyMap<string, Record<string, number>>;
  output: string;
  runDir: string;
  durationMs: number;
}

/**
 * One summary for a sharded run: the shards' counts added step by step, a deferred step's counts
 * taken from its decisions at the merge, and the shard rejects of rows those decisions dropped
 * taken out. Steps after a deferred step also computed rows it dropped; their counts include them
 * (the merge says how many output rows went that way). Distributions are not merged (they are summaries).
 */
export function mergeSummaries(
  plan: PipelinePlan,
  shards: readonly RunSummary[],
  m: MergedCounts,
): RunSummary {
  const steps = plan.steps.map((step, i) => {
    const decided = m.deferred.get(step.id);
    if (decided) return decided.summary;
    return withoutVoided(addSteps(shards.map((s) => s.steps[i] as StepSummary)), m.voided.get(step.id));
  });
  const source = {
    read: sum(shards.map((s) => s.source.read)),
    bad: sum(shards.map((s) => s.source.bad)),
    bytesRead: Math.max(0, ...shards.map((s) => s.source.bytesRead)),
    done: shards.every((s) => s.source.done),
  };
  const rejected = source.bad + sum(steps.map((s) => s.rejected));
  const inputs = source.read + source.bad;
  const rejectRate = inputs ? rejected / inputs : 0;
  const over = rejectRate > plan.run.maxRejectRate;
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const usage = sumUsage(steps.map((s) => s.usage));
  const reconciled = shards.every((s) => s.reconciled) && [...m.deferred.values()].every((d) => d.reconciled);
  return {
    pipeline: plan.name,
    status: over ? "failed" : "ok",
    ...(over
      ? { reason: `reject rate ${pct(rejectRate)} is above run.maxRejectRate ${pct(plan.run.maxRejectRate)}` }
      : {}),
    source,
    steps,
    written: m.written,
    rejected,
    filtered: sum(steps.map((s) => s.filtered)),
    rejectRate,
    maxRejectRate: plan.run.maxRejectRate,
    reconciled,
    output: m.output,
    rejectsFile: `${m.runDir}/rejects`,
    runDir: m.runDir,
    ...(usage ? { usage } : {}),
    durationMs: m.durationMs,
  };
}

function addSteps(list: readonly StepSummary[]): StepSummary {
  const first = list[0] as StepSummary;
  const total: StepSummary = {
    ...first,
    filteredBy: {},
    rejectedBy: {},
    counters: {},
    distributions: {},
  };
  for (const key of ["in", "out", "filtered", "rejected", "expandedExtra", "replayed", "unfinished"] as const)
    total[key] = sum(list.map((s) => s[key]));
  for (const s of list) {
    addInto(total.filteredBy, s.filteredBy);
    addInto(total.rejectedBy, s.rejectedBy);
    addInto(total.counters, s.counters);
  }
  const usage = sumUsage(list.map((s) => s.usage));
  if (usage) total.usage = usage;
  else delete total.usage;
  return total;
}

/** A reject voided at the merge: its row never reached the step in a whole run. */
export function withoutVoided(step: StepSummary, voided: Record<string, number> | undefined): StepSummary {
  if (!voided) return step;
  const n = sum(Object.values(voided));
  const rejectedBy = { ...step.rejectedBy };
  for (const [type, k] of Object.entries(voided)) {
    rejectedBy[type] = (rejectedBy[type] ?? 0) - k;
    if (rejectedBy[type] === 0) delete rejectedBy[type];
  }
  return { ...step, in: step.in - n, rejected: step.rejected - n, rejectedBy };
}

function addInto(into: Record<string, number>, from: Readonly<Record<string, number>>): void {
  for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
}

const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);
