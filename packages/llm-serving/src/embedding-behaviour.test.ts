import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { inspect } from "node:util";
import { errorKind, LLMError } from "@dataflow/core";
import { type ChatServer, type ChatServerOptions, hashEmbedding } from "@dataflow/llm-serving/testing";
import { describe, expect, it, vi } from "vitest";
import { type CreateServingOptions, createServing } from "./create-serving.js";
import type { ServingConfig } from "./serving-config.js";
import { failure, servingHarness } from "./testdata/serving-harness.js";

/** Embeddings through both endpoint servings, against the loopback server: they must behave alike. */

const { setup: startServing, tempDir } = servingHarness("dataflow-embed-");

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

const inputsOf = (s: ChatServer) =>
  s.requests.filter((r) => r.path === "/v1/embeddings").map((r) => (r.body as { input: string[] }).input);

const texts = (n: number) => Array.from({ length: n }, (_, i) => `passage ${i} about topic${i % 7}`);

describe.each(["openai", "ai-sdk"] as const)("embeddings through the %s serving", (type) => {
  const setup = (
    serverOptions: ChatServerOptions = {},
    config: Partial<ServingConfig> = {},
    options: CreateServingOptions = {},
  ) =>
    startServing(
      type,
      serverOptions,
      { model: "chat-model", embeddingModel: "embed-model", ...config },
      options,
    );

  it("sends 150 texts as 3 requests of at most 64, and answers in input order", async () => {
    const { s, serving } = await setup({ embeddingDims: 32, embeddingLatencyMs: 50 });
    const input = texts(150);
    const result = await serving.embed(input, { tag: "retriever:docs" });
    const sent = inputsOf(s);
    expect(sent.map((batch) => batch.length).sort((a, b) => a - b)).toEqual([22, 64, 64]);
    expect(sent.flat().sort()).toEqual([...input].sort());
    expect(result.vectors).toHaveLength(150);
    for (const [i, v] of result.vectors.entries()) {
      expect(v).toBeInstanceOf(Float32Array);
      expect(Array.from(v)).toEqual(Array.from(Float32Array.from(hashEmbedding(input[i] ?? "", 32))));
    }
    expect(result).toMatchObject({ model: "embed-model", cached: 0 });
    expect(result.promptTokens).toBeGreaterThan(0);
    // The batches went out together, through the serving's slots.
    expect(s.maxInFlight).toBeGreaterThan(1);
    expect(s.requests[0]?.body).toMatchObject({ model: "embed-model", encoding_format: "float" });
    expect(s.requests[0]?.body).not.toHaveProperty("dimensions");
    expect(serving.usage().byTag["retriever:docs"]).toEqual({
      requests: 3,
      cached: 0,
      promptTokens: result.promptTokens,
      completionTokens: 0,
    });
  });

  it("keeps to the concurrency limit shared with chat", async () => {
    const { s, serving } = await setup(
      { embeddingLatencyMs: 100, latencyMs: 100 },
      { maxConcurrency: 2, embeddingBatchSize: 2 },
    );
    const [embedded] = await Promise.all([
      serving.embed(texts(10), {}),
      serving.generate({ messages: [{ role: "user", content: "hi" }] }),
    ]);
    expect(embedded.vectors).toHaveLength(10);
    expect(s.maxInFlight).toBe(2);
    expect(s.requests).toHaveLength(1 + 10 / 2);
  }, 10_000);

  it("answers cached texts from the on-disk cache, sending only the others", async () => {
    const cacheDir = await tempDir();
    const { s, serving } = await setup({}, { embeddingBatchSize: 4 }, { cacheDir });
    const first = await serving.embed(["alpha", "beta", "gamma"], { tag: "a" });
    expect(s.requests).toHaveLength(1);
    // One segment file for the model, holding the three vectors compactly, as float32.
    const files = await filesUnder(cacheDir);
    expect(files).toEqual([expect.stringMatching(/embeddings\/[0-9a-f]{16}\.bin$/)]);
    expect((await stat(files[0] ?? "")).size).toBeLessThan(3 * (64 * 4 + 100));

    // The next run (another serving on the same folder) sends nothing for them.
    const next = createServing(
      "other",
      { type, model: "chat-model", embeddingModel: "embed-model", baseURL: s.url } as ServingConfig,
      { env: {}, cacheDir },
    );
    const again = await next.embed(["gamma", "alpha", "beta"], { tag: "b" });
    expect(s.requests).toHaveLength(1);
    expect(again).toMatchObject({ cached: 3, promptTokens: 0 });
    expect(again.vectors).toEqual([first.vectors[2], first.vectors[0], first.vectors[1]]);
    expect(next.usage().byTag.b).toEqual({ requests: 0, cached: 3, promptTokens: 0, completionTokens: 0 });

    const mixed = await next.embed(["alpha", "delta"]);
    expect(mixed.cached).toBe(1);
    expect(inputsOf(s)[1]).toEqual(["delta"]);
    // Another model or vector length is another entry.
    const other = createServing(
      "third",
      { type, model: "chat-model", embeddingModel: "embed-2", baseURL: s.url } as ServingConfig,
      { env: {}, cacheDir },
    );
    expect((await other.embed(["alpha"])).cached).toBe(0);
  });

  it("asks for embeddingDimensions, and fails vectors of another length as bad-output", async () => {
    const { s, serving } = await setup({}, { embeddingDimensions: 16 });
    const result = await serving.embed(["one two"]);
    expect(result.vectors[0]).toHaveLength(16);
    expect(s.requests[0]?.body).toMatchObject({ dimensions: 16 });
    expect(serving.fingerprint()).toMatchObject({ embeddingModel: "embed-model", embeddingDimensions: 16 });
    await s.close();

    // A server that ignores `dimensions`.
    const ignoring = await setup({ embed: (text) => hashEmbedding(text, 8) }, { embeddingDimensions: 16 });
    const err = await failure(ignoring.serving.embed(["one two"]));
    expect(err).toMatchObject({ kind: "bad-output" });
    expect((err as Error).message).toMatch(/asked for vectors of 16 dimensions .* but got 8/);
  });

  it("honours Retry-After on a 429", async () => {
    const { s, serving } = await setup({
      embeddingFaults: [{ fault: { status: 429, retryAfter: 1 }, times: 1 }],
    });
    const result = await serving.embed(["a b c"]);
    expect(result.vectors).toHaveLength(1);
    const [limited, retried] = s.requests;
    expect([limited?.status, retried?.status]).toEqual([429, 200]);
    expect((retried?.receivedAt ?? 0) - (limited?.repliedAt ?? 0)).toBeGreaterThanOrEqual(990);
    expect(serving.usage().total.requests).toBe(2);
  });

  it.each(["truncated", "malformed"] as const)("retries a %s body", async (fault) => {
    const { s, serving } = await setup({ embeddingFaults: [{ fault, times: 1 }] });
    expect((await serving.embed(["x"])).vectors).toHaveLength(1);
    expect(s.requests.map((r) => r.outcome)).toEqual([fault, "reply"]);
  });

  it("fails a wrong count of vectors as bad-output, without retrying", async () => {
    const { s, serving } = await setup({ embedBatch: (req) => req.input.slice(1).map(() => [1, 0]) });
    const err = await failure(serving.embed(["a", "b", "c"]));
    expect(err).toBeInstanceOf(LLMError);
    expect(err).toMatchObject({
      kind: "bad-output",
      message: "the embeddings answer has 2 vectors for 3 texts",
    });
    expect(s.requests).toHaveLength(1);
  });

  it("fails a non-finite vector as bad-output", async () => {
    const { s, serving } = await setup({ embed: (text) => (text === "bad" ? [1, Number.NaN] : [1, 0]) });
    const err = await failure(serving.embed(["good", "bad"]));
    expect(err).toMatchObject({ kind: "bad-output" });
    expect(s.requests).toHaveLength(1);
  });

  it("fails a 4xx at once as bad-request", async () => {
    const { s, serving } = await setup({
      embeddingFaults: [{ fault: { status: 400, message: "input too long" } }],
    });
    const err = await failure(serving.embed(["x"]));
    expect(err).toMatchObject({ kind: "bad-request", status: 400 });
    expect((err as Error).message).toContain("input too long");
    expect(s.requests).toHaveLength(1);
  });

  it("stops at once when the caller aborts, and times out a hung server", async () => {
    const { s, serving } = await setup({ embeddingFaults: [{ fault: "hang" }] }, { timeoutMs: 10_000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const err = await failure(serving.embed(texts(3), { signal: controller.signal }));
    expect(errorKind(err)).toBe("cancelled");
    await vi.waitFor(() => expect(s.requests[0]?.aborted).toBe(true));
    await s.close();

    const hung = await setup({ embeddingFaults: [{ fault: "hang" }] }, { timeoutMs: 300, maxRetries: 0 });
    expect(await failure(hung.serving.embed(["x"]))).toMatchObject({ kind: "timeout" });
  });

  it("never lets the API key into errors, logs or cache files", async () => {
    const secret = "sk-dataflow-SECRET-0c41d7e2aa19";
    const cacheDir = await tempDir();
    const lines: string[] = [];
    const logger = {
      debug: (m: string) => lines.push(m),
      info: (m: string) => lines.push(m),
      warn: (m: string) => lines.push(m),
      error: (m: string) => lines.push(m),
    };
    const { s, serving } = await setup(
      {
        embeddingFaults: [
          { match: "echo", fault: { status: 400, message: `Incorrect request with key: ${secret}` } },
          { match: "flaky", fault: { status: 500, message: `upstream said Bearer ${secret}` }, times: 1 },
        ],
      },
      { apiKeyEnv: "MY_SERVICE_KEY" },
      { env: { MY_SERVICE_KEY: secret }, cacheDir, logger },
    );
    await serving.embed(["hello", "flaky"]);
    const err = await failure(serving.embed(["echo"]));
    expect(err).toMatchObject({ kind: "bad-request", status: 400 });
    for (const text of [
      (err as Error).message,
      (err as Error).stack ?? "",
      inspect(err, { depth: 20 }),
      JSON.stringify(err),
      ...lines,
    ]) {
      expect(text).not.toContain(secret);
    }
    const files = await filesUnder(cacheDir);
    expect(files).toHaveLength(1);
    for (const f of files) expect(await readFile(f, "latin1")).not.toContain(secret);
    expect(JSON.stringify(s.requests)).not.toContain(secret);
  });
});
