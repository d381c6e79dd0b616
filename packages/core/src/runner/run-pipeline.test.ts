import { map, type Observable } from "rxjs";
import { describe, expect, it } from "vitest";
import { DatasetOperator } from "../bases/dataset-operator.js";
import { RowError } from "../contracts/errors.js";
import { MemoryStorage } from "../testing/memory-storage.js";
import { OperatorABC, type OperatorClass, type OperatorContext } from "../contracts/operator.js";
import type { PipelinePlan } from "../pipeline/plan.js";
import { drop, type ProcessResult, rows } from "../contracts/process-result.js";
import type { Row, RowRecord } from "../contracts/row.js";
import { type RowContext, RowOperator } from "../bases/row-operator.js";
import { runPipeline, startRun } from "./run-pipeline.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Fn = (row: Row, ctx: RowContext<Record<string, unknown>>) => ProcessResult | Promise<ProcessResult>;

/** A row operator class around a function, for tests. */
function rowOp(name: string, fn: Fn, concurrency = 4): OperatorClass {
  return class extends RowOperator {
    static readonly spec = {
      name: `test/${name}`,
      version: "1",
      description: name,
      params: { type: "object" },
      inputs: {},
      outputs: {},
      concurrency,
    };
    process(row: Row, ctx: RowContext<Record<string, unknown>>) {
      return fn(row, ctx);
    }
  } as unknown as OperatorClass;
}

function plan(steps: OperatorClass[], run: Partial<PipelinePlan["run"]> = {}): PipelinePlan {
  return {
    name: "t",
    file: "/t.yaml",
    baseDir: "/",
    source: { path: "/in.jsonl", columns: [] },
    output: { path: "/out.jsonl", rejects: "/out.rejects.jsonl" },
    cache: { dir: "/cache" },
    servings: {},
    retrievers: {},
    run: { maxRejectRate: 0.5, window: 64, shutdownGraceMs: 50, ...run },
    steps: steps.map((op, i) => ({
      id: `s${i + 1}`,
      op,
      params: {},
      inputs: {},
      outputs: {},
      location: { file: "/t.yaml" },
    })),
    plugins: [],
    columns: [],
  };
}

const numbers = (n: number): Row[] => Array.from({ length: n }, (_, i) => ({ n: i }));

