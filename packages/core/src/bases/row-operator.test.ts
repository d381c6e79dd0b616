import { describe, expect, it } from "vitest";
import type { OperatorClass } from "../contracts/operator.js";
import { rows } from "../contracts/process-result.js";
import type { Row } from "../contracts/row.js";
import type { PipelinePlan } from "../pipeline/plan.js";
import { runPipeline } from "../runner/run-pipeline.js";
import { MemoryRunStore } from "../testing/memory-run-store.js";
import { MemoryStorage } from "../testing/memory-storage.js";
import { runOperator } from "../testing/run-operator.js";
import { RowOperator } from "./row-operator.js";

/** Splits `s` into one row per character, named by the suffixes `suffix(i)`. */
function splitter(suffix: (i: number, n: number) => string, calls: string[] = []): OperatorClass {
  return class extends RowOperator {
    static readonly spec = {
      name: "test/split",
      version: "1",
      description: "split",
      params: { type: "object" },
      inputs: {},
      outputs: {},
      cacheRows: true,
    };
    process(row: Row) {
      calls.push(String(row.s));
      const parts = [...String(row.s)];
      return rows(
        parts.map((c) => ({ c })),
        { idSuffixes: parts.map((_, i) => suffix(i, parts.length)) },
      );
    }
  } as unknown as OperatorClass;
}

describe("RowOperator: rows with id suffixes", () => {
  it("names each row by the input id plus its suffix, even a single row", async () => {
    const out = await runOperator(
      splitter((i) => `#${i}`),
      [{ s: "ab" }, { s: "c" }],
    );
    expect(out.records.map((r) => [r.id, r.row.c])).toEqual([
      ["1#0", "a"],
      ["1#1", "b"],
      ["2#0", "c"],
    ]);
    expect(out.expanded).toEqual([{ id: "1", count: 2 }]);
  });

  it("rejects the row when the suffixes do not name each row once", async () => {
    const cases = [
      () => "#",
      (i: number) => (i === 0 ? "" : "#1"),
      (i: number, n: number) => (i < n - 1 ? `#${i}` : undefined),
    ];
    for (const suffix of cases) {
      const out = await runOperator(splitter(suffix as (i: number, n: number) => string), [{ s: "ab" }]);
      expect(out.records).toEqual([]);
      expect(out.rejected[0]?.type).toBe("bad-output");
      expect(out.rejected[0]?.message).toMatch(/rows\(\): (duplicate id suffixes|an empty id suffix)/);
    }
    const short = class extends RowOperator {
      static readonly spec = {
        name: "t/x",
        version: "1",
        description: "x",
        params: { type: "object" },
        inputs: {},
        outputs: {},
      };
      process() {
        return rows([{ a: 1 }, { a: 2 }], { idSuffixes: ["#0"] });
      }
    } as unknown as OperatorClass;
    const out = await runOperator(short, [{}]);
    expect(out.rejected[0]?.message).toMatch(/1 id suffixes for 2 rows/);
  });

  it("replays the same ids from the step cache", async () => {
    const calls: string[] = [];
    const op = splitter((i) => `#${i}`, calls);
    const store = new MemoryRunStore();
    const input = [{ s: "xy" }, { s: "z" }];
    const first = new MemoryStorage(input);
    await runPipeline({ plan: plan(op), storage: first, runStore: store });
    const second = new MemoryStorage(input);
    const summary = await runPipeline({ plan: plan(op), storage: second, runStore: store });
    expect(calls).toEqual(["xy", "z"]);
    expect(second.output.map((r) => r.id)).toEqual(["1#0", "1#1", "2#0"]);
    expect(second.output).toEqual(first.output);
    expect(summary.steps[0]).toMatchObject({ replayed: 2, out: 3, expandedExtra: 1 });
    expect(summary.reconciled).toBe(true);
  });
});

function plan(op: OperatorClass): PipelinePlan {
  return {
    name: "suffixes",
    file: "/p.yaml",
    baseDir: "/",
    source: { path: "/in.jsonl", columns: [] },
    output: { path: "/out.jsonl", rejects: "/out.rejects.jsonl" },
    cache: { dir: "/cache" },
    servings: {},
    retrievers: {},
    run: { maxRejectRate: 1, window: 16, shutdownGraceMs: 1000 },
    steps: [{ id: "s1", op, params: {}, inputs: {}, outputs: {}, location: { file: "/p.yaml" } }],
    plugins: [],
    columns: [],
  };
}
