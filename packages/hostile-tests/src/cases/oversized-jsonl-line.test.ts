import { afterAll, expect, it } from "vitest";
import { expectNoRawRuntimeText, jsonl, runDataflow, Workspace } from "../harness/index.js";

const ws = new Workspace();
afterAll(() => ws.remove());

it("a JSONL line over source.maxRecordBytes is a reject with its file, line and size; the run goes on", async () => {
  const huge = JSON.stringify({ text: "x".repeat(5000) });
  const input = ws.write("in.jsonl", `${jsonl([{ text: "first" }])}${huge}\n${jsonl([{ text: "third" }])}`);
  const file = ws.write(
    "p.yaml",
    [
      "name: p",
      "source: { path: in.jsonl, maxRecordBytes: 1000 }",
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
  expect(ws.read("out.jsonl")).toBe(jsonl([{ text: "first" }, { text: "third" }]));
  const [reject, ...more] = ws
    .read("cache/p/rejects/source.jsonl")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l));
  expect(more).toEqual([]);
  expect(reject).toMatchObject({
    rowId: "2",
    stepId: "source",
    type: "bad-input",
    location: { file: input, line: 2 },
  });
  expect(reject.message).toBe(
    `line is 4.9 KiB (${huge.length.toLocaleString("en-US")} bytes), over the 1,000 bytes limit; split it into smaller lines, or raise the limit with maxRecordBytes (at most 256 MiB)`,
  );
  // The reject keeps a prefix, never the whole line.
  expect(reject.raw.length).toBeLessThan(300);
});
