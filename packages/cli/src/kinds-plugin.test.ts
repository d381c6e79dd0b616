import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { captureIO } from "./cli-test-io.js";
import { runCli } from "./run-cli.js";

// A plugin outside core (testdata/kinds-plugin.ts) adds a serving type and a retriever type, each
// with its own config schema; pipelines that list it are checked against those schemas and run
// on what its factories build.
const testdata = resolve(import.meta.dirname, "testdata");
const tmp = mkdtempSync(join(tmpdir(), "dataflow-kinds-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function cli(args: string[]) {
  const c = captureIO({});
  const code = await runCli(args, c.io);
  return { code, stdout: c.stdout(), stderr: c.stderr() };
}

describe("serving and retriever types from a plugin", () => {
  it("are used at run time, built from their config blocks", async () => {
    const output = join(tmp, "answers.jsonl");
    const r = await cli([
      "run",
      join(testdata, "kinds.yaml"),
      "--output",
      output,
      "--set",
      `cache.dir=${tmp}/cache`,
    ]);
    expect(r.code, r.stderr).toBe(0);
    const rows = readFileSync(output, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows.map((row) => [row.id, row.answer])).toEqual([
      ["a", "Because: Salt controls yeast in bread dough."],
      ["b", "Because: Bees keep warm in winter by shivering."],
      ["c", "Because: Salt controls yeast in bread dough."],
      ["d", "Because: Salt controls yeast in bread dough."],
    ]);
  });

  it("are validated against the plugin's schemas, each problem at its line and column", async () => {
    const file = join(tmp, "broken.yaml");
    writeFileSync(
      file,
      `name: broken
plugins: [${join(testdata, "kinds-plugin.ts")}]
source: { path: ${join(testdata, "notes.jsonl")} }
servings:
  oracle: { type: canned, model: fixed, rply: Because }
retrievers:
  facts: { type: inline, passages: Salt controls yeast. }
  other: { type: inlin, passages: [x] }
steps:
  - { id: answer, op: fixture/answer, serving: oracle, retriever: facts }
`,
    );
    const r = await cli(["validate", file]);
    expect(r.code).toBe(2);
    const problems = r.stderr
      .split("\n")
      .filter((l) => l.includes("error:") || l.includes("fix:"))
      .map((l) => l.replace(file, "broken.yaml"));
    expect(problems).toEqual([
      'broken.yaml:5:11: error: pipeline: servings.oracle is missing required property "reply"',
      '  fix: add "reply:" (What every answer starts with)',
      'broken.yaml:5:41: error: pipeline: unknown property "rply" in servings.oracle',
      '  fix: did you mean "reply"?',
      'broken.yaml:7:36: error: pipeline: retrievers.facts.passages must be array, got a string "Salt controls yeast."',
      "  fix: write retrievers.facts.passages as a list",
      'broken.yaml:8:18: error: pipeline: retrievers.other.type is "inlin", not one of "bm25", "dense", "hybrid", "inline"',
      '  fix: did you mean "inline"?',
    ]);
  });
});
