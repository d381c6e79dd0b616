import type { PipelinePlan, RunSummary, StepSummary } from "@dataflow/core";
import { describe, expect, it } from "vitest";
import { mergeSummaries } from "./merge-summary.js";

const plan = {
  name: "p",
  run: { maxRejectRate: 0.2 },
  steps: [{ id: "gen" }, { id: "dedup" }, { id: "distill" }],
} as PipelinePlan;

function step(id: string, counts: Partial<StepSummary>): StepSummary {
  return {
    id,
    op: `test/${id}`,
    in: 0,
    out: 0,
    filtered: 0,
    rejected: 0,
    expandedExtra: 0,
    replayed: 0,
    unfinished: 0,
    filteredBy: {},
    rejectedBy: {},
    counters: {},
    distributions: {},
    ...counts,
  };
}

function shard(read: number, gen: Partial<StepSummary>, distill: Partial<StepSummary>): RunSummary {
  return {
    pipeline: "p",
    status: "ok",
    source: { read, bad: 1, bytesRead: 500, done: true },
    steps: [
      step("gen", gen),
      step("dedup", { in: gen.out ?? 0, out: gen.out ?? 0 }),
      step("distill", distill),
    ],
    written: 0,
    rejected: 0,
    filtered: 0,
    rejectRate: 0,
    maxRejectRate: 0.2,
    reconciled: true,
    durationMs: 1,
  };
}

describe("mergeSummaries", () => {
  it("adds shards step by step, takes deferred steps from the merge and takes voided rejects out", () => {
    const a = shard(
      10,
      {
        in: 10,
        out: 9,
        rejected: 1,
        rejectedBy: { timeout: 1 },
        usage: { requests: 10, cached: 0, promptTokens: 100, completionTokens: 10 },
      },
      { in: 9, out: 8, rejected: 1, rejectedBy: { "bad-output": 1 } },
    );
    const b = shard(
      12,
      {
        in: 12,
        out: 12,
        usage: { requests: 12, cached: 2, promptTokens: 120, completionTokens: 12, cost: 0.5 },
      },
      { in: 12, out: 11, rejected: 1, rejectedBy: { "bad-output": 1 } },
    );
    const dedup = step("dedup", {
      in: 21,
      out: 18,
      filtered: 3,
      filteredBy: { "near-duplicate of row 2": 3 },
    });
    const merged = mergeSummaries(plan, [a, b], {
      written: 17,
      deferred: new Map([["dedup", { summary: dedup, reconciled: true }]]),
      voided: new Map([["distill", { "bad-output": 1 }]]),
      output: "/out/p.jsonl",
      runDir: "/cache/p",
      durationMs: 5,
    });
    expect(merged.source).toEqual({ read: 22, bad: 2, bytesRead: 500, done: true });
    expect(merged.steps[0]).toMatchObject({
      in: 22,
      out: 21,
      rejected: 1,
      rejectedBy: { timeout: 1 },
      usage: { requests: 22, cached: 2, promptTokens: 220, completionTokens: 22, cost: 0.5 },
    });
    expect(merged.steps[1]).toBe(dedup);
    expect(merged.steps[2]).toMatchObject({ in: 20, out: 19, rejected: 1, rejectedBy: { "bad-output": 1 } });
    expect(merged).toMatchObject({
      status: "ok",
      written: 17,
      rejected: 4,
      filtered: 3,
      reconciled: true,
      output: "/out/p.jsonl",
    });
    expect(merged.rejectRate).toBeCloseTo(4 / 24);
  });

  it("fails the merged run when its reject rate passes run.maxRejectRate, and is not reconciled when a shard was not", () => {
    const bad = { ...shard(4, { in: 4, out: 1, rejected: 3 }, { in: 1, out: 1 }), reconciled: false };
    const merged = mergeSummaries(plan, [bad], {
      written: 1,
      deferred: new Map(),
      voided: new Map(),
      output: "o",
      runDir: "r",
      durationMs: 1,
    });
    expect(merged.status).toBe("failed");
    expect(merged.reason).toBe("reject rate 80.0% is above run.maxRejectRate 20.0%");
    expect(merged.reconciled).toBe(false);
  });
});
