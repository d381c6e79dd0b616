import { afterAll, expect, it } from "vitest";
import { expectCleanError, runDataflow, Workspace } from "../harness/index.js";

const ws = new Workspace();
afterAll(() => ws.remove());

it("an unknown operator is a located error with a suggestion", async () => {
  ws.write("in.jsonl", '{"text":"a"}\n');
  const file = ws.write(
    "p.yaml",
    ["name: p", "source: { path: in.jsonl }", "steps:", "  - id: t", "    op: core/templat", ""].join("\n"),
  );
  const r = await runDataflow(["validate", file]);
  expectCleanError(r, { exit: 2, location: "p.yaml:5:9", wording: ["core/template"] });
  expect(ws.files()).toEqual(["in.jsonl", "p.yaml"]);
});
