import { afterAll, expect, it } from "vitest";
import { expectNoRawRuntimeText, runDataflow, Workspace } from "../harness/index.js";

const ws = new Workspace();
afterAll(() => ws.remove());

it("an unclosed CSV quote is a reject located where the quote opens, not at the end of the file", async () => {
  const input = ws.write("in.csv", 'id,text\n1,fine\n2,"never closed\n3,swallowed\n4,swallowed too\n');
  const file = ws.write(
    "p.yaml",
    [
      "name: p",
      "source: { path: in.csv }",
      "output: { path: out.jsonl }",
      "run: { maxRejectRate: 0.5 }",
      "steps:",
      "  - { id: keep, op: core/length-filter, params: { column: text, min: 1 } }",
      "",
    ].join("\n"),
  );
  const r = await runDataflow(["run", file, "--set", `cache.dir=${ws.path("cache")}`]);
  expect(r.code, r.stderr).toBe(0);
  expectNoRawRuntimeText(`${r.stdout}\n${r.stderr}`);
  const rejects = ws
    .read("cache/p/rejects/source.jsonl")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l));
  expect(rejects).toHaveLength(1);
  expect(rejects[0]).toMatchObject({ stepId: "source", location: { file: input, line: 3, column: 3 } });
  expect(rejects[0].message).toMatch(/^invalid CSV: a quoted field opened in this record is never closed/);
});
