import { describe, expect, it } from "vitest";
import { RowOperator } from "../bases/row-operator.js";
import type { OperatorClass } from "../contracts/operator.js";
import { drop, type ProcessResult, rows } from "../contracts/process-result.js";
import type { Row } from "../contracts/row.js";
import type { PositionSink, RowSink, SourceItem } from "../contracts/storage.js";
import { DedupOperator } from "../operators/dedup.js";
import type { PipelinePlan } from "../pipeline/plan.js";
import { MemoryStorage } from "../testing/memory-storage.js";
import { hashSelection, type RowSelection, rangeSelection } from "./row-selection.js";
import { runPipeline } from "./run-pipeline.js";

/** Drops multiples of 5, splits multiples of 3 in two, keeps the rest. */
class Shape extends RowOperator {
  static readonly spec = {
    name: "test/shape",
    version: "1",
    description: "shape",
    params: { type: "object" },
    inputs: {},
    outputs: {},
    concurrency: 4,
  };
  process(row: Row): ProcessResult {
    const n = row.n as number;
    if (n % 5 === 0) return drop("five");
    return n % 3 === 0
      ? rows([
          { n, part: 1 },
          { n, part: 2 },
        ])
      : undefined;
  }
}

const plan = {
  name: "t",
  file: "/t.yaml",
  baseDir: "/",
  source: { path: "/in.jsonl", columns: [] },
  output: { path: "/out.jsonl", rejects: "/out.rejects.jsonl" },
  cache: { dir: "/cache" },
  servings: {},
  retrievers: {},
  run: { maxRejectRate: 1, window: 8, shutdownGraceMs: 50 },
  steps: [
    {
      id: "s",
      op: Shape as unknown as OperatorClass,
      params: {},
      inputs: {},
      outputs: {},
      location: { file: "/t.yaml" },
    },
  ],
  plugins: [],
  columns: [],
} as PipelinePlan;

/** Memory storage that also records output positions, as a shard's part does. */
class PartStorage extends MemoryStorage {
  positions: [number, string][] = [];
  async openPositions(): Promise<PositionSink> {
    const staged: [number, string][] = [];
    return {
      write: (p, id) => {
        staged.push([p, id]);
      },
      commit: async () => {
        this.positions = staged;
      },
      abort: async () => {},
    };
  }
}

const bad: SourceItem = {
  kind: "bad",
  id: "bad",
  location: { file: "in.jsonl", line: 4 },
  reason: "invalid JSON",
};
const input = (): (Row | SourceItem)[] => [
  ...Array.from({ length: 3 }, (_, n) => ({ n })),
  bad,
  ...Array.from({ length: 60 }, (_, n) => ({ n: n + 3 })),
];

async function part(selection?: RowSelection, limit?: number) {
  const storage = new PartStorage(input());
  const summary = await runPipeline({
    plan,
    storage,
    ...(selection ? { selection } : {}),
    ...(limit !== undefined ? { limit } : {}),
  });
  return { storage, summary };
}

describe("runner with a row selection", () => {
  it("3 hash shards process each source item once; merged by position they equal the whole run", async () => {
    const whole = await part();
    const parts = await Promise.all([0, 1, 2].map((i) => part(hashSelection(i, 3))));
    const merged = parts
      .flatMap(({ storage }) => storage.output.map((r, k) => ({ r, p: storage.positions[k]?.[0] as number })))
      .sort((a, b) => a.p - b.p); // stable: a source row's children stay in order
    expect(merged.map((x) => x.r)).toEqual(whole.storage.output);
    expect(parts.map((x) => x.summary.source.read).reduce((a, b) => a + b)).toBe(whole.summary.source.read);
    expect(parts.map((x) => x.storage.rejects.length).reduce((a, b) => a + b)).toBe(1);
    for (const { summary, storage } of parts) {
      expect(summary.reconciled).toBe(true);
      expect(summary.source.read).toBeGreaterThan(5);
      expect(storage.positions.map(([, id]) => id)).toEqual(storage.output.map((r) => r.id));
    }
  });

  it("records each output row's source position, bad records counted in positions", async () => {
    const { storage } = await part(rangeSelection(2, 8));
    // positions 2: n=2; 3: bad; 4: n=3 (split); 5: n=4; 6: n=5 (dropped); 7: n=6 (split)
    expect(storage.positions).toEqual([
      [2, "3"],
      [4, "5.0"],
      [4, "5.1"],
      [5, "6"],
      [7, "8.0"],
      [7, "8.1"],
    ]);
    expect(storage.rejects.map((r) => r.rowId)).toEqual(["bad"]);
  });

  it("counts --limit from the source's start, so shards of a limited run equal the limited run", async () => {
    const whole = await part(undefined, 20);
    const parts = await Promise.all([0, 1].map((i) => part(hashSelection(i, 2), 20)));
    const ids = parts.flatMap((x) => x.storage.output.map((r) => r.id));
    expect(ids.sort()).toEqual(whole.storage.output.map((r) => r.id).sort());
    expect(parts[0]?.summary.source.read ?? 0).toBeLessThan(20);
  });
});

describe("runner with deferred steps", () => {
  it("passes every row through a deferred step and records what reached it, with positions", async () => {
    const rows: string[] = [];
    const positions: number[] = [];
    const sinks = (): { rows: RowSink; positions: PositionSink } => ({
      rows: {
        description: "d",
        write: (r) => void rows.push(r.id),
        commit: async () => {},
        abort: async () => {},
      },
      positions: { write: (p) => void positions.push(p), commit: async () => {}, abort: async () => {} },
    });
    const dedup = {
      id: "d",
      op: DedupOperator as unknown as OperatorClass,
      params: { column: "n" },
      inputs: {},
      outputs: {},
      location: { file: "/t.yaml" },
    };
    const storage = new PartStorage([{ n: 1 }, { n: 1 }, { n: 5 }, { n: 3 }]);
    const summary = await runPipeline({
      plan: { ...plan, steps: [...plan.steps, dedup] },
      storage,
      deferred: { steps: ["d"], open: async () => sinks() },
    });
    expect(summary.status).toBe("ok");
    // n=5 is dropped by "s"; the duplicate n=1 passes the deferred dedup; n=3 is split in two.
    expect(rows).toEqual(["1", "2", "4.0", "4.1"]);
    expect(positions).toEqual([0, 1, 3, 3]);
    expect(storage.output.map((r) => r.id)).toEqual(rows);
    expect(summary.steps[1]).toMatchObject({ in: 4, out: 4, filtered: 0 });
  });
});
