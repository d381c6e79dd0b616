import { createAjv } from "@dataflow/core";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { captureIO } from "./cli-test-io.js";
import { runCli } from "./run-cli.js";

// What an editor's YAML language server does with `dataflow schema`: validate a pipeline by the
// schema alone, with no compiler, so operator params are checked as they are typed.
async function editorCheck(yaml: string): Promise<string[]> {
  const c = captureIO({});
  expect(await runCli(["schema"], c.io)).toBe(0);
  const validate = createAjv().compile(JSON.parse(c.stdout()));
  if (validate(parse(yaml))) return [];
  return (validate.errors ?? [])
    .filter((e) => e.keyword !== "if")
    .map(
      (e) =>
        `${e.instancePath} ${e.message}${e.keyword === "additionalProperties" ? `: ${JSON.stringify(e.params)}` : ""}`,
    );
}

const pipeline = (steps: string) => `name: p
source: { path: data/docs.jsonl }
servings:
  teacher: { model: gpt-4o-mini }
steps:
${steps}`;

describe("the schema `dataflow schema` prints, in an editor", () => {
  it("accepts a valid pipeline", async () => {
    expect(
      await editorCheck(
        pipeline(`  - { id: q, op: rare/doc2query, serving: teacher, params: { maxAttempts: 2 } }
  - { id: f, op: core/filter, params: { where: { column: question, op: not-empty } } }
`),
      ),
    ).toEqual([]);
  });

  it("flags an unknown param of rare/doc2query and a wrong type in core/filter's params", async () => {
    const problems = await editorCheck(
      pipeline(`  - { id: q, op: rare/doc2query, serving: teacher, params: { maxAtempts: 2 } }
  - { id: f, op: core/filter, params: { where: { column: 7, op: eq, value: x } } }
`),
    );
    expect(problems).toContain(
      '/steps/0/params must NOT have additional properties: {"additionalProperty":"maxAtempts"}',
    );
    expect(problems).toContain("/steps/1/params/where/column must be string");
  });

  it("flags an option a serving's type does not take, and an unknown retriever type", async () => {
    const problems = await editorCheck(
      `${pipeline("  - { id: l, op: core/limit, params: { n: 1 } }\n")}retrievers:\n  r: { type: bm26, corpus: d.jsonl }\n`.replace(
        "{ model: gpt-4o-mini }",
        "{ type: openai, model: m, apiKey: x }",
      ),
    );
    expect(problems).toEqual([
      '/servings/teacher must NOT have additional properties: {"additionalProperty":"apiKey"}',
      "/retrievers/r/type must be equal to one of the allowed values",
    ]);
  });
});
