import { describe, expect, it } from "vitest";
import { DatasetOperator } from "../bases/dataset-operator.js";
import { RowError } from "../contracts/errors.js";
import { MemoryRunStore } from "../testing/memory-run-store.js";
import { MemoryStorage } from "../testing/memory-storage.js";
import type { OperatorClass } from "../contracts/operator.js";
import type { PipelinePlan } from "../pipeline/plan.js";
import { drop, rows } from "../contracts/process-result.js";
import type { Row, RowRecord } from "../contracts/row.js";
import { type RowContext, RowOperator } from "../bases/row-operator.js";
import { runPipeline, startRun } from "./run-pipeline.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A cacheable operator that counts its process() calls per row id. */
function counting(name: string, calls: string[], fn: (row: Row) => unknown = () => undefined): OperatorClass {
  return class extends RowOperator<{ k?: number }> {
    static readonly spec = {
      name: `test/${name}`,
      version: "1",
      description: name,
      params: { type: "object", properties: { k: { type: "number" } } },
      inputs: {},
      outputs: {},
      cacheRows: true,
      concurrency: 3,
    };
    async process(row: Row) {
      calls.push(`${name}:${row.n}`);
      await sleep(1);
      return fn(row) as never;
    }
  } as unknown as OperatorClass;
}

function plan(steps: { op: OperatorClass; params?: Record<string, unknown> }[]): PipelinePlan {
  return {
    name: "resume",
    file: "/p.yaml",
    baseDir: "/",
    source: { path: "/in.jsonl", columns: [] },
    output: { path: "/out.jsonl", rejects: "/out.rejects.jsonl" },
    cache: { dir: "/cache" },
    servings: {},
    retrievers: {},
    run: { maxRejectRate: 1, window: 16, shutdownGraceMs: 1000 },
    steps: steps.map((s, i) => ({
      id: `s${i + 1}`,
      op: s.op,
      params: s.params ?? {},
      inputs: {},
      outputs: {},
      location: { file: "/p.yaml" },
    })),
    plugins: [],
    columns: [],
  };
}

const input = Array.from({ length: 30 }, (_, n) => ({ n }));

