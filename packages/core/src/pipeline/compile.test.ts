import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { RowOperator } from "../bases/row-operator.js";
import type { Diagnostic } from "../contracts/errors.js";
import { silentLogger } from "../contracts/logger.js";
import type { Row } from "../contracts/row.js";
import { OperatorRegistry } from "../registry/registry.js";
import { compilePipeline } from "./compile.js";
import type { KindConfig } from "./plan.js";
import { registerFixtureKinds } from "./testdata/fixture-kinds.js";

class Upper extends RowOperator<{ suffix: string }> {
  static readonly spec = {
    name: "test/upper",
    version: "1.0.0",
    description: "upper-cases a column",
    params: {
      type: "object",
      additionalProperties: false,
      properties: { suffix: { type: "string", default: "" } },
    },
    inputs: { text: { column: "text" } },
    outputs: { upper: { column: "upper" } },
  };
  process(_row: Row, ctx: Parameters<RowOperator<{ suffix: string }>["process"]>[1]) {
    return ctx.output({ upper: String(ctx.input("text")).toUpperCase() + ctx.params.suffix });
  }
}

class DropCol extends RowOperator<{ column: string }> {
  static readonly spec = {
    name: "test/drop",
    version: "1.0.0",
    description: "drops a column",
    params: { type: "object", required: ["column"], properties: { column: { type: "string" } } },
    inputs: {},
    outputs: {},
    columns: (p: { column: string }) => ({ drops: [{ column: p.column, path: ["params", "column"] }] }),
  };
  process(_row: Row, ctx: Parameters<RowOperator<{ column: string }>["process"]>[1]) {
    return { [ctx.params.column]: undefined };
  }
}

