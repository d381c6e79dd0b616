import { afterAll, it } from "vitest";
import { expectCleanError, jsonl, runDataflow, Workspace } from "../harness/index.js";

const ws = new Workspace();
afterAll(() => ws.remove());

it("a cache.dir that is a file (EEXIST/ENOTDIR) is a located error with a fix", async () => {
  ws.write("in.jsonl", jsonl([{ text: "a row" }]));
  ws.write("cache", "not a folder\n");
  const file = ws.write(
    "p.yaml",
    [
      "name: p",
      "source: { path: in.jsonl }",
      "cache: { dir: cache }",
      "steps:",
      "  - { id: keep, op: core/length-filter, params: { column: text, min: 1 } }",
      "",
    ].join("\n"),
  );
  const r = await runDataflow(["run", file]);
  expectCleanError(r, {
    exit: 2,
    location: "p.yaml:3:15",
    wording: [
      `cannot use the cache folder: ${ws.path("cache")} is a file, so ${ws.path("cache/p")} cannot be created under it`,
      "fix: set cache.dir",
    ],
  });
});
