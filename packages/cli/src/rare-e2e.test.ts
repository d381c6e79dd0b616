import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type ChatServer, chatRequests } from "@dataflow/llm-serving/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { captureIO } from "./cli-test-io.js";
import { runCli } from "./run-cli.js";
import { exportAndValidate } from "./testdata/pipeline-run.js";
import { startRareServer } from "./testdata/rare-replies.js";

const repoRoot = resolve(import.meta.dirname, "../../..");
const pipeline = join(repoRoot, "pipelines", "rare.yaml");
const tmp = mkdtempSync(join(tmpdir(), "dataflow-rare-"));
const cacheDir = join(tmp, "cache");
const output = join(tmp, "rare.jsonl");

let server: ChatServer;
beforeAll(async () => {
  server = await startRareServer();
});
afterAll(async () => {
  await server?.close();
  rmSync(tmp, { recursive: true, force: true });
});

async function runRare() {
  const c = captureIO({ OPENAI_BASE_URL: server.url, DATAFLOW_MODEL: "test-model" });
  const code = await runCli(["run", pipeline, "--output", output, "--set", `cache.dir=${cacheDir}`], c.io);
  return { code, stdout: c.stdout(), stderr: c.stderr() };
}

describe("pipelines/rare.yaml end to end against the loopback server", () => {
  it("writes rows with question, scenario, hard negatives and reasoning; a rerun makes no LLM request", async () => {
    const first = await runRare();
    console.log(`--- dataflow run pipelines/rare.yaml (first run) ---\n${first.stdout}${first.stderr}`);
    expect(first.code, first.stderr).toBe(0);
    const rows = readFileSync(output, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows).toHaveLength(29);
    expect(rows.map((r) => r.id)).not.toContain("bike-01");
    for (const row of rows) {
      expect(row.question).toMatch(/^How should the mechanic diagnose/);
      expect(row.scenario).toMatch(/^A workshop mechanic/);
      const negatives = row.hard_negatives as string[];
      expect(negatives).toHaveLength(3);
      expect(negatives).not.toContain(row.text);
      // Rows are numbered by line; bike-07 is line 7.
      expect(row.negative_ids as string[]).not.toContain(String(Number(String(row.id).slice(5))));
      expect(row.reasoning).toMatch(/First pin down the essential problem[\s\S]*\[Document \d\] was weighed/);
      expect(row.answer).toBe("inspect, measure, then adjust before replacing parts.");
      expect(row.positive_index).toBeGreaterThanOrEqual(1);
      expect(row.positive_index).toBeLessThanOrEqual(4);
    }
    // One Doc2Query and one ReasonDistill call per document.
    expect(chatRequests(server)).toHaveLength(89);
    // The run report: question lengths, negatives per row, BM25 margins, usage.
    expect(first.stdout).toMatch(/doc2query: question_chars mean [\d.]+, median/);
    expect(first.stdout).toMatch(/negatives: negatives_per_row mean 3, median 3/);
    expect(first.stdout).toMatch(/negatives: bm25_margin mean -?[\d.]+/);
    expect(first.stdout).toMatch(/distill: \d+ requests/);
    expect(first.stdout).toMatch(/reconciled: yes/);
    expect(first.stdout).toMatch(/judge\s+llm\/judge\s+30\s+29\s+1\s+0/);
    expect(first.stdout).toMatch(/judge: below threshold \(weakest: needs_reasoning\)/);
    expect(first.stdout).toMatch(/dedup\s+quality\/near-dedup\s+29\s+29\s+0\s+0/);

    const firstOutput = readFileSync(output, "utf8");
    const second = await runRare();
    console.log(`--- dataflow run pipelines/rare.yaml (second run) ---\n${second.stdout}${second.stderr}`);
    expect(second.code, second.stderr).toBe(0);
    expect(chatRequests(server)).toHaveLength(89);
    expect(readFileSync(output, "utf8")).toBe(firstOutput);
    expect(second.stdout).toMatch(/doc2query\s+rare\/doc2query\s+30\s+30\s+0\s+0\s+0\s+30/);
  });

  it.each([
    ["export/openai-chat", "openai-chat"],
    ["export/sharegpt", "sharegpt"],
    ["export/trl", "trl"],
  ] as const)(
    "exports the rows with %s: prompt = scenario, question and the documents as shown; target = the reasoning",
    async (op, format) => {
      const { rows, records } = await exportAndValidate(output, join(tmp, `rare.${format}.jsonl`), {
        cacheDir,
        op,
        format,
        from: "rare",
      });
      records.forEach((record, i) => {
        const text = JSON.stringify(record);
        const docs = rows[i]?.documents as string[];
        expect(docs.length).toBeGreaterThan(1);
        for (const doc of docs) expect(text).toContain(JSON.stringify(doc).slice(1, 60));
        expect(text).toContain("First pin down the essential problem");
      });
    },
    60_000,
  );
});
