import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import {
  type ChatRequestInfo,
  type ChatServer,
  chatRequests,
  startChatServer,
} from "@dataflow/llm-serving/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { captureIO } from "./cli-test-io.js";
import { runCli } from "./run-cli.js";
import { distillReply } from "./testdata/rare-replies.js";

const repoRoot = resolve(import.meta.dirname, "../../..");
const pipeline = join(repoRoot, "pipelines", "rare-from-docs.yaml");
const tmp = mkdtempSync(join(tmpdir(), "dataflow-rare-docs-"));
const cacheDir = join(tmp, "cache");
const output = join(tmp, "rare-from-docs.jsonl");

/** Doc2Query asked for two problems: one from the passage's first sentence, one from its last. */
function twoProblems(req: ChatRequestInfo): string {
  const prompt = req.messages.at(-1)?.content ?? "";
  const passage = /<reference_material>\n([\s\S]*?)\n<\/reference_material>/.exec(prompt)?.[1] ?? "";
  const sentences = passage
    .replace(/^#+ .*$/gm, "")
    .split(/(?<=[.!?])\s+/)
    .map((s) => s.replace(/\s+/g, " ").trim())
    .filter(Boolean);
  const first = (sentences[0] ?? passage).replace(/[.!?]$/, "");
  const last = (sentences.at(-1) ?? passage).replace(/[.!?]$/, "");
  const problem = (s: string, how: string) => ({
    scenario: `A workshop mechanic hears a customer describe this: ${s}.`,
    question: `${how}, given that ${s.toLowerCase()}?`,
  });
  const problems = [problem(first, "How should the mechanic diagnose the fault")];
  // A near copy of the first, which doc2query drops, when the passage has one sentence only.
  problems.push(
    first === last
      ? problem(first, "How should the mechanic diagnose the fault ")
      : problem(last, "What should the mechanic weigh before replacing parts"),
  );
  return `<think>Two problems from the passage.</think>\n${JSON.stringify({ problems })}`;
}

let server: ChatServer;
beforeAll(async () => {
  server = await startChatServer({
    rules: [
      { match: '{"problems": [', reply: twoProblems },
      { match: "# Retrieved documents", reply: distillReply },
    ],
    defaultReply: { fault: { status: 400, message: "unexpected prompt" } },
  });
});
afterAll(async () => {
  await server?.close();
  rmSync(tmp, { recursive: true, force: true });
});

async function run() {
  const c = captureIO({ OPENAI_BASE_URL: server.url, DATAFLOW_MODEL: "test-model" });
  const code = await runCli(["run", pipeline, "--output", output, "--set", `cache.dir=${cacheDir}`], c.io);
  return { code, stdout: c.stdout(), stderr: c.stderr() };
}

const readRows = () =>
  readFileSync(output, "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe("pipelines/rare-from-docs.yaml end to end against the loopback server", () => {
  it("reads the documents folder, chunks, asks two questions per passage, mines same-document-aware negatives and distils", async () => {
    const first = await run();
    console.log(`--- dataflow run pipelines/rare-from-docs.yaml ---\n${first.stdout}${first.stderr}`);
    expect(first.code, first.stderr).toBe(0);
    const rows = readRows();
    // Every file of pipelines/data/docs, PDF and HTML included, gives passages.
    const files = new Set(rows.map((r) => r.doc_id));
    expect([...files].sort()).toEqual([
      "brakes.md",
      "chains.md",
      "glossary.txt",
      "suspension.pdf",
      "tyres.md",
      "wheels.html",
    ]);
    for (const row of rows) {
      expect((row.text as string).length).toBeLessThanOrEqual(600 + 120);
      expect(row.question).toMatch(/^(How should the mechanic diagnose|What should the mechanic weigh)/);
      const negatives = row.negative_ids as string[];
      expect(negatives.length).toBeGreaterThanOrEqual(1);
      for (const id of negatives) {
        // Negatives are named by row id: <file>#<chunk>.<question> (doc/chunk, then doc2query's questions).
        expect(id).toMatch(/^[\w.-]+#\d+\.[01]$/);
        // A negative is never the passage itself nor the one right before or after it in its document.
        const [doc, rest] = id.split("#") as [string, string];
        const index = Number.parseInt(rest, 10);
        if (doc === row.doc_id) expect(Math.abs(index - (row.chunk_index as number))).toBeGreaterThan(1);
      }
      expect(row.reasoning).toMatch(/\[Document \d\] was weighed/);
      expect(row.answer).toBe("inspect, measure, then adjust before replacing parts.");
    }
    // Two questions per passage: 15 passages of 6 files, 30 rows.
    expect(first.stdout).toMatch(/chunk\s+doc\/chunk\s+6\s+15\s/);
    expect(first.stdout).toMatch(/doc2query\s+rare\/doc2query\s+15\s+30\s/);
    expect(first.stdout).toMatch(/excluded_same_document \d+/);
    const chunks = new Set(rows.map((r) => `${r.doc_id}#${r.chunk_index}`));
    expect(chunks.size).toBe(15);
    expect(rows.some((r) => r.heading_path === "Bicycle brakes > Rim brakes")).toBe(true);
    expect(first.stdout).toMatch(/reconciled: yes/);
    const requests = chatRequests(server).length;

    const second = await run();
    expect(second.code, second.stderr).toBe(0);
    expect(chatRequests(server)).toHaveLength(requests);
    expect(readRows()).toEqual(rows);
  });
});
