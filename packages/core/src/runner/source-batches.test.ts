import { describe, expect, it } from "vitest";
import { RowOperator } from "../bases/row-operator.js";
import type { OperatorClass } from "../contracts/operator.js";
import type { Row } from "../contracts/row.js";
import type { RowSource, SourceItem } from "../contracts/storage.js";
import type { PipelinePlan } from "../pipeline/plan.js";
import { MemoryStorage } from "../testing/memory-storage.js";
import { runPipeline } from "./run-pipeline.js";

/** A source that hands its items over in arrays of `size`, as JsonlSource does per chunk. */
class BatchStorage extends MemoryStorage {
  batchesRead = 0;
  constructor(
    private readonly list: SourceItem[],
    private readonly size: number,
  ) {
    super([]);
  }
  override openSource(): RowSource {
    const self = this;
    return {
      description: "batches",
      read: () => {
        throw new Error("the runner should read batches");
      },
      async *readBatches() {
        for (let i = 0; i < self.list.length; i += self.size) {
          self.batchesRead++;
          yield self.list.slice(i, i + self.size);
        }
      },
    };
  }
}

let inFlight = 0;
let maxInFlight = 0;
class Slow extends RowOperator {
  static readonly spec = {
    name: "test/slow",
    version: "1",
    description: "",
    params: { type: "object" },
    inputs: {},
    outputs: {},
    concurrency: 8,
  };
  async process(row: Row) {
    maxInFlight = Math.max(maxInFlight, ++inFlight);
    await new Promise((r) => setTimeout(r, 0));
    inFlight--;
    return { twice: (row.n as number) * 2 };
  }
}

function plan(window: number): PipelinePlan {
  return {
    name: "t",
    file: "/t.yaml",
    baseDir: "/",
    source: { path: "/in.jsonl", columns: [] },
    output: { path: "/out.jsonl", rejects: "/out.rejects.jsonl" },
    cache: { dir: "/cache" },
    servings: {},
    retrievers: {},
    run: { maxRejectRate: 1, window, shutdownGraceMs: 50 },
    steps: [
      {
        id: "s1",
        op: Slow as unknown as OperatorClass,
        params: {},
        inputs: {},
        outputs: {},
        location: { file: "/t.yaml" },
      },
    ],
    plugins: [],
    columns: [],
  };
}

const items = (n: number): SourceItem[] =>
  Array.from(
    { length: n },
    (_, i): SourceItem =>
      i % 100 === 7
        ? { kind: "bad", id: String(i + 1), location: { file: "in", line: i + 1 }, reason: "invalid JSON" }
        : { kind: "row", id: String(i + 1), row: { n: i } },
  );

describe("a source that reads in batches", () => {
  it("is read batch by batch, rows in order, bad items rejected, the window kept", async () => {
    const storage = new BatchStorage(items(1000), 300);
    const summary = await runPipeline({ plan: plan(16), storage });
    expect(summary).toMatchObject({ status: "ok", written: 990, rejected: 10, reconciled: true });
    expect(storage.output.map((r) => r.row.twice)).toEqual(
      items(1000).flatMap((it) => (it.kind === "row" ? [(it.row.n as number) * 2] : [])),
    );
    expect(storage.batchesRead).toBe(4);
    // A batch of 300 does not flood the step: the flow gate's window of 16 still holds.
    expect(maxInFlight).toBeLessThanOrEqual(16);
  });

  it("stops at the run's limit, mid-batch", async () => {
    const storage = new BatchStorage(items(1000), 300);
    const summary = await runPipeline({ plan: plan(64), storage, limit: 250 });
    expect(summary.written).toBe(250);
    expect(storage.batchesRead).toBe(1);
  });
});
