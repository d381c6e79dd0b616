import { afterAll, it } from "vitest";
import { expectCleanError, jsonl, runDataflow, Workspace } from "../harness/index.js";

const ws = new Workspace();
afterAll(() => ws.remove());

it("an output path through a file (ENOTDIR) is a located error with a fix", async () => {
  ws.write("in.jsonl", jsonl([{ text: "a row" }]));
  ws.write("out", "a plain file\n");
  const file = ws.write(
    "p.yaml",
    [
      "name: p",
      "source: { path: in.jsonl }",
      "output: { path: out/result.jsonl }",
      "steps:",
      "  - { id: keep, op: core/length-filter, params: { column: text, min: 1 } }",
      "",
    ].join("\n"),
  );
  const r = await runDataflow(["run", file]);
  expectCleanError(r, {
    exit: 2,
    location: "p.yaml:3:17",
    wording: [
      `cannot write the output: ${ws.path("out")} is a file, so ${ws.path("out/result.jsonl")} cannot be created under it`,
      "fix: ",
    ],
  });
});
