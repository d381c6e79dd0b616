import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { composePipelineSchema } from "@dataflow/core";
import { afterAll, describe, expect, it } from "vitest";
import { captureIO } from "./cli-test-io.js";
import { createDefaultRegistry } from "./default-registry.js";
import { runCli } from "./run-cli.js";

// The schema `dataflow schema` prints: composed from the default registry's kinds and operators.
const pipelineSchema = composePipelineSchema(createDefaultRegistry());

const testdata = resolve(import.meta.dirname, "testdata");
const repoRoot = resolve(import.meta.dirname, "../../..");
const tmp = mkdtempSync(join(tmpdir(), "dataflow-cli-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const cacheDir = join(tmp, "cache");

async function cli(args: string[], env: Record<string, string> = {}) {
  const c = captureIO(env);
  // Keep step caches out of the source tree.
  if (args[0] === "run" || args[0] === "rejects") args = [...args, "--set", `cache.dir=${cacheDir}`];
  const code = await runCli(args, c.io);
  return { code, stdout: c.stdout(), stderr: c.stderr() };
}

const readJsonl = (path: string) =>
  readFileSync(path, "utf8")
    .trim()
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l));

describe("dataflow validate on broken pipelines", () => {
  const broken = (name: string) => join(testdata, "broken", `${name}.yaml`);
  const cases: [string, RegExp[]][] = [
    ["bad-yaml", [/bad-yaml\.yaml:3:1: error: YAML: .*\n {2}fix: fix the YAML syntax/]],
    [
      "unknown-op",
      [
        /unknown-op\.yaml:5:9: error: step "prompt": unknown operator "core\/templat"\n {2}fix: did you mean "core\/template"/,
      ],
    ],
    [
      "bad-params",
      [
        /bad-params\.yaml:6:34: error: step "short" \(core\/length-filter\) params: steps\[0\]\.params\.min must be (integer|number), got a string "ten"/,
        /bad-params\.yaml:6:41: error: step "short" \(core\/length-filter\) params: unknown property "unti" in steps\[0\]\.params\n {2}fix: did you mean "unit"\?/,
      ],
    ],
    [
      "missing-column",
      [
        /missing-column\.yaml:7:17: error: step "prompt" params\.template reads column "topik", which neither the source nor an earlier step provides\n {2}fix: did you mean "topic"\?/,
      ],
    ],
    [
      "duplicate-ids",
      [/duplicate-ids\.yaml:7:9: error: duplicate step id "first" \(first used by step 1 at line 4\)/],
    ],
    [
      "dropped-column",
      [
        /dropped-column\.yaml:9:25: error: step "prompt" params\.template reads column "topic", which step "slim" dropped \(at line 6:25\)/,
      ],
    ],
    [
      "many",
      [
        /many\.yaml:2:33: error: pipeline: unknown property "colums" in source\n {2}fix: did you mean "columns"\?/,
        /many\.yaml:1:7: error: pipeline: name must match pattern/,
        /many\.yaml:5:9: error: step "a": unknown operator "core\/dedupe"/,
        /many\.yaml:8:24: error: step "b" \(core\/select\) params: steps\[1\]\.params\.columns must NOT have fewer than 1 items/,
      ],
    ],
  ];
  for (const [name, patterns] of cases) {
    it(`${name}: prints every problem with file:line:col and exits 2`, async () => {
      const r = await cli(["validate", broken(name)]);
      expect(r.code).toBe(2);
      for (const p of patterns) expect(r.stderr).toMatch(p);
      expect(r.stderr).toMatch(new RegExp(`${patterns.length} errors?; nothing was run`));
    });
  }

  it("`run` refuses an invalid pipeline the same way, before doing any work", async () => {
    const r = await cli(["run", broken("unknown-op"), "--output", join(tmp, "never.jsonl")]);
    expect(r.code).toBe(2);
    expect(existsSync(join(tmp, "never.jsonl"))).toBe(false);
  });

  it("reports a missing pipeline file and a missing source", async () => {
    const r = await cli(["validate", join(tmp, "nope.yaml")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("cannot read pipeline file: no such file");
    const noSource = await cli([
      "validate",
      join(testdata, "example-ok.yaml"),
      "--input",
      join(tmp, "missing.jsonl"),
    ]);
    expect(noSource.code).toBe(2);
    expect(noSource.stderr).toMatch(
      /--input: error: cannot read the source to learn its columns: .*missing\.jsonl/,
    );
  });
});

describe("dataflow run", () => {
  it("runs a pipeline, writes ordered output and a reconciled summary", async () => {
    const output = join(tmp, "ok.jsonl");
    const r = await cli(["run", join(testdata, "example-ok.yaml"), "--output", output]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(readJsonl(output)).toEqual([
      {
        id: "a",
        topic: "bread",
        text: "Salt slows fermentation and tightens gluten in a dough.",
        prompt: "bread: Salt slows fermentation and tightens gluten in a dough.",
      },
      {
        id: "b",
        topic: "bees",
        text: "Bees cluster and shiver to keep the queen warm in winter.",
        prompt: "bees: Bees cluster and shiver to keep the queen warm in winter.",
      },
    ]);
    expect(r.stdout).toMatch(/run "example-ok" done/);
    expect(r.stdout).toMatch(/long-enough +core\/length-filter +4 +3 +1 +0 +0/);
    expect(r.stdout).toMatch(/dedup +core\/dedup +3 +2 +1 +0 +0/);
    expect(r.stdout).toContain("reconciled: yes");
  });

  it("--json, --limit and --set", async () => {
    const output = join(tmp, "limited.jsonl");
    const r = await cli([
      "run",
      join(testdata, "example-ok.yaml"),
      "--output",
      output,
      "--limit",
      "2",
      "--json",
      "--set",
      "steps.prompt.params.template=<{{id}}>",
    ]);
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary).toMatchObject({ status: "ok", written: 2, reconciled: true, source: { read: 2 } });
    expect(readJsonl(output).map((row) => row.prompt)).toEqual(["<a>", "<b>"]);
  });

  it("--dry-run shows the plan and runs nothing", async () => {
    const output = join(tmp, "dry.jsonl");
    const r = await cli(["run", join(testdata, "example-ok.yaml"), "--output", output, "--dry-run"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("prompt: core/template out(output→prompt)");
    expect(r.stdout).toContain("columns: id, topic, text, prompt");
    expect(existsSync(output)).toBe(false);
  });

  it("exits 1 when rejects pass run.maxRejectRate, still writing the good rows and the rejects", async () => {
    const input = join(tmp, "mixed.jsonl");
    writeFileSync(input, '{"text":"fine"}\n{"text":\n{"nope":1}\n{"text":"also fine"}\n');
    const output = join(tmp, "mixed-out.jsonl");
    const r = await cli(["run", join(testdata, "text-only.yaml"), "--input", input, "--output", output]);
    expect(r.stdout).toMatch(/reject rate 50\.0% is above run\.maxRejectRate 20\.0%/);
    expect(r.code).toBe(1);
    expect(readJsonl(output).map((row) => row.prompt)).toEqual(["fine", "also fine"]);
    const rejects = [
      ...readJsonl(join(cacheDir, "text-only", "rejects", "source.jsonl")),
      ...readJsonl(join(cacheDir, "text-only", "rejects", "long-enough.jsonl")),
    ];
    expect(rejects.map((x) => [x.rowId, x.stepId, x.type])).toEqual([
      ["2", "source", "bad-input"],
      ["3", "long-enough", "bad-input"],
    ]);
    const listed = await cli(["rejects", join(testdata, "text-only.yaml")]);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain("source: 1 rejected (1× bad-input)");
    expect(listed.stdout).toMatch(/long-enough: 1 rejected \(1× bad-input\)\n {2}row 3 \[bad-input\] /);
    const json = await cli(["rejects", join(testdata, "text-only.yaml"), "--step", "source", "--json"]);
    expect(
      json.stdout
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l).rowId),
    ).toEqual(["2"]);
  });

  it("prints plain progress lines when stderr is not a terminal", async () => {
    const many = join(tmp, "progress.jsonl");
    writeFileSync(many, Array.from({ length: 40 }, (_, n) => JSON.stringify({ n })).join("\n"));
    const r = await cli([
      "run",
      join(testdata, "slow.yaml"),
      "--input",
      many,
      "--output",
      join(tmp, "p.jsonl"),
      "--progress-interval",
      "0.1",
    ]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/\[progress [^\]]+\] source \d+(\/40)? \| wait \d+(\/40)? \([\d.]+\/s/);
  });

  it("rejects bad arguments with exit 2", async () => {
    expect((await cli(["run"])).code).toBe(2);
    expect((await cli(["run", "x.yaml", "--limit", "-3"])).code).toBe(2);
    expect((await cli(["frobnicate"])).code).toBe(2);
    expect((await cli(["--help"])).code).toBe(0);
  });
});

describe("dataflow operators and schema", () => {
  it("lists operators and shows one with ports and params", async () => {
    const list = await cli(["operators"]);
    expect(list.code).toBe(0);
    for (const name of [
      "core/rename",
      "core/select",
      "core/drop",
      "core/filter",
      "core/dedup",
      "core/length-filter",
      "core/sample",
      "core/limit",
      "core/template",
    ]) {
      expect(list.stdout).toContain(name);
    }
    const one = await cli(["operators", "core/template"]);
    expect(one.stdout).toContain('output (default column "output")');
    expect(one.stdout).toMatch(/template: string/);
    const json = JSON.parse((await cli(["operators", "core/dedup", "--json"])).stdout);
    expect(json).toMatchObject({ name: "core/dedup", params: { type: "object" } });
    const miss = await cli(["operators", "core/dedupe"]);
    expect(miss.code).toBe(2);
    expect(miss.stderr).toContain('did you mean "core/dedup"?');
  });

  it("prints the pipeline schema, which matches the committed schemas/pipeline.schema.json", async () => {
    const r = await cli(["schema"]);
    expect(JSON.parse(r.stdout)).toEqual(pipelineSchema);
    expect(JSON.parse(readFileSync(join(repoRoot, "schemas/pipeline.schema.json"), "utf8"))).toEqual(
      pipelineSchema,
    );
  });
});

describe("the dataflow process", () => {
  const bin = join(import.meta.dirname, "bin.ts");
  it("on SIGINT stops taking rows, finishes in-flight ones, and says the output was not written", {
    timeout: 90_000,
  }, async () => {
    const many = join(tmp, "many.jsonl");
    writeFileSync(many, Array.from({ length: 2000 }, (_, n) => JSON.stringify({ n })).join("\n"));
    const output = join(tmp, "interrupted.jsonl");
    const child = spawn(
      process.execPath,
      [
        "--conditions=@dataflow/source",
        "--import",
        "tsx",
        bin,
        "run",
        join(testdata, "slow.yaml"),
        "--input",
        many,
        "--output",
        output,
        "--progress-interval",
        "0.2",
      ],
      {
        cwd: repoRoot,
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c) => (stdout += c));
    const progressed = new Promise<void>((resolveProgress) => {
      child.stderr.on("data", (c) => {
        stderr += c;
        if (stderr.includes("[progress")) resolveProgress();
      });
    });
    await progressed;
    child.kill("SIGINT");
    const code = await new Promise<number | null>((r) => child.on("close", r));
    expect(stderr).toContain("stopping: no new rows");
    expect(stderr).toContain("run interrupted");
    expect(stdout).toMatch(/run "slow" cancelled/);
    expect(stdout).toContain("reconciled: yes");
    expect(code).toBe(1);
    expect(existsSync(output)).toBe(false);
  });
});
