import { afterAll, it } from "vitest";
import { expectCleanError, runDataflow, Workspace } from "../harness/index.js";

const ws = new Workspace();
afterAll(() => ws.remove());

it("a CSV record over source.maxRecordBytes is refused before the run, naming the line it starts on and the limit", async () => {
  const rest = Array.from({ length: 100 }, (_, i) => `${i + 10},row ${i}`).join("\n");
  ws.write("in.csv", `id,text\n1,fine\n2,"a quote left open\n${rest}\n`);
  const file = ws.write(
    "p.yaml",
    [
      "name: p",
      "source: { path: in.csv, maxRecordBytes: 500 }",
      "output: { path: out.jsonl }",
      "steps:",
      "  - { id: keep, op: core/length-filter, params: { column: text, min: 1 } }",
      "",
    ].join("\n"),
  );
  const r = await runDataflow(["run", file, "--set", `cache.dir=${ws.path("cache")}`]);
  expectCleanError(r, {
    // Found while sampling the source's columns, so nothing runs.
    exit: 2,
    location: "in.csv:3: the CSV record starting here",
    wording: ["is at least 1,021 bytes, over the 500 bytes limit", "a quote left open", "nothing was run"],
  });
});