describe("resume from step caches", () => {
  it("a second run replays every cached row and computes nothing", async () => {
    const calls: string[] = [];
    const a = counting("a", calls, (r) => ({ a: (r.n as number) * 2 }));
    const b = counting("b", calls, (r) =>
      (r.n as number) % 7 === 0
        ? drop("sevens")
        : (r.n as number) === 5
          ? rows([{ n: 50 }, { n: 51 }])
          : undefined,
    );
    const store = new MemoryRunStore();
    const first = new MemoryStorage(input);
    await runPipeline({ plan: plan([{ op: a }, { op: b }]), storage: first, runStore: store });
    expect(calls.length).toBe(60);
    calls.length = 0;
    const second = new MemoryStorage(input);
    const summary = await runPipeline({
      plan: plan([{ op: a }, { op: b }]),
      storage: second,
      runStore: store,
    });
    expect(calls).toEqual([]);
    expect(second.output).toEqual(first.output);
    expect(summary.steps.map((s) => s.replayed)).toEqual([30, 30]);
    expect(summary.steps[1]).toMatchObject({ filtered: 5, expandedExtra: 1 });
    expect(summary.reconciled).toBe(true);
    expect(store.manifest?.steps.map((s) => s.status)).toEqual(["done", "done"]);
  });

  it("changing a step's params recomputes it and those after it, nothing before", async () => {
    const calls: string[] = [];
    const [a, b, c] = ["a", "b", "c"].map((n) => counting(n, calls)) as [
      OperatorClass,
      OperatorClass,
      OperatorClass,
    ];
    const store = new MemoryRunStore();
    await runPipeline({
      plan: plan([{ op: a }, { op: b, params: { k: 1 } }, { op: c }]),
      storage: new MemoryStorage(input),
      runStore: store,
    });
    calls.length = 0;
    await runPipeline({
      plan: plan([{ op: a }, { op: b, params: { k: 2 } }, { op: c }]),
      storage: new MemoryStorage(input),
      runStore: store,
    });
    const count = (p: string) => calls.filter((c) => c.startsWith(p)).length;
    expect([count("a:"), count("b:"), count("c:")]).toEqual([0, 30, 30]);
  });

  it("--fresh recomputes everything; --from-step recomputes from that step", async () => {
    const calls: string[] = [];
    const [a, b] = ["a", "b"].map((n) => counting(n, calls)) as [OperatorClass, OperatorClass];
    const store = new MemoryRunStore();
    const p = plan([{ op: a }, { op: b }]);
    await runPipeline({ plan: p, storage: new MemoryStorage(input), runStore: store });
    calls.length = 0;
    await runPipeline({ plan: p, storage: new MemoryStorage(input), runStore: store, fromStep: "s2" });
    expect(calls.every((c) => c.startsWith("b:"))).toBe(true);
    expect(calls.length).toBe(30);
    calls.length = 0;
    await runPipeline({ plan: p, storage: new MemoryStorage(input), runStore: store, fresh: true });
    expect(calls.length).toBe(60);
    await expect(
      runPipeline({ plan: p, storage: new MemoryStorage(input), runStore: store, fromStep: "nope" }),
    ).rejects.toThrow("--from-step nope: no such step");
  });

  it("an interrupted run resumes where it stopped, with the same final output", async () => {
    const calls: string[] = [];
    const slow = counting("slow", calls, (r) => ({ sq: (r.n as number) ** 2 }));
    const store = new MemoryRunStore();
    const run = startRun({ plan: plan([{ op: slow }]), storage: new MemoryStorage(input), runStore: store });
    while (calls.length < 10) await sleep(1);
    run.cancel();
    const stopped = await run.done;
    expect(stopped.status).toBe("cancelled");
    const done = new Set(calls);
    calls.length = 0;
    const resumed = new MemoryStorage(input);
    const summary = await runPipeline({ plan: plan([{ op: slow }]), storage: resumed, runStore: store });
    expect(summary.status).toBe("ok");
    const recomputed = [...calls];
    const clean = new MemoryStorage(input);
    await runPipeline({ plan: plan([{ op: slow }]), storage: clean, runStore: new MemoryRunStore() });
    expect(resumed.output).toEqual(clean.output);
    // Only rows started but not finished when the run stopped may be computed again.
    expect(recomputed.filter((c) => done.has(c))).toEqual([]);
    expect(summary.steps[0]?.replayed).toBe(30 - recomputed.length);
  });

  it("recomputes a cached row whose input changed (a --limit run, then a full run)", async () => {
    const calls: string[] = [];
    class Total extends DatasetOperator {
      static readonly spec = {
        name: "test/total",
        version: "1",
        description: "",
        params: { type: "object" },
        inputs: {},
        outputs: {},
      };
      private total = 0;
      prepare(records: readonly RowRecord[]) {
        this.total = records.length;
      }
      override process() {
        return { total: this.total };
      }
    }
    const after = counting("after", calls, (r) => {
      return { seen: r.total };
    });
    const store = new MemoryRunStore();
    const p = plan([{ op: Total as unknown as OperatorClass }, { op: after }]);
    await runPipeline({ plan: p, storage: new MemoryStorage(input), runStore: store, limit: 5 });
    calls.length = 0;
    const full = new MemoryStorage(input);
    const summary = await runPipeline({ plan: p, storage: full, runStore: store });
    expect(calls.length).toBe(30);
    expect(summary.steps[1]?.replayed).toBe(0);
    expect(full.output.every((r) => r.row.seen === 30)).toBe(true);
  });

  it("replays the metrics a cached row recorded", async () => {
    const observing = class extends RowOperator {
      static readonly spec = {
        name: "test/observe",
        version: "1",
        description: "",
        params: { type: "object" },
        inputs: {},
        outputs: {},
        cacheRows: true,
      };
      process(row: Row, ctx: RowContext<Record<string, unknown>>) {
        ctx.observe("n", row.n as number);
        ctx.count("seen");
        return undefined;
      }
    } as unknown as OperatorClass;
    const store = new MemoryRunStore();
    const first = await runPipeline({
      plan: plan([{ op: observing }]),
      storage: new MemoryStorage(input),
      runStore: store,
    });
    const second = await runPipeline({
      plan: plan([{ op: observing }]),
      storage: new MemoryStorage(input),
      runStore: store,
    });
    expect(second.steps[0]?.replayed).toBe(30);
    expect(second.steps[0]?.counters).toEqual(first.steps[0]?.counters);
    expect(second.steps[0]?.distributions).toEqual(first.steps[0]?.distributions);
    expect(first.steps[0]?.distributions.n).toMatchObject({ count: 30, min: 0, max: 29 });
  });

  it("does not cache rejects: a rerun tries them again, and writes rejects per step", async () => {
    let fail = true;
    const calls: string[] = [];
    const flaky = counting("flaky", calls, (r) => {
      if (fail && (r.n as number) < 3) throw new RowError("rate-limited", "try later");
      return undefined;
    });
    const store = new MemoryRunStore();
    const first = await runPipeline({
      plan: plan([{ op: flaky }]),
      storage: new MemoryStorage(input),
      runStore: store,
    });
    expect(first.rejected).toBe(3);
    expect(store.rejects.get("s1")?.map((r) => r.rowId)).toEqual(["1", "2", "3"]);
    fail = false;
    calls.length = 0;
    const second = await runPipeline({
      plan: plan([{ op: flaky }]),
      storage: new MemoryStorage(input),
      runStore: store,
    });
    expect(calls.sort()).toEqual(["flaky:0", "flaky:1", "flaky:2"]);
    expect(second.rejected).toBe(0);
    expect(store.rejects.get("s1")).toEqual([]);
  });
});