class Ask extends RowOperator {
  static readonly spec = {
    name: "test/ask",
    version: "1.0.0",
    description: "needs a serving",
    params: { type: "object" },
    inputs: { text: { column: "text" } },
    outputs: { answer: { column: "answer" } },
    serving: "required" as const,
  };
  process() {
    return undefined;
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

class Pick extends RowOperator<{ need: string }> {
  static readonly spec = {
    name: "test/pick",
    version: "1.0.0",
    description: "reads one of two optional ports, as its params say",
    params: { type: "object", required: ["need"], properties: { need: { enum: ["a", "b"] } } },
    inputs: { a: { column: "alpha", optional: true }, b: { column: "text", optional: true } },
    outputs: {},
    columns: (p: { need: string }) => ({ requiresInputs: [p.need] }),
  };
  process() {
    return undefined;
  }
}

function registry(): OperatorRegistry {
  const r = new OperatorRegistry();
  r.register(Upper, "test");
  r.register(DropCol, "test");
  r.register(Ask, "test");
  r.register(Search, "test");
  r.register(Pick, "test");
  registerFixtureKinds(r);
  return r;
}

async function compile(yaml: string, env: Record<string, string> = {}, overrides: string[] = []) {
  return compilePipeline(yaml, "/tmp/p/pipe.yaml", {
    registry: registry(),
    env,
    overrides,
    sampleColumns: async () => ["id", "text"],
  });
}

const errors = (ds: Diagnostic[]) => ds.filter((d) => d.severity === "error");

describe("compilePipeline", () => {
  it("compiles a valid pipeline, filling defaults and resolving paths", async () => {
    const { plan, diagnostics } = await compile(`name: ok
source: { path: in.jsonl }
steps:
  - id: up
    op: test/upper
`);
    expect(errors(diagnostics)).toEqual([]);
    expect(plan?.steps[0]?.params).toEqual({ suffix: "" });
    expect(plan?.steps[0]?.inputs).toEqual({ text: "text" });
    expect(plan?.source.path).toBe("/tmp/p/in.jsonl");
    expect(plan?.output.path).toBe("/tmp/p/out/ok.jsonl");
    expect(plan?.output.rejects).toBe("/tmp/p/out/ok.rejects.jsonl");
    expect(plan?.columns).toEqual(["id", "text", "upper"]);
    expect(plan?.run).toEqual({ maxRejectRate: 0.1, window: 1024, shutdownGraceMs: 10000 });
  });

  it("reports a YAML syntax error with line and column", async () => {
    const { plan, diagnostics } = await compile("name: x\nsource: { path: a.jsonl\nsteps: []\n");
    expect(plan).toBeUndefined();
    expect(diagnostics[0]?.message).toMatch(/^YAML:/);
    expect(diagnostics[0]?.location?.line).toBeGreaterThan(1);
    expect(diagnostics[0]?.location?.column).toBeGreaterThan(0);
  });

  it("collects every error, each located in the file with a fix", async () => {
    const { plan, diagnostics } = await compile(`name: bad
source: { path: in.jsonl }
steps:
  - id: up
    op: test/uper
  - id: up
    op: test/upper
    params: { suffix: 3, colour: red }
  - id: d
    op: test/drop
    params: { column: text }
  - id: again
    op: test/upper
`);
    expect(plan).toBeUndefined();
    const messages = errors(diagnostics).map(
      (d) => `${d.location?.line}:${d.location?.column} ${d.message} | ${d.hint}`,
    );
    expect(messages).toEqual([
      expect.stringMatching(/^5:9 step "up": unknown operator "test\/uper" \| did you mean "test\/upper"/),
      expect.stringMatching(/^6:9 duplicate step id "up"/),
      expect.stringMatching(
        /^8:26 step "up" \(test\/upper\) params: unknown property "colour" in steps\[1\]\.params \| allowed here: suffix/,
      ),
      expect.stringMatching(
        /^8:23 step "up" \(test\/upper\) params: steps\[1\]\.params\.suffix must be string, got a number 3/,
      ),
      expect.stringMatching(
        /^13:9 step "again" input "text" \(default column\) reads column "text", which step "d" dropped \(at line 11:23\) \| move this step before step "d"/,
      ),
    ]);
  });

  it("errors on a column nobody provides, suggesting a near one", async () => {
    const { diagnostics } = await compile(`name: x
source: { path: in.jsonl }
steps:
  - id: up
    op: test/upper
    inputs: { text: txt }
`);
    const [e] = errors(diagnostics);
    expect(e?.message).toContain('reads column "txt", which neither the source nor an earlier step provides');
    expect(e?.hint).toBe('did you mean "text"?');
    expect(e?.location).toEqual({ file: "/tmp/p/pipe.yaml", line: 6, column: 21 });
  });

  it("warns when a step overwrites a column", async () => {
    const { plan, diagnostics } = await compile(`name: x
source: { path: in.jsonl }
steps:
  - id: up
    op: test/upper
    outputs: { upper: text }
`);
    expect(plan).toBeDefined();
    expect(diagnostics).toEqual([
      expect.objectContaining({
        severity: "warning",
        message: 'step "up" overwrites column "text" (from the source)',
      }),
    ]);
  });

  it("compiles retrievers: their kind's defaults filled, its paths resolved, steps bound", async () => {
    const { plan, diagnostics } = await compile(`name: r
source: { path: in.jsonl }
servings:
  emb: { model: e }
retrievers:
  docs: { type: vectors, lines: data/docs.txt, serving: emb }
steps:
  - { id: s, op: test/search, retriever: docs }
`);
    expect(errors(diagnostics)).toEqual([]);
    expect(plan?.retrievers.docs).toEqual({
      type: "vectors",
      lines: "/tmp/p/data/docs.txt",
      serving: "emb",
      depth: 10,
    });
    expect(plan?.servings.emb).toEqual({
      type: "chat",
      model: "e",
      maxConcurrency: 16,
      timeoutMs: 120000,
      reply: "ok",
    });
    expect(plan?.steps[0]?.retriever).toBe("docs");
  });

  it("reports a file a retriever reads that does not exist, where it is named", async () => {
    const { plan, diagnostics } = await compilePipeline(
      "name: r\nsource: { path: in.jsonl }\nretrievers:\n  docs: { type: lines, lines: data/docs.txt }\nsteps:\n  - { id: s, op: test/search, retriever: docs }\n",
      "/tmp/p/pipe.yaml",
      {
        registry: registry(),
        env: {},
        sampleColumns: async () => ["id"],
        fileExists: (p) => p !== "/tmp/p/data/docs.txt",
      },
    );
    expect(plan).toBeUndefined();
    expect(
      errors(diagnostics).map((d) => `${d.location?.line}:${d.location?.column} ${d.message} | ${d.hint}`),
    ).toEqual([
      '4:31 retriever "docs": lines file /tmp/p/data/docs.txt does not exist | lines paths are relative to the pipeline file; lines: a text file, one passage per line',
    ]);
  });

  it("checks retrievers against their kinds, and the steps that name them", async () => {
    const { plan, diagnostics } = await compile(`name: r
source: { path: in.jsonl }
servings:
  emb: { model: e }
retrievers:
  near: { type: vectors, lines: docs.txt }
  other: { type: vectors, lines: docs.txt, serving: embb }
  plain: { type: lines, lines: docs.md, serving: emb }
  odd: { type: vector, lines: docs.txt }
steps:
  - { id: a, op: test/search }
  - { id: b, op: test/search, retriever: nera }
  - { id: c, op: test/upper, retriever: near }
`);
    expect(plan).toBeUndefined();
    const messages = diagnostics.map((d) => `${d.severity} ${d.location?.line} ${d.message} | ${d.hint}`);
    expect(messages).toEqual([
      expect.stringMatching(/^error 8 pipeline: retrievers\.plain\.lines must match pattern/),
      expect.stringMatching(
        /^error 9 pipeline: retrievers\.odd\.type is "vector", not one of "lines", "vectors" \| did you mean "vectors"\?/,
      ),
      'error 6 retriever "near": a vectors retriever needs a serving to embed queries | add "serving: <name>" naming one of: emb',
      'error 7 retriever "other": serving "embb" is not defined | did you mean "emb"?',
      'warning 8 retriever "plain": a lines retriever embeds nothing; "serving: emb" is ignored | remove the serving line, or use type vectors',
      'error 11 step "a": test/search needs a retriever | add "retriever: <name>" naming one of: near, other, plain, odd',
      'error 12 step "b": retriever "nera" is not defined | did you mean "near"?',
      'warning 13 step "c": test/upper does not use a retriever; "retriever: near" is ignored | remove the retriever line',
    ]);
  });

  it("gives each kind's factory its block, validated and filled, to build what steps use", async () => {
    const dir = mkdtempSync(join(tmpdir(), "compile-kinds-"));
    writeFileSync(join(dir, "notes.txt"), "brake pads glaze\nchains stretch\n");
    const r = registry();
    const { plan } = await compilePipeline(
      "name: k\nsource: { path: in.jsonl }\nservings:\n  t: { model: m, reply: fine }\nretrievers:\n  n: { type: lines, lines: notes.txt }\nsteps:\n  - { id: s, op: test/search, retriever: n }\n",
      join(dir, "pipe.yaml"),
      { registry: r, env: {}, sampleColumns: async () => [] },
    );
    if (!plan) throw new Error("no plan");
    const t = plan.servings.t as KindConfig;
    const serving = r.servingKinds.require(t.type).create("t", t, { env: {}, logger: silentLogger });
    expect((await serving.generate({ messages: [] })).text).toBe("fine");
    const config = plan.retrievers.n as KindConfig;
    expect(config.lines).toBe(join(dir, "notes.txt"));
    const retriever = r.retrieverKinds
      .require(config.type)
      .create("n", config, { servings: {}, logger: silentLogger });
    expect((await retriever.search("why do brake pads squeal", 1)).map((p) => p.text)).toEqual([
      "brake pads glaze",
    ]);
    rmSync(dir, { recursive: true, force: true });
  });

  it("checks each serving against its kind's schema: an unknown type once, with the nearest name", async () => {
    const { diagnostics } = await compile(`name: s
source: { path: in.jsonl }
servings:
  a: { type: chatt, model: m, colour: red }
  b: { model: m, maxConcurrency: many }
steps:
  - { id: up, op: test/upper }
`);
    expect(
      diagnostics.map((d) => `${d.location?.line}:${d.location?.column} ${d.message} | ${d.hint}`),
    ).toEqual([
      '4:14 pipeline: servings.a.type is "chatt", not one of "chat" | did you mean "chat"?',
      '5:34 pipeline: servings.b.maxConcurrency must be integer, got a string "many" | write servings.b.maxConcurrency as an integer',
    ]);
  });

  it("reports kinds no plugin registered when none is, with where to get them", async () => {
    const bare = new OperatorRegistry();
    bare.register(Search, "test");
    const { diagnostics } = await compilePipeline(
      "name: k\nsource: { path: in.jsonl }\nservings:\n  t: { type: openish, model: m }\nretrievers:\n  r: { type: sparse }\nsteps:\n  - { id: s, op: test/search, retriever: r }\n",
      "/tmp/p/pipe.yaml",
      { registry: bare, env: {}, sampleColumns: async () => [] },
    );
    expect(errors(diagnostics).map((d) => `${d.location?.line} ${d.message} | ${d.hint}`)).toEqual([
      '4 servings.t: serving type "openish" is not registered (no serving types are) | list the plugin that provides it under plugins:',
      '6 retrievers.r: retriever type "sparse" is not registered (no retriever types are) | list the plugin that provides it under plugins:',
    ]);
  });

  it("knows the file formats registered: names under format:, extensions otherwise", async () => {
    const r = registry();
    r.fileFormats.add(
      { name: "lines", extensions: [".txt", ".lines"], description: "one row per line" },
      "test",
    );
    const run = (yaml: string, input?: string) =>
      compilePipeline(yaml, "/tmp/p/pipe.yaml", {
        registry: r,
        env: {},
        sampleColumns: async () => ["text"],
        ...(input ? { input } : {}),
      });
    const steps = "steps:\n  - { id: up, op: test/upper }\n";
    const ok = await run(
      `name: f\nsource: { path: in.TXT }\noutput: { path: o.csv, format: lines }\n${steps}`,
    );
    expect(errors(ok.diagnostics)).toEqual([]);
    expect(ok.plan?.output.format).toBe("lines");
    const bad = await run(
      `name: f\nsource: { path: in.csv, format: line }\noutput: { path: o.csv }\n${steps}`,
    );
    expect(
      errors(bad.diagnostics).map(
        (d) => `${d.location?.line}:${d.location?.column} ${d.message} | ${d.hint}`,
      ),
    ).toEqual([
      '2:33 pipeline: source.format is "line", not one of "lines" | did you mean "lines"?',
      '3:17 output: cannot tell the format of /tmp/p/o.csv: no registered format claims ".csv" | use an extension of one of lines (.txt, .lines); or set output.format',
    ]);
    const flag = await run(`name: f\nsource: { path: in.txt }\n${steps}`, "/data/rows");
    expect(errors(flag.diagnostics)).toEqual([
      expect.objectContaining({
        message: "source: cannot tell the format of /data/rows: it has no extension",
        location: { file: "--input" },
      }),
      expect.objectContaining({
        message: expect.stringContaining("cannot tell the format of /tmp/p/out/f.jsonl"),
      }),
    ]);
  });

  it("checks the optional ports that params make required", async () => {
    const pipeline = (need: string, bind = "") => `name: p
source: { path: in.jsonl }
steps:
  - { id: pick, op: test/pick, params: { need: ${need} }${bind} }
`;
    expect(errors((await compile(pipeline("b"))).diagnostics)).toEqual([]);
    const missing = errors((await compile(pipeline("a"))).diagnostics).map((d) => `${d.message} | ${d.hint}`);
    expect(missing).toEqual([
      'step "pick" input "a" (default column) reads column "alpha", which neither the source nor an earlier step provides | columns available here: id, text; bind the input to one of them, or add a step that writes "alpha"',
    ]);
    expect(errors((await compile(pipeline("a", ", inputs: { a: text }"))).diagnostics)).toEqual([]);
  });

  it("checks servings and ports", async () => {
    const { diagnostics } = await compile(`name: x
source: { path: in.jsonl }
servings:
  teacher: { model: m, apiKey: sk-123 }
steps:
  - id: a
    op: test/ask
  - id: b
    op: test/ask
    serving: techer
    inputs: { txt: text }
`);
    const messages = errors(diagnostics).map((d) => d.message);
    expect(messages).toContain('pipeline: unknown property "apiKey" in servings.teacher');
    expect(messages).toContain('step "a": test/ask needs an LLM serving');
    expect(messages).toContain('step "b": serving "techer" is not defined');
    expect(messages).toContain('step "b": test/ask has no input port "txt"');
    const apiKey = errors(diagnostics).find((d) => d.message.includes("apiKey"));
    expect(apiKey?.hint).toMatch(/environment/);
    expect(JSON.stringify(diagnostics)).not.toContain("sk-123");
  });

  it("interpolates the environment, typing whole references, and never shows secret values", async () => {
    const yaml = `name: x
source: { path: "\${DATA:-in.jsonl}" }
servings:
  t: { model: "\${MODEL}", maxConcurrency: "\${CONC:-4}", baseURL: "\${SECRET_TOKEN}" }
run: { window: "\${WINDOW}" }
steps:
  - { id: a, op: test/ask, serving: t }
`;
    const ok = await compile(yaml, { MODEL: "m1", WINDOW: "64", SECRET_TOKEN: "abc" });
    expect(errors(ok.diagnostics)).toEqual([]);
    expect(ok.plan?.servings.t?.maxConcurrency).toBe(4);
    expect(ok.plan?.run.window).toBe(64);
    expect(ok.plan?.source.path).toBe("/tmp/p/in.jsonl");

    const missing = await compile(yaml, { WINDOW: "many", SECRET_TOKEN: "hunter2-secret" });
    const msgs = errors(missing.diagnostics);
    expect(msgs[0]).toMatchObject({
      message: "environment variable MODEL is not set",
      location: { line: 4, column: 15 },
    });
    expect(msgs[0]?.hint).toContain("${MODEL:-value}");
    expect(msgs.length).toBe(1);

    const typed = await compile(yaml.replace('baseURL: "${SECRET_TOKEN}"', 'timeoutMs: "${SECRET_TOKEN}"'), {
      MODEL: "m",
      WINDOW: "1",
      SECRET_TOKEN: "hunter2-secret",
    });
    const text = JSON.stringify(typed.diagnostics);
    expect(text).toContain("${SECRET_TOKEN} (value hidden)");
    expect(text).not.toContain("hunter2");
  });

  it("applies --set overrides by step id and locates their errors", async () => {
    const yaml = `name: x
source: { path: in.jsonl }
steps:
  - id: up
    op: test/upper
`;
    const ok = await compile(yaml, {}, ["steps.up.params.suffix=!", "run.window=8"]);
    expect(ok.plan?.steps[0]?.params).toEqual({ suffix: "!" });
    expect(ok.plan?.run.window).toBe(8);
    const bad = await compile(yaml, {}, ["steps.nope.params.x=1", "oops"]);
    const msgs = errors(bad.diagnostics);
    expect(msgs.map((d) => d.location?.file)).toEqual(["--set", "--set"]);
    expect(msgs[0]?.message).toContain('there is no step with id "nope"');
    expect(msgs[1]?.message).toContain("is not of the form path=value");
    const invalid = await compile(yaml, {}, ["steps.up.params.suffix=[1]"]);
    expect(errors(invalid.diagnostics)).toEqual([
      expect.objectContaining({
        message: expect.stringContaining("suffix must be string"),
        location: { file: "--set steps.up.params.suffix" },
      }),
    ]);
  });

  it("reports a source that cannot be read at source.path", async () => {
    const r = await compilePipeline(
      "name: x\nsource: { path: gone.jsonl }\nsteps:\n  - { id: up, op: test/upper }\n",
      "/tmp/p/pipe.yaml",
      {
        registry: registry(),
        env: {},
        sampleColumns: async () => {
          throw new Error("input file not found: /tmp/p/gone.jsonl");
        },
      },
    );
    expect(errors(r.diagnostics)[0]).toMatchObject({
      message: expect.stringContaining("input file not found"),
      location: { file: "/tmp/p/pipe.yaml", line: 2, column: 17 },
    });
  });
});
