import type { StepSummary } from "@dataflow/core";
import { describe, expect, it } from "vitest";
import type { ChunkDone } from "./chunk-done.js";
import { sumChunkCounts } from "./queue-summary.js";

function step(
  id: string,
  n: { in: number; out: number; filtered?: number; rejected?: number; requests?: number },
): StepSummary {
  return {
    id,
    op: `op/${id}`,
    in: n.in,
    out: n.out,
    filtered: n.filtered ?? 0,
    rejected: n.rejected ?? 0,
    expandedExtra: 0,
    replayed: 0,
    filteredBy: n.filtered ? { short: n.filtered } : {},
    rejectedBy: n.rejected ? { "bad-output": n.rejected } : {},
    counters: {},
    distributions: {},
    unfinished: 0,
    ...(n.requests !== undefined
      ? { usage: { requests: n.requests, cached: 0, promptTokens: 10, completionTokens: 5 } }
      : {}),
  };
}

function chunk(
  index: number,
  read: number,
  steps: StepSummary[],
  written: number,
  reconciled = true,
): ChunkDone {
  return {
    v: 1,
    digest: "d",
    index,
    start: index * 10,
    end: index * 10 + 10,
    attempt: "a",
    worker: { host: "h", pid: index },
    counts: { source: { read, bad: 10 - read }, steps, written, reconciled, durationMs: 1 },
  };
}

describe("sumChunkCounts", () => {
  it("adds chunks' counts, reasons and usage into one summary that reconciles", () => {
    const sum = sumChunkCounts("p", [
      chunk(
        0,
        10,
        [
          step("gen", { in: 10, out: 8, rejected: 2, requests: 10 }),
          step("f", { in: 8, out: 7, filtered: 1 }),
        ],
        7,
      ),
      chunk(1, 9, [step("gen", { in: 9, out: 9, requests: 9 }), step("f", { in: 9, out: 9 })], 9),
    ]);
    expect(sum.source).toMatchObject({ read: 19, bad: 1 });
    expect(sum.steps.map((s) => [s.id, s.in, s.out, s.filtered, s.rejected])).toEqual([
      ["gen", 19, 17, 0, 2],
      ["f", 17, 16, 1, 0],
    ]);
    expect(sum.steps[0]?.rejectedBy).toEqual({ "bad-output": 2 });
    expect(sum.usage).toEqual({ requests: 19, cached: 0, promptTokens: 20, completionTokens: 10 });
    expect(sum.written).toBe(16);
    expect(sum.reconciled).toBe(true);
  });

  it("does not reconcile when a chunk did not, or the sums do not chain", () => {
    const steps = [step("gen", { in: 10, out: 10 })];
    expect(sumChunkCounts("p", [chunk(0, 10, steps, 10, false)]).reconciled).toBe(false);
    expect(sumChunkCounts("p", [chunk(0, 10, steps, 9)]).reconciled).toBe(false);
  });
});
