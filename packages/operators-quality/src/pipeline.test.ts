import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  compilePipeline,
  MemoryStorage,
  OperatorRegistry,
  registerCoreOperators,
  runPipeline,
} from "@dataflow/core";
import { afterAll, describe, expect, it } from "vitest";
import { register } from "./register.js";

const dir = mkdtempSync(join(tmpdir(), "quality-pipeline-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(
  join(dir, "bench.jsonl"),
  `${JSON.stringify({ id: "b1", question: "How many clips did Natalia sell to 48 of her friends in April and then in May altogether?" })}\n`,
);

const YAML = `name: quality
source: { path: rows.jsonl, columns: [question, answer] }
output: { path: out.jsonl }
steps:
  - id: leakage
    op: quality/leakage
  - id: near-dedup
    op: quality/near-dedup
    inputs: { text: question }
    params: { action: annotate }
  - id: contamination
    op: quality/contamination
    inputs: { text: question }
    params: { references: [bench.jsonl] }
  - id: flagged
    op: core/filter
    params: { where: { all: [{ column: duplicate_of, op: missing }, { column: contamination, op: missing }] } }
`;

const QUESTION =
  "Why does a chain that skips under load usually point to a worn cassette rather than the derailleur?";

describe("the quality operators in a YAML pipeline", () => {
  it("compile with their params checked and columns flowing, run, and report to the summary", async () => {
    const registry = new OperatorRegistry();
    registerCoreOperators(registry);
    register(registry);
    const { plan, diagnostics } = await compilePipeline(YAML, join(dir, "pipeline.yaml"), {
      registry,
      env: {},
    });
    expect(diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    if (!plan) throw new Error("no plan");
    const storage = new MemoryStorage([
      { question: QUESTION },
      { question: `${QUESTION.toUpperCase()}!!` },
      { question: "According to the passage, what torque suits a carbon stem?" },
      {
        question:
          "So: how many clips did Natalia sell to 48 of her friends in April and then in May altogether?",
      },
      { question: "What tyre pressure suits a 45 mm gravel tyre for a 70 kg rider on dirt roads?" },
    ]);
    const summary = await runPipeline({ plan, storage });
    expect(summary.status).toBe("ok");
    expect(summary.reconciled).toBe(true);
    expect(storage.output.map((r) => r.id)).toEqual(["1", "5"]);
    const [leakage, dedup, contamination] = summary.steps;
    expect(leakage?.filteredBy).toEqual({ 'question refers to its source: "the passage"': 1 });
    expect(dedup?.counters).toMatchObject({ near_duplicates: 1, clusters: 1 });
    expect(dedup?.distributions.cluster_size).toMatchObject({ count: 1, max: 2 });
    expect(dedup?.distributions.dedup_rate?.mean).toBeCloseTo(1 / 4);
    expect(contamination?.counters).toMatchObject({ contaminated: 1 });
  });

  it("fails validation on a bad param, before anything runs", async () => {
    const registry = new OperatorRegistry();
    registerCoreOperators(registry);
    register(registry);
    const bad = YAML.replace("params: { action: annotate }", "params: { action: annotate, threshold: 2 }");
    const { plan, diagnostics } = await compilePipeline(bad, join(dir, "pipeline.yaml"), {
      registry,
      env: {},
    });
    expect(plan).toBeUndefined();
    expect(diagnostics.map((d) => d.message).join("\n")).toMatch(/threshold/);
  });
});
