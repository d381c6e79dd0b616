import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LLMError } from "@dataflow/core";
import { describe, expect, it } from "vitest";
import {
  type EmbedTransportResult,
  ServingBase,
  type ServingBaseOptions,
  type TransportRequest,
  type TransportResult,
} from "./serving-base.js";

/** A serving whose transport is a function, to test the middleware without HTTP. */
class FakeServing extends ServingBase {
  calls: TransportRequest[] = [];

  constructor(
    private readonly reply: (request: TransportRequest, call: number) => Promise<TransportResult>,
    options: Partial<ServingBaseOptions> = {},
  ) {
    super({ name: "fake", model: "m", maxConcurrency: 2, timeoutMs: 200, maxRetries: 2, ...options });
  }

  protected transport(request: TransportRequest): Promise<TransportResult> {
    this.calls.push(request);
    return this.reply(request, this.calls.length);
  }

  protected toLLMError(err: unknown): LLMError {
    return new LLMError("transport", String(err));
  }
}

const ask = { messages: [{ role: "user" as const, content: "hi" }] };

describe("ServingBase", () => {
  it("wraps the transport in the layers: typed errors, retries, a request counted per attempt", async () => {
    const serving = new FakeServing(
      (_request, call) => {
        // Thrown synchronously, untyped: the transport-errors layer types it, the retry layer retries it.
        if (call === 1) throw new Error("socket hang up");
        return Promise.resolve({ text: "ok", usage: { promptTokens: 2, completionTokens: 1 } });
      },
      { retry: { baseDelayMs: 1 } },
    );
    const result = await serving.generate(ask, { tag: "t" });
    expect(result).toMatchObject({ text: "ok", fromCache: false, model: "m" });
    expect(serving.usage().byTag.t).toEqual({ requests: 2, cached: 0, promptTokens: 2, completionTokens: 1 });
    const failing = new FakeServing(
      () => {
        throw new Error("boom");
      },
      { maxRetries: 0 },
    );
    await expect(failing.generate(ask)).rejects.toMatchObject({ kind: "transport", message: "Error: boom" });
  });

  it("leaves timing an attempt to a transport that bounds its own (transportTimesOut)", async () => {
    const slow = () => new Promise<TransportResult>((r) => setTimeout(() => r({ text: "late" }), 300));
    const serving = new FakeServing(slow, { maxRetries: 0, timeoutMs: 100, transportTimesOut: true });
    expect((await serving.generate(ask)).text).toBe("late");
  });

  it("prepares once per uncached request, before any attempt; its failure fails the request as it is", async () => {
    class Preparing extends FakeServing {
      prepared = 0;
      failure: Error | undefined;
      protected override async prepare(): Promise<void> {
        this.prepared++;
        if (this.failure) throw this.failure;
      }
    }
    const serving = new Preparing(async () => ({ text: "ok" }), { maxRetries: 0 });
    await serving.generate(ask);
    expect([serving.prepared, serving.calls.length]).toEqual([1, 1]);
    serving.failure = new Error("no model");
    await expect(serving.generate(ask)).rejects.toBe(serving.failure);
    expect([serving.prepared, serving.calls.length]).toEqual([2, 1]);
  });

  it("answers a cached request above prepare and the transport", async () => {
    class Preparing extends FakeServing {
      prepared = 0;
      protected override async prepare(): Promise<void> {
        this.prepared++;
      }
    }
    const cacheDir = await mkdtemp(join(tmpdir(), "dataflow-serving-base-"));
    try {
      const serving = new Preparing(async () => ({ text: "ok" }), { cacheDir });
      await serving.generate(ask, { tag: "t" });
      expect((await serving.generate(ask, { tag: "t" })).fromCache).toBe(true);
      expect([serving.prepared, serving.calls.length]).toEqual([1, 1]);
      expect(serving.usage().byTag.t).toMatchObject({ requests: 1, cached: 1 });
    } finally {
      await rm(cacheDir, { recursive: true, force: true });
    }
  });

  it("gives up when a Retry-After would pass the call's deadline", async () => {
    const serving = new FakeServing(
      async () => {
        throw new LLMError("rate-limited", "429 slow down", { status: 429, retryAfterMs: 5_000 });
      },
      { totalTimeoutMs: 1_000 },
    );
    const err = await serving.generate(ask).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: "rate-limited", status: 429 });
    expect((err as Error).message).toMatch(/gave up after 1 attempt: its deadline would pass/);
  });

  it("merges settings: request over serving defaults, undefined never erasing a default", async () => {
    const serving = new FakeServing(async () => ({ text: "ok" }), { settings: { temperature: 0, seed: 1 } });
    await serving.generate({ ...ask, settings: { temperature: 0.7, seed: undefined } });
    expect(serving.calls[0]?.settings).toEqual({ temperature: 0.7, seed: 1 });
  });
});

