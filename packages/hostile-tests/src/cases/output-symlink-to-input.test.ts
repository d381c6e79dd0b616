import { readFileSync, symlinkSync } from "node:fs";
import { afterAll, expect, it } from "vitest";
import { expectCleanError, jsonl, runDataflow, Workspace } from "../harness/index.js";

const ws = new Workspace();
afterAll(() => ws.remove());

it("an output.path that is a symlink to the input is refused, naming both paths", async () => {
  const rows = jsonl([{ text: "some text" }, { text: "more text" }]);
  const input = ws.write("data/in.jsonl", rows);
  symlinkSync(input, ws.path("out.jsonl"));
  const file = ws.write(
    "p.yaml",
    [
      "name: p",
      "source: { path: data/in.jsonl }",
      "output: { path: out.jsonl }",
      "steps:",
      "  - { id: keep, op: core/length-filter, params: { column: text, min: 1 } }",
      "",
    ].join("\n"),
  );
  const r = await runDataflow(["run", file]);
  expectCleanError(r, {
    exit: 2,
    location: "p.yaml:3:17",
    wording: [`out.jsonl is the input file ${input}`, `leads to ${input}`],
  });
  expect(readFileSync(input, "utf8")).toBe(rows);
});
