import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type JSONSchema, LLMError, RowError } from "@dataflow/core";
import { afterAll, describe, expect, it, vi } from "vitest";
import type { TransportRequest, TransportResult } from "../serving/serving-base.js";
import { LocalModelUnavailableError } from "./local-errors.js";
import { LocalServing, type LocalServingOptions } from "./local-serving.js";

const repoRoot = resolve(import.meta.dirname, "../../../..");
const tinyModel = join(resolve(repoRoot, "..", "shared"), "models", "stories260K.gguf");
const haveModel = existsSync(tinyModel);
if (!haveModel)
  console.warn(`skipping the local model tests: ${tinyModel} is absent (../shared holds the test models)`);

const tmp = mkdtempSync(join(tmpdir(), "dataflow-local-"));
const servings: LocalServing[] = [];
afterAll(async () => {
  for (const s of servings) await s.close();
  rmSync(tmp, { recursive: true, force: true });
});

const logger = () => ({ debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() });

/** Counts the transports running at once. */
class CountingServing extends LocalServing {
  inFlight = 0;
  maxInFlight = 0;
  protected override async transport(
    request: TransportRequest,
    signal: AbortSignal,
  ): Promise<TransportResult> {
    this.maxInFlight = Math.max(this.maxInFlight, ++this.inFlight);
    try {
      return await super.transport(request, signal);
    } finally {
      this.inFlight--;
    }
  }
}

function local(over: Partial<LocalServingOptions> = {}): CountingServing {
  const serving = new CountingServing({
    name: "tiny",
    model: tinyModel,
    modelsDir: join(tmp, "models"),
    maxConcurrency: 1,
    timeoutMs: 30_000,
    maxRetries: 0,
    // One thread: more than the cores oversubscribes a small CI machine badly.
    threads: 1,
    gpu: false,
    settings: { temperature: 0, maxTokens: 48 },
    logger: logger(),
    ...over,
  });
  servings.push(serving);
  return serving;
}

const problemSchema: JSONSchema = {
  type: "object",
  properties: {
    scenario: { type: "string", minLength: 1 },
    question: { type: "string", minLength: 1 },
    tags: { type: "array", items: { enum: ["cat", "dog", "bird"] } },
  },
  required: ["scenario", "question", "tags"],
};

