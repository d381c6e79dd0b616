import { existsSync } from "node:fs";
import { afterAll, expect, it } from "vitest";
import { expectCleanError, jsonl, runDataflow, Workspace } from "../harness/index.js";

const ws = new Workspace();
afterAll(() => ws.remove());

const pipeline = (name: string, output: string): string =>
  [
    `name: ${name}`,
    "source: { path: in.jsonl }",
    `output: { path: ${output} }`,
    "cache: { dir: .cache }",
    "steps:",
    "  - { id: keep, op: core/length-filter, params: { column: text, min: 1 } }",
    "",
  ].join("\n");

it("an output inside another pipeline's cache is refused, naming that pipeline and its folder", async () => {
  ws.write("in.jsonl", jsonl([{ text: "a row" }]));
  const first = await runDataflow(["run", ws.write("first.yaml", pipeline("first", "out/first.jsonl"))]);
  expect(first.code, first.stderr).toBe(0);
  // The second pipeline keeps its cache elsewhere, but writes into the first one's run directory.
  const second = ws.write(
    "second.yaml",
    pipeline("second", ".cache/first/out.jsonl").replace(".cache }", ".cache2 }"),
  );
  const r = await runDataflow(["validate", second]);
  expectCleanError(r, {
    exit: 2,
    location: "second.yaml:3:17",
    wording: [`inside the cache of pipeline "first" (${ws.path(".cache/first")})`],
  });
  expect(existsSync(ws.path(".cache/first/manifest.json"))).toBe(true);
});