describe("runPipeline", () => {
  it("keeps input order through concurrent steps", async () => {
    const storage = new MemoryStorage(numbers(200));
    const jitter = rowOp(
      "jitter",
      async (row) => {
        await sleep(((row.n as number) * 7) % 5);
        return { twice: (row.n as number) * 2 };
      },
      16,
    );
    const summary = await runPipeline({ plan: plan([jitter, jitter]), storage });
    expect(summary.status).toBe("ok");
    expect(storage.output.map((r) => r.row.n)).toEqual(numbers(200).map((r) => r.n));
    expect(storage.output.map((r) => r.id)).toEqual(numbers(200).map((_, i) => String(i + 1)));
    expect(summary.reconciled).toBe(true);
  });

  it("streams: a row reaches step 2 before step 1 has seen the last row", async () => {
    const events: string[] = [];
    const a = rowOp(
      "a",
      async (row) => {
        events.push(`a${row.n}`);
        await sleep(1);
        return undefined;
      },
      2,
    );
    const b = rowOp("b", (row) => {
      events.push(`b${row.n}`);
      return undefined;
    });
    await runPipeline({ plan: plan([a, b]), storage: new MemoryStorage(numbers(50)) });
    expect(events.indexOf("b0")).toBeLessThan(events.indexOf("a49"));
  });

  it("pulls the source on demand: rows held stay within the window", async () => {
    const storage = new MemoryStorage(numbers(2000));
    let maxAhead = 0;
    let done = 0;
    const slow = rowOp(
      "slow",
      async () => {
        maxAhead = Math.max(maxAhead, storage.pulled - done);
        await sleep(0);
        done++;
        return undefined;
      },
      4,
    );
    const summary = await runPipeline({ plan: plan([slow, slow], { window: 32 }), storage });
    expect(summary.written).toBe(2000);
    expect(maxAhead).toBeLessThanOrEqual(32 + 2);
  });

  it("captures failures per row as typed rejects and reconciles every count", async () => {
    const storage = new MemoryStorage([
      ...numbers(10),
      { kind: "bad", id: "11", location: { file: "in.jsonl", line: 11, column: 3 }, reason: "invalid JSON" },
    ]);
    const picky = rowOp("picky", (row) => {
      if ((row.n as number) % 5 === 0)
        throw new RowError("bad-output", `no good: ${row.n}`, { raw: "<raw>" });
      if (row.n === 3) throw new TypeError("oops");
      if (row.n === 4) return drop("four");
      if (row.n === 7) return rows([{ n: 70 }, { n: 71 }]);
      return undefined;
    });
    const summary = await runPipeline({ plan: plan([picky]), storage });
    expect(storage.output.map((r) => [r.id, r.row.n])).toEqual([
      ["2", 1],
      ["3", 2],
      ["7", 6],
      ["8.0", 70],
      ["8.1", 71],
      ["9", 8],
      ["10", 9],
    ]);
    expect(storage.rejects).toEqual([
      { rowId: "1", stepId: "s1", type: "bad-output", message: "no good: 0", raw: "<raw>" },
      { rowId: "4", stepId: "s1", type: "TypeError", message: "oops" },
      { rowId: "6", stepId: "s1", type: "bad-output", message: "no good: 5", raw: "<raw>" },
      {
        rowId: "11",
        stepId: "source",
        type: "bad-input",
        message: "invalid JSON",
        location: { file: "in.jsonl", line: 11, column: 3 },
      },
    ]);
    const [s] = summary.steps;
    expect(s).toMatchObject({ in: 10, out: 7, filtered: 1, rejected: 3, expandedExtra: 1, unfinished: 0 });
    expect(s?.rejectedBy).toEqual({ "bad-output": 2, TypeError: 1 });
    expect(s?.filteredBy).toEqual({ four: 1 });
    expect(summary).toMatchObject({ status: "ok", rejected: 4, filtered: 1, written: 7, reconciled: true });
    expect(summary.rejectRate).toBeCloseTo(4 / 11);
  });

  it("fails the run when the reject rate passes the limit, still writing good rows", async () => {
    const storage = new MemoryStorage(numbers(10));
    const half = rowOp("half", (row) => {
      if ((row.n as number) % 2) throw new RowError("bad-input", "odd");
      return undefined;
    });
    const summary = await runPipeline({ plan: plan([half], { maxRejectRate: 0.2 }), storage });
    expect(summary.status).toBe("failed");
    expect(summary.reason).toMatch(/reject rate 50\.0% is above run\.maxRejectRate 20\.0%/);
    expect(storage.output.length).toBe(5);
  });

  it("never writes secrets into rejects", async () => {
    process.env.TEST_API_KEY = "sk-test-1234567890";
    try {
      const storage = new MemoryStorage(numbers(1));
      const leaky = rowOp("leaky", () => {
        throw new RowError("bad-request", "auth failed for sk-test-1234567890", {
          raw: "Authorization: Bearer abcdefghijkl",
        });
      });
      await runPipeline({ plan: plan([leaky], { maxRejectRate: 1 }), storage });
      expect(JSON.stringify(storage.rejects)).not.toContain("1234567890");
      expect(JSON.stringify(storage.rejects)).not.toContain("abcdefghijkl");
    } finally {
      delete process.env.TEST_API_KEY;
    }
  });

  it("runs dataset operators after gathering the whole upstream", async () => {
    class Rank extends DatasetOperator {
      static readonly spec = {
        name: "test/rank",
        version: "1",
        description: "",
        params: { type: "object" },
        inputs: {},
        outputs: {},
      };
      private sorted: number[] = [];
      prepare(records: readonly RowRecord[]) {
        this.sorted = records.map((r) => r.row.n as number).sort((x, y) => y - x);
      }
      override process(row: Row) {
        return { rank: this.sorted.indexOf(row.n as number) + 1 };
      }
    }
    const storage = new MemoryStorage([{ n: 5 }, { n: 9 }, { n: 1 }]);
    const summary = await runPipeline({ plan: plan([Rank as unknown as OperatorClass]), storage });
    expect(storage.output.map((r) => r.row.rank)).toEqual([2, 1, 3]);
    expect(summary.reconciled).toBe(true);
  });

  it("accepts operators that implement run() directly", async () => {
    class Tag extends OperatorABC {
      static readonly spec = {
        name: "test/tag",
        version: "1",
        description: "",
        params: { type: "object" },
        inputs: {},
        outputs: {},
      };
      run(rows$: Observable<RowRecord>, _ctx: OperatorContext): Observable<RowRecord> {
        return rows$.pipe(map((r) => ({ id: r.id, row: { ...r.row, tagged: true } })));
      }
    }
    const storage = new MemoryStorage(numbers(3));
    const summary = await runPipeline({ plan: plan([Tag as unknown as OperatorClass]), storage });
    expect(storage.output.every((r) => r.row.tagged)).toBe(true);
    expect(summary.reconciled).toBe(true);
  });

  it("on cancel stops taking rows, lets in-flight rows finish, and does not commit output", async () => {
    const storage = new MemoryStorage(numbers(1000));
    const slow = rowOp(
      "slow",
      async () => {
        await sleep(5);
        return undefined;
      },
      4,
    );
    const run = startRun({ plan: plan([slow], { shutdownGraceMs: 1000 }), storage });
    await sleep(30);
    run.cancel();
    const summary = await run.done;
    expect(summary.status).toBe("cancelled");
    expect(summary.source.read).toBeLessThan(1000);
    expect(storage.output).toEqual([]);
    expect(summary.reconciled).toBe(true);
    expect(summary.steps[0]?.rejected).toBe(0);
  });

  it("aborts in-flight work after the grace period, without rejecting it", async () => {
    const storage = new MemoryStorage(numbers(20));
    const stuck = rowOp(
      "stuck",
      (_row, ctx) =>
        new Promise<ProcessResult>((_resolve, reject) => {
          ctx.signal.addEventListener("abort", () =>
            reject(Object.assign(new Error("aborted"), { name: "AbortError" })),
          );
        }),
      4,
    );
    const run = startRun({ plan: plan([stuck], { shutdownGraceMs: 20 }), storage });
    await sleep(10);
    run.cancel();
    const summary = await run.done;
    expect(summary.status).toBe("cancelled");
    expect(summary.steps[0]).toMatchObject({ rejected: 0, out: 0 });
    expect(summary.steps[0]?.unfinished).toBeGreaterThan(0);
    expect(storage.rejects).toEqual([]);
  });

  it("stops the run at the first fatal error instead of rejecting every row", async () => {
    const storage = new MemoryStorage(numbers(200));
    const noModel = rowOp(
      "no-model",
      async () => {
        await sleep(1);
        throw Object.assign(new Error("model cannot be downloaded; set OPENAI_BASE_URL"), {
          fatal: true,
          kind: "model-unavailable",
        });
      },
      2,
    );
    const summary = await runPipeline({ plan: plan([noModel], { maxRejectRate: 1 }), storage });
    expect(summary).toMatchObject({
      status: "failed",
      reason: "model cannot be downloaded; set OPENAI_BASE_URL",
      rejected: 0,
    });
    expect(summary.source.read).toBeLessThan(200);
    expect(storage.output).toEqual([]);
  });

  it("fails the run, not a row, when a step errors as a whole", async () => {
    class Broken extends RowOperator {
      static readonly spec = {
        name: "test/broken",
        version: "1",
        description: "",
        params: { type: "object" },
        inputs: {},
        outputs: {},
      };
      override setup(): void {
        throw new Error("index could not be built");
      }
      process() {
        return undefined;
      }
    }
    const storage = new MemoryStorage(numbers(3));
    const summary = await runPipeline({ plan: plan([Broken as unknown as OperatorClass]), storage });
    expect(summary).toMatchObject({ status: "failed", reason: "index could not be built" });
    expect(storage.output).toEqual([]);
  });
});