describe.skipIf(!haveModel)("LocalServing on stories260K.gguf", () => {
  it("generates text, counting tokens with the model's tokenizer; loads once, lazily", async () => {
    const log = logger();
    const serving = local({ logger: log });
    expect(log.info).not.toHaveBeenCalled();
    const result = await serving.generate({
      messages: [{ role: "user", content: "Tell me a story about a cat." }],
    });
    expect(result.text.trim().length).toBeGreaterThan(0);
    expect(result.usage.promptTokens).toBeGreaterThan(5);
    expect(result.usage.completionTokens).toBeGreaterThan(0);
    expect(result.usage.completionTokens).toBeLessThanOrEqual(48);
    expect(result.model).toBe(tinyModel);
    expect(log.info).toHaveBeenCalledWith(
      expect.stringMatching(
        /local model .*stories260K\.gguf ready .*\(CPU, 1 thread, 1 × 2048 tokens of context, chat format Llama2Chat\)/,
      ),
    );
    await serving.generate({ messages: [{ role: "user", content: "Another one." }] });
    expect(log.info.mock.calls.filter(([m]) => String(m).includes("ready"))).toHaveLength(1);
    expect(serving.usage().total).toMatchObject({ requests: 2 });
  });

  it("constrains the answer to a JSON schema with a grammar: valid JSON every time, even from this model", async () => {
    const serving = local({ maxConcurrency: 2 });
    const results = await Promise.all(
      [1, 2, 3, 4].map((seed) =>
        serving.generate(
          {
            messages: [{ role: "user", content: `Write a problem about pets, number ${seed}.` }],
            settings: { temperature: 0.8, seed, maxTokens: 300 },
          },
          { schema: problemSchema },
        ),
      ),
    );
    for (const r of results) {
      const o = r.object as { scenario: string; question: string; tags: string[] };
      expect(o.scenario.length).toBeGreaterThan(0);
      expect(o.question.length).toBeGreaterThan(0);
      expect(Array.isArray(o.tags) && o.tags.every((t) => ["cat", "dog", "bird"].includes(t))).toBe(true);
      expect(JSON.parse(r.text)).toEqual(o);
    }
  });

  it("runs requests on several sequences at once, never more than it has", async () => {
    const serving = local({ maxConcurrency: 3 });
    expect(serving.maxConcurrency).toBe(3);
    const results = await Promise.all(
      Array.from({ length: 7 }, (_, i) =>
        serving.generate({
          messages: [{ role: "user", content: `Story ${i}: once upon a time` }],
          settings: { maxTokens: 64 },
        }),
      ),
    );
    expect(results.every((r) => r.text.length > 0)).toBe(true);
    expect(serving.maxInFlight).toBe(3);
    expect(local({ maxConcurrency: 64 }).maxConcurrency).toBe(4);
  });

  it("a prompt longer than the context is a bad-request for that request only", async () => {
    const serving = local({ contextSize: 256 });
    const long = "The cat sat on the mat and looked at the big red ball. ".repeat(40);
    const err = await serving
      .generate({ messages: [{ role: "user", content: long }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LLMError);
    expect(err).toMatchObject({ kind: "bad-request" });
    expect((err as Error).message).toMatch(
      /^prompt is \d{3,} tokens, longer than the model's context of 256 tokens/,
    );
    const ok = await serving.generate({ messages: [{ role: "user", content: "A short one." }] });
    expect(ok.text.length).toBeGreaterThan(0);
  });

  it("an aborted request stops at once as cancelled, and its sequence serves the next one", async () => {
    const serving = local();
    await serving.generate({ messages: [{ role: "user", content: "warm up" }] });
    const controller = new AbortController();
    const started = performance.now();
    const pending = serving.generate(
      { messages: [{ role: "user", content: "Tell a very long story." }], settings: { maxTokens: 1_800 } },
      { signal: controller.signal },
    );
    setTimeout(() => controller.abort(), 30);
    const err = await pending.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RowError);
    expect(err).toMatchObject({ kind: "cancelled" });
    expect(performance.now() - started).toBeLessThan(1_000);
    // The generation itself stopped: the next request does not wait out 1,800 tokens.
    const nextStarted = performance.now();
    const next = await serving.generate({ messages: [{ role: "user", content: "And now a short one." }] });
    expect(next.text.length).toBeGreaterThan(0);
    expect(performance.now() - nextStarted).toBeLessThan(1_500);
  });
});

describe.skipIf(!haveModel)("LocalServing embeddings on stories260K.gguf", () => {
  it("embeds lazily with the chat model: one vector per text, deterministic, sharing the chat model's file", async () => {
    const log = logger();
    const serving = local({ logger: log, embeddingBatchSize: 2 });
    expect(serving.embeddingModel).toBe(tinyModel);
    expect(log.info).not.toHaveBeenCalled();
    const texts = [
      "The cat sat on the mat.",
      "A dog ran in the park.",
      "The cat sat on the mat.",
      "Birds sing.",
    ];
    const result = await serving.embed(texts, { tag: "docs" });
    expect(result.vectors).toHaveLength(4);
    for (const v of result.vectors) {
      expect(v).toBeInstanceOf(Float32Array);
      expect(v).toHaveLength(64);
      expect(v.every(Number.isFinite)).toBe(true);
    }
    expect(result.vectors[2]).toEqual(result.vectors[0]);
    expect(result.vectors[1]).not.toEqual(result.vectors[0]);
    expect(result).toMatchObject({ model: tinyModel, cached: 0 });
    expect(result.promptTokens).toBeGreaterThan(4);
    // Three distinct texts, two to a batch.
    expect(serving.usage().byTag.docs).toMatchObject({ requests: 2, promptTokens: result.promptTokens });
    expect(log.info).toHaveBeenCalledWith(
      expect.stringMatching(
        /local embedding model .*stories260K\.gguf ready .*\(CPU, 1 thread, 64 dimensions\)/,
      ),
    );
    // Chat on the same serving shares the loaded model file.
    await serving.generate({ messages: [{ role: "user", content: "Once upon a time" }] });
    const again = await serving.embed(["Birds sing."]);
    expect(again.vectors[0]).toEqual(result.vectors[3]);
  });

  it("answers repeated texts from the cache; a text past the context is a bad-request", async () => {
    const cacheDir = join(tmp, "embed-cache");
    const serving = local({ cacheDir, contextSize: 64 });
    const first = await serving.embed(["Once upon a time."]);
    const next = local({ cacheDir, contextSize: 64 });
    const cached = await next.embed(["Once upon a time."]);
    expect(cached).toMatchObject({ cached: 1, promptTokens: 0 });
    expect(cached.vectors).toEqual(first.vectors);
    expect(next.usage().total.requests).toBe(0);

    const long = "The cat sat on the mat and looked at the big red ball. ".repeat(20);
    const err = await serving.embed(["short", long]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LLMError);
    expect(err).toMatchObject({ kind: "bad-request" });
    expect((err as Error).message).toMatch(
      /a text of \d+ tokens .* is longer than the embedding model's context/,
    );
  });

  it("loads a separate embeddingModel on its own, and fails one that is missing with what to set", async () => {
    const serving = local({ embeddingModel: join(tmp, "absent-embedder.gguf") });
    expect(serving.embeddingModel).toBe(join(tmp, "absent-embedder.gguf"));
    expect(serving.fingerprint()).toMatchObject({ embeddingModel: join(tmp, "absent-embedder.gguf") });
    const err = await serving.embed(["x"]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LocalModelUnavailableError);
    expect((err as Error).message).toMatch(/no model file at .*absent-embedder\.gguf/);
    // Chat still works: the chat model is another file.
    const ok = await serving.generate({ messages: [{ role: "user", content: "hi" }] });
    expect(ok.text.length).toBeGreaterThan(0);
  });

  it("stops as cancelled when the caller aborts before the model is ready", async () => {
    const serving = local();
    const controller = new AbortController();
    controller.abort();
    const err = await serving.embed(["x"], { signal: controller.signal }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RowError);
    expect(err).toMatchObject({ kind: "cancelled" });
  });
});

describe("LocalServing when the model cannot be had", () => {
  it("every request fails at once with an error saying what to set; logged once; nothing reaches beyond 127.0.0.1", async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((r) => closed.close(() => r()));
    const log = logger();
    const serving = local({
      model: "hf:owner/repo/model.gguf",
      env: { HF_ENDPOINT: `http://127.0.0.1:${port}/` },
      logger: log,
    });
    const ask = () =>
      serving.generate({ messages: [{ role: "user", content: "hi" }] }).catch((e: unknown) => e);
    const first = await ask();
    expect(first).toBeInstanceOf(LocalModelUnavailableError);
    expect((first as Error).message).toMatch(
      /serving "tiny": cannot download the local model hf:owner\/repo\/model\.gguf: cannot reach .*--set servings\.tiny\.model=PATH.*OPENAI_BASE_URL.*OPENAI_API_KEY/s,
    );
    expect(await ask()).toBe(first);
    expect(log.error).toHaveBeenCalledTimes(1);
    expect(serving.usage().total.requests).toBe(0);
  });

  it("a missing file says so", async () => {
    const serving = local({ model: join(tmp, "absent.gguf") });
    await expect(serving.generate({ messages: [{ role: "user", content: "hi" }] })).rejects.toThrow(
      /no model file at .*absent\.gguf/,
    );
  });
});
