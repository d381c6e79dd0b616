import { readFileSync } from "node:fs";
import { compilePipeline, OperatorRegistry, registerCoreOperators } from "@dataflow/core";
import { describe, expect, it } from "vitest";
import * as plugin from "./index.js";

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
const blocks = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1] as string);

// Every column the three row kinds' producers leave, plus metadata a step may keep.
const SOURCE_COLUMNS = [
  "id",
  "text",
  "question",
  "scenario",
  "documents",
  "reasoning",
  "answer",
  "positive_index",
  "messages",
  "query",
  "passages",
  "answerable",
  "task_type",
  "passage_meta",
];

function registry(): OperatorRegistry {
  const r = new OperatorRegistry();
  registerCoreOperators(r);
  r.use(plugin, "@dataflow/exports");
  return r;
}

async function compile(yaml: string) {
  return compilePipeline(yaml, "/tmp/exports-readme/pipe.yaml", {
    registry: registry(),
    env: {},
    sampleColumns: async () => SOURCE_COLUMNS,
  });
}

describe("README YAML examples", () => {
  it("are there, one per format and a whole pipeline", () => {
    for (const op of ["openai-chat", "sharegpt", "trl", "rearag"]) {
      expect(blocks.some((b) => b.includes(`op: export/${op}`))).toBe(true);
    }
    expect(blocks.some((b) => b.startsWith("name:"))).toBe(true);
  });

  it.each(blocks.map((b, i) => [i + 1, b]))(
    "block %i compiles and leaves the columns it says",
    async (_, block) => {
      const yaml = block.startsWith("name:") ? block : `name: readme\nsource: { path: in.jsonl }\n${block}`;
      const { plan, diagnostics } = await compile(yaml);
      expect(diagnostics.filter((d) => d.severity === "error")).toEqual([]);
      const leaves = /# leaves: (.*)/.exec(block)?.[1]?.split(", ");
      expect(leaves).toBeDefined();
      expect([...(plan?.columns ?? [])].sort()).toEqual(leaves?.sort());
    },
  );
});

describe("compiling an export step", () => {
  it("reports options that do not fit the row kind as a compile error", async () => {
    const { plan, diagnostics } = await compile(`name: x
source: { path: in.jsonl }
steps:
  - id: out
    op: export/openai-chat
    params: { from: rare, observationAs: tool }
`);
    expect(plan).toBeUndefined();
    expect(diagnostics.map((d) => d.message)).toEqual([
      'step "out": export/openai-chat could not work out its columns: openai-chat export options: observationAs applies only to from: trajectory (this step exports from: rare)',
    ]);
  });

  it("stops a later step from reading a column the export dropped", async () => {
    const { diagnostics } = await compile(`name: x
source: { path: in.jsonl }
steps:
  - id: out
    op: export/trl
    params: { from: rare }
  - id: later
    op: core/select
    params: { columns: [prompt, question] }
`);
    expect(diagnostics.filter((d) => d.severity === "error").map((d) => d.message)).toEqual([
      'step "later" params.columns.1 reads column "question", which step "out" dropped (at line 6:13)',
    ]);
  });

  it("refuses, before running, a kind whose columns the rows do not have", async () => {
    const { plan, diagnostics } = await compilePipeline(
      "name: x\nsource: { path: in.jsonl }\nsteps:\n  - { id: out, op: export/sharegpt, params: { from: trajectory } }\n",
      "/tmp/exports-readme/pipe.yaml",
      { registry: registry(), env: {}, sampleColumns: async () => ["id", "question", "answer"] },
    );
    expect(plan).toBeUndefined();
    expect(diagnostics.map((d) => d.message)).toEqual([
      'step "out" input "messages" (default column) reads column "messages", which neither the source nor an earlier step provides',
    ]);
  });

  it("registers the four operators under the plugin's name", () => {
    const r = registry();
    for (const name of ["export/openai-chat", "export/sharegpt", "export/trl", "export/rearag"]) {
      expect(r.origin(name)).toBe("@dataflow/exports");
    }
  });
});
