import { PassThrough } from "node:stream";
import { LLMServingABC, type PipelineRun } from "@dataflow/core";
import { describe, expect, it, vi } from "vitest";
import { type RunCounts, servingNotes, showProgress, stepDone, stepTotals } from "./progress.js";

type RunStats = RunCounts["stats"];
type StepStats = RunStats["steps"][number];

function counts(source: RunStats["source"], steps: RunStats["steps"], bytesTotal?: number): RunCounts {
  return {
    stats: { startedAt: 0, source, steps, written: 0 },
    sourceProgress: () => (bytesTotal ? { bytesRead: source.bytesRead, bytesTotal } : undefined),
  };
}

function step(
  id: string,
  c: { in: number; out: number; filtered?: number; rejected?: number; extra?: number },
): StepStats {
  return {
    id,
    op: "t/op",
    replayed: 0,
    filteredBy: {},
    rejectedBy: {},
    counters: {},
    distributions: {},
    in: c.in,
    out: c.out,
    filtered: c.filtered ?? 0,
    rejected: c.rejected ?? 0,
    expandedExtra: c.extra ?? 0,
  };
}

describe("stepTotals", () => {
  it("counts for each step the rows that can still reach it, so a finished run's bars end full", () => {
    const steps = [
      step("parse", { in: 30, out: 30 - 1, rejected: 1 }),
      step("judge", { in: 29, out: 1, filtered: 28 }),
      step("write", { in: 1, out: 1 }),
    ];
    const run = counts({ read: 30, bad: 0, bytesRead: 100, done: true }, steps);
    expect(stepTotals(run)).toEqual([30, 29, 1]);
    expect(steps.map(stepDone)).toEqual([30, 29, 1]);
  });

  it("leaves out unreadable source rows and adds the rows an expansion created", () => {
    const steps = [step("split", { in: 9, out: 18, extra: 9 }), step("next", { in: 18, out: 18 })];
    const run = counts({ read: 9, bad: 1, bytesRead: 100, done: true }, steps);
    expect(stepTotals(run)).toEqual([9, 18]);
    expect(steps.map(stepDone)).toEqual([9, 18]);
  });

  it("extrapolates from the bytes read while the source is being read, and shrinks as rows are filtered", () => {
    const steps = [step("a", { in: 10, out: 6, filtered: 4 }), step("b", { in: 6, out: 0 })];
    const run = counts({ read: 10, bad: 0, bytesRead: 250, done: false }, steps, 1000);
    expect(stepTotals(run)).toEqual([40, 36]);
    steps[0] = step("a", { in: 10, out: 4, filtered: 6 });
    expect(stepTotals({ ...run, stats: { ...run.stats, steps } })).toEqual([40, 34]);
  });

  it("never expects more source rows than --limit lets through", () => {
    const run = counts({ read: 2, bad: 0, bytesRead: 10, done: false }, [step("a", { in: 2, out: 2 })], 1000);
    expect(stepTotals({ ...run, limit: 4 })).toEqual([4]);
    expect(stepTotals({ ...run, sourceProgress: () => undefined, limit: 4 })).toEqual([4]);
  });

  it("says nothing of a total it cannot know (no size to extrapolate from)", () => {
    const run = counts({ read: 3, bad: 0, bytesRead: 0, done: false }, [step("a", { in: 3, out: 3 })]);
    expect(stepTotals(run)).toEqual([undefined]);
  });
});

/** A serving that only reports a progress note (a batch serving reports its batches by status). */
class NotingServing extends LLMServingABC {
  readonly name = "teacher";
  readonly model = "m";
  readonly maxConcurrency = 1;
  note: string | undefined = "batches: 1 validating";
  async generate(): Promise<never> {
    throw new Error("not called");
  }
  fingerprint(): Record<string, unknown> {
    return {};
  }
  override progressNote(): string | undefined {
    return this.note;
  }
}

describe("the progress line", () => {
  it("shows beside each LLM step what its serving says of work in flight", async () => {
    const serving = new NotingServing();
    const plan = { steps: [{ id: "distill", serving: "teacher" }, { id: "filter" }] };
    const notes = servingNotes(plan as never, { teacher: serving });
    expect(Object.keys(notes)).toEqual(["distill"]);
    const run = counts({ read: 3, bad: 0, bytesRead: 10, done: true }, [
      step("distill", { in: 3, out: 1 }),
      step("filter", { in: 1, out: 1 }),
    ]);
    const stream = new PassThrough();
    let text = "";
    stream.on("data", (chunk: Buffer) => {
      text += chunk.toString();
    });
    const stop = showProgress(run as unknown as PipelineRun, { stream, intervalSec: 0.01, notes });
    try {
      await vi.waitFor(() => expect(text).toMatch(/distill 1\/3 \([\d.]+\/s[^)]*; batches: 1 validating\)/));
      serving.note = "batches: 1 completed";
      await vi.waitFor(() => expect(text).toMatch(/; batches: 1 completed\) \| filter 1\/3 \([\d.]+\/s\)\n/));
    } finally {
      stop();
    }
  });
});
