import {
  compilePipeline,
  type Diagnostic,
  OperatorRegistry,
  type Row,
  type RowContext,
  RowOperator,
  silentLogger,
} from "@dataflow/core";
import { register as registerServings } from "@dataflow/llm-serving";
import { describe, expect, it } from "vitest";
import { register } from "./register.js";
import { Bm25Retriever } from "./retrievers/bm25-retriever.js";

// These compile tests moved here from core's compile.test.ts when the retriever types did.

class Upper extends RowOperator {
  static readonly spec = {
    name: "test/upper",
    version: "1.0.0",
    description: "upper-cases a column",
    params: { type: "object" },
    inputs: { text: { column: "text" } },
    outputs: { upper: { column: "upper" } },
  };
  process(_row: Row, ctx: RowContext<Record<string, never>>) {
    return ctx.output({ upper: String(ctx.input("text")).toUpperCase() });
  }
}

class Search extends RowOperator {
  static readonly spec = {
    name: "test/search",
    version: "1.0.0",
    description: "needs a retriever",
    params: { type: "object" },
    inputs: {},
    outputs: {},
    retriever: "required" as const,
  };
  process() {
    return undefined;
  }
}

function registry(): OperatorRegistry {
  const r = new OperatorRegistry();
  r.register(Upper, "test");
  r.register(Search, "test");
  r.use({ register }, "@dataflow/retrieval");
  r.use({ register: registerServings }, "@dataflow/llm-serving");
  return r;
}

async function compile(yaml: string) {
  return compilePipeline(yaml, "/tmp/p/pipe.yaml", {
    registry: registry(),
    env: {},
    sampleColumns: async () => ["id", "text"],
  });
}

const errors = (ds: Diagnostic[]) => ds.filter((d) => d.severity === "error");

describe("the retriever types this package registers, in a pipeline", () => {
  it("are bm25, dense and hybrid, and the bm25 one takes no fusion options", async () => {
    expect(registry().retrieverKinds.names()).toEqual(["bm25", "dense", "hybrid"]);
    const { diagnostics } = await compile(
      "name: r\nsource: { path: in.jsonl }\nretrievers:\n  docs: { type: bm25, corpus: d.jsonl, rrfK: 3, bm25: { k1: 1.2 } }\nsteps:\n  - { id: s, op: test/search, retriever: docs }\n",
    );
    expect(
      errors(diagnostics).map((d) => `${d.location?.line}:${d.location?.column} ${d.message} | ${d.hint}`),
    ).toEqual([
      '4:40 pipeline: unknown property "rrfK" in retrievers.docs | allowed here: type, serving, corpus, textField, idField, bm25',
    ]);
  });

  it("build through the registry from a compiled block", async () => {
    const r = registry();
    const { plan } = await compilePipeline(
      "name: r\nsource: { path: in.jsonl }\nretrievers:\n  docs: { type: bm25, corpus: d.jsonl, bm25: { k1: 1.2 } }\nsteps:\n  - { id: s, op: test/search, retriever: docs }\n",
      "/tmp/p/pipe.yaml",
      { registry: r, env: {}, sampleColumns: async () => ["id"] },
    );
    const config = plan?.retrievers.docs;
    if (!config) throw new Error("no plan");
    expect(config).toEqual({
      type: "bm25",
      corpus: "/tmp/p/d.jsonl",
      textField: "text",
      idField: "id",
      bm25: { k1: 1.2, b: 0.4 },
    });
    const retriever = r.retrieverKinds
      .require(config.type)
      .create("docs", config, { servings: {}, logger: silentLogger });
    expect(retriever).toBeInstanceOf(Bm25Retriever);
    expect(retriever.fingerprint()).toMatchObject({ k1: 1.2, b: 0.4 });
  });

  it("compiles retrievers: defaults filled, corpus resolved, steps bound", async () => {
    const { plan, diagnostics } = await compile(`name: r
source: { path: in.jsonl }
servings:
  emb: { model: e }
retrievers:
  docs: { type: hybrid, corpus: data/docs.jsonl, serving: emb, weights: { dense: 2 } }
steps:
  - { id: s, op: test/search, retriever: docs }
`);
    expect(errors(diagnostics)).toEqual([]);
    expect(plan?.retrievers.docs).toEqual({
      type: "hybrid",
      corpus: "/tmp/p/data/docs.jsonl",
      textField: "text",
      idField: "id",
      serving: "emb",
      bm25: { k1: 0.9, b: 0.4 },
      rrfK: 60,
      depth: 50,
      weights: { bm25: 1, dense: 2 },
    });
    expect(plan?.steps[0]?.retriever).toBe("docs");
  });

  it("reports a retriever corpus that does not exist, where it is named", async () => {
    const { plan, diagnostics } = await compilePipeline(
      "name: r\nsource: { path: in.jsonl }\nretrievers:\n  docs: { type: bm25, corpus: data/docs.jsonl }\nsteps:\n  - { id: s, op: test/search, retriever: docs }\n",
      "/tmp/p/pipe.yaml",
      {
        registry: registry(),
        env: {},
        sampleColumns: async () => ["id"],
        fileExists: (p) => p !== "/tmp/p/data/docs.jsonl",
      },
    );
    expect(plan).toBeUndefined();
    expect(errors(diagnostics).map((d) => `${d.location?.line}:${d.location?.column} ${d.message}`)).toEqual([
      '4:31 retriever "docs": corpus file /tmp/p/data/docs.jsonl does not exist',
    ]);
  });

  it("checks retrievers and the steps that name them", async () => {
    const { plan, diagnostics } = await compile(`name: r
source: { path: in.jsonl }
servings:
  emb: { model: e }
retrievers:
  dense: { type: dense, corpus: docs.jsonl }
  other: { type: hybrid, corpus: docs.jsonl, serving: embb }
  sparse: { type: bm25, corpus: docs.txt, serving: emb }
steps:
  - { id: a, op: test/search }
  - { id: b, op: test/search, retriever: dens }
  - { id: c, op: test/upper, retriever: dense }
`);
    expect(plan).toBeUndefined();
    const messages = diagnostics.map((d) => `${d.severity} ${d.location?.line} ${d.message} | ${d.hint}`);
    expect(messages).toEqual([
      expect.stringMatching(/^error 8 pipeline: .*retrievers.sparse.corpus/),
      'error 6 retriever "dense": a dense retriever needs a serving to compute embeddings | add "serving: <name>" naming one of: emb',
      'error 7 retriever "other": serving "embb" is not defined | did you mean "emb"?',
      'warning 8 retriever "sparse": a bm25 retriever computes no embeddings; "serving: emb" is ignored | remove the serving line, or use type dense or hybrid',
      'error 10 step "a": test/search needs a retriever | add "retriever: <name>" naming one of: dense, other, sparse',
      'error 11 step "b": retriever "dens" is not defined | did you mean "dense"?',
      'warning 12 step "c": test/upper does not use a retriever; "retriever: dense" is ignored | remove the retriever line',
    ]);
  });
});
