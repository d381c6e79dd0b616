import { readFileSync } from "node:fs";
import { afterAll, expect, it } from "vitest";
import { expectCleanError, jsonl, runDataflow, Workspace } from "../harness/index.js";

const ws = new Workspace();
afterAll(() => ws.remove());

it("--output equal to --input is refused at validate time and the input is untouched", async () => {
  const rows = jsonl(Array.from({ length: 18 }, (_, n) => ({ text: `row ${n} with enough text` })));
  const input = ws.write("x.jsonl", rows);
  const file = ws.write(
    "p.yaml",
    [
      "name: p",
      "source: { path: other.jsonl }",
      "steps:",
      "  - { id: keep, op: core/length-filter, params: { column: text, min: 1 } }",
      "",
    ].join("\n"),
  );
  const r = await runDataflow(["run", file, "--input", input, "--output", input]);
  expectCleanError(r, {
    exit: 2,
    location: /^--output: error: /m,
    wording: [`the output ${input} is the input file ${input}`, "fix: write the output somewhere else"],
  });
  expect(readFileSync(input, "utf8")).toBe(rows);
});
