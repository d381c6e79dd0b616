import { runCli } from "@dataflow/cli";
import { runOperator } from "@dataflow/core";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { PassThrough } from "node:stream";
import { afterAll, describe, expect, it } from "vitest";
import { WordCountOperator } from "./word-count.js";

const here = resolve(import.meta.dirname, "..");
const tmp = mkdtempSync(join(tmpdir(), "word-count-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function capture() {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = "";
  let stderr = "";
  out.on("data", (c) => (stdout += c));
  err.on("data", (c) => (stderr += c));
  return { io: { stdout: out, stderr: err, env: {}, onInterrupt: () => () => {} }, text: () => ({ stdout, stderr }) };
}

describe("example/word-count", () => {
  it("counts words and rejects non-text", async () => {
    const r = await runOperator(WordCountOperator, [{ text: "one two  three" }, { text: 4 }], { params: { wordsPerMinute: 60 } });
    expect(r.rows).toEqual([{ text: "one two  three", words: 3, reading_seconds: 3 }]);
    expect(r.rejected).toEqual([{ id: "2", type: "bad-input", message: "expected text, got number" }]);
  });

  it("runs through `dataflow run` as a plugin of the README's pipeline", async () => {
    const output = join(tmp, "out.jsonl");
    const { io, text } = capture();
    const code = await runCli(["run", join(here, "pipeline.yaml"), "--output", output], io);
    expect(text().stderr).toBe("");
    expect(code).toBe(0);
    const rows = readFileSync(output, "utf8").trim().split("\n").map((l) => JSON.parse(l));
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(Object.keys(row)).toEqual(["id", "words", "reading_seconds"]);
      expect(row.words).toBeLessThanOrEqual(35);
    }
    expect(rows.find((r) => r.id === "n11")).toEqual({ id: "n11", words: 1, reading_seconds: 0 });
    expect(text().stdout).toContain('run "word-count" done');
    expect(text().stdout).toContain("reconciled: yes");
  });
});
