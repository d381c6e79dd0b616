import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { ChatServer } from "@dataflow/llm-serving/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { captureIO } from "./cli-test-io.js";
import { runCli } from "./run-cli.js";
import { startRareServer } from "./testdata/rare-replies.js";

const repoRoot = resolve(import.meta.dirname, "../../..");
const sample = join(repoRoot, "..", "shared", "data", "pipeline_small_chunk.json");
const haveSample = existsSync(sample);
const tmp = mkdtempSync(join(tmpdir(), "dataflow-ids-"));

let server: ChatServer | undefined;
beforeAll(async () => {
  if (haveSample) server = await startRareServer();
});
afterAll(async () => {
  await server?.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe("rows without an id column", () => {
  it.skipIf(!haveSample)(
    `pipelines/rare.yaml runs DataFlow's sample (a JSON array of {text}) with --input${haveSample ? "" : ` (skipped: ${sample} is absent)`}`,
    async () => {
      const output = join(tmp, "rare.jsonl");
      const c = captureIO({ OPENAI_BASE_URL: server?.url, DATAFLOW_MODEL: "test-model" });
      const args = ["run", join(repoRoot, "pipelines", "rare.yaml"), "--input", sample, "--output", output];
      const code = await runCli([...args, "--set", `cache.dir=${join(tmp, "cache")}`], c.io);
      expect(code, c.stderr()).toBe(0);
      const rows = readFileSync(output, "utf8").trim().split("\n");
      expect(rows).toHaveLength(10);
      expect(c.stdout()).toMatch(/\(source\)\s+10\s+10\s+0\s+0/);
      expect(c.stdout()).toMatch(/reconciled: yes/);
    },
    60_000,
  );

  it("a pipeline that names source.idColumn the rows lack fails validation naming the key, the file and the fix", async () => {
    const input = join(tmp, "no-ids.jsonl");
    writeFileSync(input, '{"topic":"bread","text":"Salt slows fermentation in a dough."}\n');
    const c = captureIO();
    const pipeline = join(import.meta.dirname, "testdata", "example-ok.yaml");
    const code = await runCli(["validate", pipeline, "--input", input], c.io);
    expect(code).toBe(2);
    expect(c.stderr()).toMatch(
      /example-ok\.yaml:2:40: error: source\.idColumn is "id", but the rows of \S*no-ids\.jsonl have no "id" field \(they have: topic, text\)/,
    );
    expect(c.stderr()).toMatch(
      /fix: delete source\.idColumn from \S*example-ok\.yaml to number rows by line/,
    );
    expect(c.stderr()).not.toMatch(/columns available here: \(none\)/);
  });
});
