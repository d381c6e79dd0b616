import { afterAll, expect, it } from "vitest";
import { expectCleanError, runDataflow, Workspace } from "../harness/index.js";

const ws = new Workspace();
afterAll(() => ws.remove());

it("a pipeline file with a latin-1 byte is a located error, not U+FFFD in every row", async () => {
  ws.write("in.jsonl", '{"text":"a"}\n');
  const yaml =
    "name: p\nsource: { path: in.jsonl }\nsteps:\n  - id: t\n    op: core/template\n    params: { output: s, template: 'caf";
  const file = ws.write(
    "p.yaml",
    Buffer.concat([Buffer.from(yaml), Buffer.from([0xe9]), Buffer.from("'}\n")]),
  );
  const r = await runDataflow(["run", file]);
  expectCleanError(r, {
    exit: 2,
    location: "p.yaml:6:",
    wording: ["not UTF-8", "0xE9", "save the file as UTF-8"],
  });
  expect(ws.files()).toEqual(["in.jsonl", "p.yaml"]);
});