/** A serving that embeds through a function. */
class EmbeddingFake extends FakeServing {
  batches: string[][] = [];

  constructor(
    private readonly vectors: (
      texts: readonly string[],
      call: number,
      signal: AbortSignal,
    ) => Promise<EmbedTransportResult>,
    options: Partial<ServingBaseOptions> = {},
  ) {
    super(async () => ({ text: "unused" }), options);
  }

  protected override embedTransport(
    _model: string,
    texts: readonly string[],
    signal: AbortSignal,
  ): Promise<EmbedTransportResult> {
    this.batches.push([...texts]);
    return this.vectors(texts, this.batches.length, signal);
  }
}

const lengthVectors = async (texts: readonly string[]): Promise<EmbedTransportResult> => ({
  vectors: texts.map((t) => [t.length, 1]),
  promptTokens: texts.length,
});

describe("ServingBase.embed", () => {
  it("says which serving cannot embed, before sending anything", async () => {
    const serving = new FakeServing(async () => ({ text: "ok" }));
    const err = await serving.embed(["a"]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LLMError);
    expect(err).toMatchObject({ kind: "bad-request" });
    expect((err as Error).message).toMatch(/serving "fake" \(FakeServing\) cannot compute embeddings/);
    expect(serving.usage().total.requests).toBe(0);
  });

  it("refuses empty texts and non-strings, naming the index", async () => {
    const serving = new EmbeddingFake(lengthVectors);
    await expect(serving.embed(["a", ""])).rejects.toThrow(/texts\[1\] to embed is empty/);
    await expect(serving.embed(["a", 3 as unknown as string])).rejects.toThrow(
      /texts\[1\] to embed is a number/,
    );
    expect(serving.batches).toEqual([]);
    expect(await serving.embed([])).toEqual({ vectors: [], model: "m", promptTokens: 0, cached: 0 });
  });

  it("sends each distinct text once, in batches, and answers in input order", async () => {
    const serving = new EmbeddingFake(lengthVectors, { embeddingBatchSize: 2 });
    const result = await serving.embed(["aaa", "b", "aaa", "cc", "dddd"], { tag: "r" });
    expect(serving.batches).toEqual([
      ["aaa", "b"],
      ["cc", "dddd"],
    ]);
    expect(result.vectors.map((v) => v[0])).toEqual([3, 1, 3, 2, 4]);
    expect(result.vectors[0]).toBeInstanceOf(Float32Array);
    expect(result).toMatchObject({ model: "m", promptTokens: 4, cached: 0 });
    expect(serving.usage().byTag.r).toEqual({ requests: 2, cached: 0, promptTokens: 4, completionTokens: 0 });
  });

  it("retries a batch like a chat request, and fails bad output typed, without retrying it", async () => {
    const flaky = new EmbeddingFake(async (texts, call) => {
      if (call === 1) throw new LLMError("transport", "HTTP 503", { status: 503, retryAfterMs: 1 });
      return lengthVectors(texts);
    });
    expect((await flaky.embed(["x"])).vectors).toHaveLength(1);
    expect(flaky.batches).toHaveLength(2);

    const short = new EmbeddingFake(async () => ({ vectors: [[1]] }));
    await expect(short.embed(["x", "y"])).rejects.toMatchObject({
      kind: "bad-output",
      message: "the embeddings answer has 1 vectors for 2 texts",
    });
    expect(short.batches).toHaveLength(1);
  });

  it("names the embedding model, and fingerprints it only when configured", () => {
    const plain = new EmbeddingFake(lengthVectors);
    expect(plain.embeddingModel).toBe("m");
    expect(plain.fingerprint()).toEqual({ model: "m", settings: {} });
    const configured = new EmbeddingFake(lengthVectors, { embeddingModel: "e", embeddingDimensions: 8 });
    expect(configured.embeddingModel).toBe("e");
    expect(configured.fingerprint()).toEqual({
      model: "m",
      settings: {},
      embeddingModel: "e",
      embeddingDimensions: 8,
    });
    expect(() => new EmbeddingFake(lengthVectors, { embeddingBatchSize: 0 })).toThrow(
      /embeddingBatchSize must be a whole number ≥ 1, got 0/,
    );
  });
});
