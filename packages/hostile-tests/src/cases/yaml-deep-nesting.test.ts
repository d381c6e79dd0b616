import { afterAll, expect, it } from "vitest";
import { expectCleanError, runDataflow, Workspace } from "../harness/index.js";

const ws = new Workspace();
afterAll(() => ws.remove());

it("YAML nested thousands deep is a located error naming the nesting, not a stack overflow", async () => {
  ws.write("in.jsonl", '{"text":"a"}\n');
  const file = ws.write(
    "p.yaml",
    [
      "name: p",
      "source: { path: in.jsonl }",
      "steps: []",
      `x: ${"[".repeat(20_000)}${"]".repeat(20_000)}`,
      "",
    ].join("\n"),
  );
  const r = await runDataflow(["validate", file]);
  expectCleanError(r, { exit: 2, location: "p.yaml:4:", wording: ["nests too deeply"] });
  expect(r.stderr).not.toMatch(/call stack/i);
});
