import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LLMError, type LLMServingABC, type Logger } from "@dataflow/core";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { createServing } from "../create-serving.js";
import type { ServingConfig } from "../serving-config.js";
import { type ChatServer, type ChatServerOptions, startChatServer } from "../testing/chat-server.js";
import { chatRequests } from "../testing/loopback-serving.js";
import type { BatchConfig } from "./batch-options.js";

const tmp = mkdtempSync(join(tmpdir(), "dataflow-batch-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let server: ChatServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

let dirs = 0;
const freshDir = (): string => join(tmp, `run-${dirs++}`);

/** Quick polling and a short idle flush: the loopback server's batches end within milliseconds. */
const FAST: Exclude<BatchConfig, boolean> = { idleMs: 20, pollMs: 5, maxPollMs: 20 };

function batchServing(
  s: ChatServer,
  o: {
    runDir?: string;
    cacheDir?: string;
    batch?: BatchConfig;
    prices?: ServingConfig["prices"];
    maxRetries?: number;
    baseURL?: string;
    logger?: Logger;
  } = {},
): LLMServingABC {
  const config: ServingConfig = {
    type: "openai",
    model: "test-model",
    baseURL: o.baseURL ?? s.url,
    apiKeyEnv: "OPENAI_API_KEY",
    maxConcurrency: 4,
    timeoutMs: 5_000,
    maxRetries: o.maxRetries ?? 1,
    batch: o.batch ?? FAST,
    ...(o.prices ? { prices: o.prices } : {}),
  };
  return createServing("teacher", config, {
    env: { OPENAI_API_KEY: "sk-batch-secret-123" },
    retry: { baseDelayMs: 1, maxDelayMs: 5 },
    ...(o.runDir ? { runDir: o.runDir } : {}),
    ...(o.cacheDir ? { cacheDir: o.cacheDir } : {}),
    ...(o.logger ? { logger: o.logger } : {}),
  });
}

async function start(options: ChatServerOptions = {}): Promise<ChatServer> {
  server = await startChatServer(options);
  return server;
}

const ask = (serving: LLMServingABC, content: string, signal?: AbortSignal) =>
  serving.generate({ messages: [{ role: "user", content }] }, { tag: "step", ...(signal ? { signal } : {}) });

const journalOf = (runDir: string) =>
  readFileSync(join(runDir, "batches", "teacher.jsonl"), "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { type: string; customIds?: string[]; batch?: string; status?: string });

describe("batch mode", () => {
  it("collects requests into one file and batch, answers each from it, and journals it", async () => {
    const s = await start({ defaultReply: (req) => `answer to ${req.messages.at(-1)?.content}` });
    const runDir = freshDir();
    const serving = batchServing(s, { runDir, prices: { input: 0.15, output: 0.6 } });
    expect(serving.maxConcurrency).toBe(10_000);
    expect(serving.progressNote()).toBeUndefined();
    const prompts = Array.from({ length: 25 }, (_, i) => `question ${i}`);
    const results = await Promise.all(prompts.map((p) => ask(serving, p)));
    expect(results.map((r) => r.text)).toEqual(prompts.map((p) => `answer to ${p}`));
    expect(s.batches.filesUploaded).toBe(1);
    expect(s.batches.batchesCreated).toBe(1);
    expect([...s.batches.requestsByCustomId.values()]).toEqual(Array(25).fill(1));
    expect(chatRequests(s)).toHaveLength(0);
    const usage = serving.usage();
    expect(usage.total.requests).toBe(25);
    expect(usage.total.promptTokens).toBeGreaterThan(0);
    // Batch prices: half of the configured ones.
    const { promptTokens, completionTokens } = usage.total;
    expect(usage.total.cost).toBeCloseTo((promptTokens * 0.075 + completionTokens * 0.3) / 1e6, 12);
    const journal = journalOf(runDir);
    expect(journal.map((r) => r.type)).toEqual(["upload", "batch", "end"]);
    expect(journal[0]?.customIds).toHaveLength(25);
    expect(journal[2]?.status).toBe("completed");
    expect(readFileSync(join(runDir, "batches", "teacher.jsonl"), "utf8")).not.toContain("sk-batch-secret");
  });

  it("sends identical requests as one line and gives each caller the answer", async () => {
    const s = await start();
    const serving = batchServing(s);
    const results = await Promise.all([ask(serving, "same"), ask(serving, "same"), ask(serving, "other")]);
    expect(results.map((r) => r.text)).toEqual(["same", "same", "other"]);
    expect([...s.batches.requestsByCustomId.values()]).toEqual([1, 1]);
    expect(serving.usage().total.requests).toBe(2);
  });

  it("splits files at maxRequests and keeps several batches in flight", async () => {
    const s = await start({ batchStageMs: 30 });
    const serving = batchServing(s, { batch: { ...FAST, maxRequests: 4 } });
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => ask(serving, `q${i}`)));
    expect(results.map((r) => r.text)).toEqual(Array.from({ length: 10 }, (_, i) => `q${i}`));
    expect(s.batches.batchesCreated).toBe(3);
    // The progress display's note beside the step's bar.
    expect(serving.progressNote()).toBe("batches: 3 completed");
  });

  it("submits again, once, only the requests an expired batch never ran", async () => {
    const s = await start({ batchFate: (b) => (b.index === 0 ? { expire: { answered: 2 } } : "complete") });
    const serving = batchServing(s);
    const results = await Promise.all(Array.from({ length: 5 }, (_, i) => ask(serving, `e${i}`)));
    expect(results.map((r) => r.text)).toEqual(["e0", "e1", "e2", "e3", "e4"]);
    expect(s.batches.batchesCreated).toBe(2);
    expect([...s.batches.requestsByCustomId.values()].sort()).toEqual([1, 1, 2, 2, 2]);
  });

  it("rejects with the reason once a request's batches failed more often than maxResubmits", async () => {
    const s = await start({ batchFate: () => "fail" });
    const serving = batchServing(s, { batch: { ...FAST, maxResubmits: 1 } });
    const err = await ask(serving, "doomed").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LLMError);
    expect((err as LLMError).message).toMatch(
      /batch never ran this request \(batch_failed: .*failed validation.*submitted 2 times/,
    );
    expect(s.batches.batchesCreated).toBe(2);
  });

  it("a per-request 400 is a bad-request reject; a 500 is sent again in the next batch", async () => {
    const s = await start({
      rules: [
        { match: "refused", fault: { status: 400, message: "no such thing" } },
        { match: "flaky", fault: { status: 500 }, times: 1 },
      ],
    });
    const serving = batchServing(s, { maxRetries: 2 });
    const [refused, flaky] = await Promise.allSettled([ask(serving, "refused"), ask(serving, "flaky")]);
    expect(refused).toMatchObject({ status: "rejected", reason: { kind: "bad-request" } });
    expect((refused as PromiseRejectedResult).reason.message).toContain("no such thing");
    expect(flaky).toMatchObject({ status: "fulfilled", value: { text: "flaky" } });
    expect(s.batches.batchesCreated).toBe(2);
  });

  it("a new serving on the same run directory waits for the pending batch instead of submitting again", async () => {
    const s = await start({ batchStageMs: 150 });
    const runDir = freshDir();
    const first = batchServing(s, { runDir });
    const stop = new AbortController();
    const pending = Promise.allSettled(["a", "b", "c"].map((p) => ask(first, p, stop.signal)));
    await until(() => s.batches.batchesCreated === 1);
    stop.abort(); // as a killed run would: nothing waits in this process any more
    expect((await pending).every((r) => r.status === "rejected")).toBe(true);

    const second = batchServing(s, { runDir });
    const results = await Promise.all(["a", "b", "c", "d"].map((p) => ask(second, p)));
    expect(results.map((r) => r.text)).toEqual(["a", "b", "c", "d"]);
    // One batch for a–c (picked up), one for d alone.
    expect(s.batches.batchesCreated).toBe(2);
    expect([...s.batches.requestsByCustomId.values()]).toEqual([1, 1, 1, 1]);
  });

  it("a cancelled call is not submitted, and a batch no one waits for any more is not polled", async () => {
    const s = await start({ batchStageMs: 10_000 });
    const serving = batchServing(s, { batch: { ...FAST, idleMs: 50 } });
    const early = new AbortController();
    const dropped = ask(serving, "never sent", early.signal).catch((e: unknown) => e);
    early.abort();
    expect(await dropped).toMatchObject({ kind: "cancelled" });
    const late = new AbortController();
    const pending = ask(serving, "sent", late.signal).catch((e: unknown) => e);
    await until(() => s.batches.batchesCreated === 1);
    await until(() => polls(s) >= 2);
    late.abort();
    expect(await pending).toMatchObject({ kind: "cancelled" });
    const after = polls(s);
    await new Promise((r) => setTimeout(r, 150));
    expect(polls(s)).toBeLessThanOrEqual(after + 1);
    expect([...s.batches.requestsByCustomId.values()]).toEqual([1]);
  });

  it.each([
    [
      "pending",
      { batchStageMs: 10_000 },
      /batch batch-test-0 is gone \(HTTP 404: GET \/batches\/batch-test-0/,
    ],
    ["finished", {}, /batch batch-test-0 is gone \(HTTP 404: GET \/files\/file-test-batch-test-0-output/],
  ] as const)(
    "a %s batch the provider no longer has (404) is forgotten and its requests sent again",
    async (_, options, said) => {
      const runDir = freshDir();
      const old = await startChatServer(options);
      const stop = new AbortController();
      const asked = ask(batchServing(old, { runDir }), "q", stop.signal).catch(() => undefined);
      const journal = join(runDir, "batches", "teacher.jsonl");
      await until(() => existsSync(journal) && journalOf(runDir).some((r) => r.type === "batch"));
      // Pending: a killed run leaves it; finished: answered (and journaled as ended) first.
      if (!("batchStageMs" in options)) await asked;
      stop.abort();
      await asked;
      await old.close();

      // Another provider (or the same after deleting them) knows neither the batch nor its files.
      const s = await start();
      const warn = vi.fn();
      const serving = batchServing(s, { runDir, logger: { debug() {}, info() {}, warn, error() {} } });
      expect((await ask(serving, "q")).text).toBe("q");
      expect(warn).toHaveBeenCalledWith(expect.stringMatching(said));
      expect(s.batches.batchesCreated).toBe(1);
    },
  );

  it("finds a batch created from a journaled upload whose batch id the killed run never wrote", async () => {
    const s = await start();
    const runDir = freshDir();
    const first = batchServing(s, { runDir });
    await ask(first, "x");
    // Cut the journal back to the upload record, as if the run died right after creating the batch.
    const path = join(runDir, "batches", "teacher.jsonl");
    const [upload] = readFileSync(path, "utf8").split("\n");
    await import("node:fs/promises").then((fs) => fs.writeFile(path, `${upload}\n`));

    const second = batchServing(s, { runDir });
    expect((await ask(second, "x")).text).toBe("x");
    expect(s.batches.batchesCreated).toBe(1);
    expect(journalOf(runDir).map((r) => r.type)).toEqual(["upload", "batch", "end"]);
  });

  it("shares the response cache with sync mode: a prompt answered in a batch is never paid again", async () => {
    const s = await start();
    const cacheDir = join(freshDir(), "responses");
    const batch = batchServing(s, { cacheDir });
    expect((await ask(batch, "cached?")).fromCache).toBe(false);
    const sync = createServing(
      "teacher",
      {
        type: "openai",
        model: "test-model",
        baseURL: s.url,
        apiKeyEnv: "K",
        maxConcurrency: 2,
        timeoutMs: 5_000,
        maxRetries: 0,
      },
      { env: {}, cacheDir },
    );
    const again = await ask(sync, "cached?");
    expect(again).toMatchObject({ text: "cached?", fromCache: true });
    expect(chatRequests(s)).toHaveLength(0);
    expect(s.batches.batchesCreated).toBe(1);
  });

  it("a local serving ignores batch and says so; an endpoint serving reports maxInFlight as its concurrency", () => {
    const warn = vi.fn();
    const logger = { debug() {}, info() {}, warn, error() {} };
    const base = { model: "/m/x.gguf", apiKeyEnv: "K", maxConcurrency: 4, timeoutMs: 1_000, maxRetries: 0 };
    const local = createServing("t", { ...base, type: "local", batch: true }, { env: {}, logger });
    expect(local.maxConcurrency).toBe(4);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('serving "t": batch is for Batch APIs'));
    const remote = {
      ...base,
      type: "openai" as const,
      baseURL: "http://127.0.0.1:9/v1",
      batch: { maxInFlight: 123 },
    };
    expect(createServing("t", remote, { env: {} }).maxConcurrency).toBe(123);
  });

  it("an endpoint without a Batch API stops the run at the first upload, saying so", async () => {
    const s = await start();
    const serving = batchServing(s, { baseURL: `http://127.0.0.1:${s.port}/no-batches/v1` });
    const err = await ask(serving, "q").catch((e: unknown) => e);
    expect(err).toMatchObject({ name: "ServingHalt", kind: "not-supported", fatal: true, exitCode: 2 });
    expect((err as Error).message).toMatch(
      /has no Batch API \(HTTP 404: POST \/files: the test server has no POST/,
    );
    expect((err as Error).message).not.toContain("sk-batch-secret");
  });

  it("works the same for type ai-sdk (the Batch API is plain HTTP, not the chat SDK)", async () => {
    const s = await start();
    const config: ServingConfig = {
      type: "ai-sdk",
      model: "test-model",
      baseURL: s.url,
      apiKeyEnv: "K",
      maxConcurrency: 4,
      timeoutMs: 5_000,
      maxRetries: 0,
      batch: FAST,
    };
    const serving = createServing("teacher", config, { env: {} });
    const results = await Promise.all([ask(serving, "one"), ask(serving, "two")]);
    expect(results.map((r) => r.text)).toEqual(["one", "two"]);
    expect(s.batches.batchesCreated).toBe(1);
    expect(chatRequests(s)).toHaveLength(0);
  });

  it("structured output: the schema goes as response_format and the answer is parsed", async () => {
    const s = await start({ defaultReply: '{"n": 3}' });
    const serving = batchServing(s);
    const schema = { type: "object", properties: { n: { type: "number" } }, required: ["n"] };
    const result = await serving.generate({ messages: [{ role: "user", content: "n?" }] }, { schema });
    expect(result.object).toEqual({ n: 3 });
  });
});

/** Retrieves of a batch the server received. */
const polls = (s: ChatServer) =>
  s.requests.filter((r) => r.method === "GET" && r.path.startsWith("/v1/batches/")).length;

/** Waits (bounded) until `cond` holds. */
async function until(cond: () => boolean, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 5));
  }
}
