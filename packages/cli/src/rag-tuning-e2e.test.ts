import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ChatRequestInfo, type ChatServer, startChatServer } from "@dataflow/llm-serving/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exportAndValidate, readJsonl, runPipelineCommand } from "./testdata/pipeline-run.js";

const tmp = mkdtempSync(join(tmpdir(), "dataflow-rag-tuning-"));
const cacheDir = join(tmp, "cache");
const output = join(tmp, "rag-tuning.jsonl");

/** The task writer: a query and an answer built from the documents' opening sentences. */
function taskReply(req: ChatRequestInfo): string {
  const prompt = req.messages.at(-1)?.content ?? "";
  const type = /Write ONE ([a-z-]+) task/.exec(prompt)?.[1] ?? "factoid-qa";
  const docs = [...prompt.matchAll(/<document[^>]*>\n([\s\S]*?)\n<\/document>/g)].map((m) => m[1] ?? "");
  const openings = docs.map((d) => (d.split(/(?<=\.)\s/)[0] ?? d).replace(/\.$/, ""));
  const verdict = /so the verdict is '(Supported|Refuted)'/.exec(prompt)?.[1];
  const subject = (openings[0] ?? "").split(/\s+/).slice(0, 6).join(" ").toLowerCase();
  const answer =
    type === "unanswerable"
      ? "That is not something the maintenance notes cover."
      : `${verdict ? `${verdict}. ` : ""}${openings.join("; ")}.`;
  return JSON.stringify({
    query: `For a ${type} request: what should a mechanic know about ${subject}?`,
    answer,
  });
}

let server: ChatServer;
beforeAll(async () => {
  server = await startChatServer({
    rules: [{ match: /Write ONE [a-z-]+ task/, reply: taskReply }],
    defaultReply: { fault: { status: 400, message: "unexpected prompt" } },
    embeddingDims: 64,
  });
});
afterAll(async () => {
  await server?.close();
  rmSync(tmp, { recursive: true, force: true });
});

const env = () => ({
  OPENAI_BASE_URL: server.url,
  DATAFLOW_MODEL: "test-model",
  DATAFLOW_EMBEDDING_MODEL: "test-embed",
});
const requests = (path: string) => server.requests.filter((r) => r.path.endsWith(path)).length;

const run = (...args: string[]) =>
  runPipelineCommand("run", "rag-tuning.yaml", { env: env(), cacheDir }, ...args);

interface Meta {
  id: string;
  role: "gold" | "retrieved" | "noise";
  retriever?: string;
}

describe("pipelines/rag-tuning.yaml end to end against the loopback server", () => {
  it("writes diverse tasks over noisy mixed-retriever contexts with provenance, and reruns without a request", async () => {
    const first = await run("--output", output);
    console.log(`--- dataflow run pipelines/rag-tuning.yaml ---\n${first.stdout}${first.stderr}`);
    expect(first.code, first.stderr).toBe(0);

    const rows = readJsonl(output);
    expect(rows).toHaveLength(30);
    const types = new Set(rows.map((r) => r.task_type));
    expect(types.size).toBeGreaterThanOrEqual(5);
    const views = new Set<string>();
    let noisy = 0;
    let withoutGold = 0;
    for (const row of rows) {
      const passages = row.passages as string[];
      const meta = row.passage_meta as Meta[];
      expect(passages).toHaveLength(5);
      expect(meta).toHaveLength(5);
      expect(new Set(passages).size).toBe(5);
      const gold = meta.filter((m) => m.role === "gold").map((m) => m.id);
      if (row.answerable === false) {
        withoutGold++;
        expect(gold).toEqual([]);
      } else {
        // Every gold note of the task is in its context.
        expect(gold.sort()).toEqual([...(row.gold_ids as string[])].sort());
      }
      for (const m of meta) if (m.role === "retrieved") views.add(m.retriever as string);
      if (meta.some((m) => m.role === "noise")) noisy++;
    }
    // The mix draws bm25, dense and hybrid per query; noise and dropped gold follow their rates.
    expect([...views].sort()).toEqual(["bm25", "dense", "hybrid"]);
    expect(noisy).toBeGreaterThan(5);
    expect(noisy).toBeLessThan(25);
    expect(withoutGold).toBeLessThan(10);
    // The notes were embedded once, in batches, and every query embedded through the same serving.
    expect(requests("/embeddings")).toBeGreaterThan(0);
    expect(first.stdout).toMatch(/reconciled: yes/);

    const chat = requests("/chat/completions");
    const embeddings = requests("/embeddings");
    const firstOutput = readFileSync(output, "utf8");
    const second = await run("--output", output);
    expect(second.code, second.stderr).toBe(0);
    // Tasks replay from the step cache; contexts are recomputed, with every embedding from the response cache.
    expect(requests("/chat/completions")).toBe(chat);
    expect(requests("/embeddings")).toBe(embeddings);
    expect(readFileSync(output, "utf8")).toBe(firstOutput);
  }, 120_000);

  it.each([
    ["export/trl", "trl"],
    ["export/openai-chat", "openai-chat"],
    ["export/sharegpt", "sharegpt"],
  ] as const)(
    "exports the contexts with %s, refusals where the gold was dropped",
    async (op, format) => {
      const { rows, records } = await exportAndValidate(output, join(tmp, `rag-tuning.${format}.jsonl`), {
        cacheDir,
        op,
        format,
        from: "noisy-context",
      });
      // A row without its gold trains the refusal, never the answer it can no longer support.
      rows.forEach((row, i) => {
        const text = JSON.stringify(records[i]);
        if (row.answerable === false) expect(text).not.toContain(JSON.stringify(row.answer).slice(1, -1));
        else expect(text).toContain(JSON.stringify(row.answer).slice(1, -1));
      });
    },
    60_000,
  );
});
