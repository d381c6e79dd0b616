import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { inspect } from "node:util";
import { errorKind, type JSONSchema, LLMError, type LLMRequest } from "@dataflow/core";
import type { ChatServerOptions } from "@dataflow/llm-serving/testing";
import { describe, expect, it, vi } from "vitest";
import { type CreateServingOptions, createServing } from "./create-serving.js";
import type { ServingConfig } from "./serving-config.js";
import { failure, servingHarness } from "./testdata/serving-harness.js";

/**
 * One behavioural suite, run for both serving types against the loopback
 * server: they must be interchangeable by changing `type:` in the pipeline.
 */

const answerSchema: JSONSchema = {
  type: "object",
  properties: { answer: { type: "integer" } },
  required: ["answer"],
};

const ask = (content: string, system?: string): LLMRequest => ({
  messages: [...(system ? [{ role: "system" as const, content: system }] : []), { role: "user", content }],
});

function promptOf(entry: { body: unknown }): string {
  const messages = (entry.body as { messages?: { content: string }[] } | undefined)?.messages ?? [];
  return messages.map((m) => m.content).join("\n");
}

async function llmFailure(promise: Promise<unknown>): Promise<LLMError> {
  const err = await failure(promise);
  if (!(err instanceof LLMError)) throw new Error(`expected an LLMError, got ${inspect(err)}`);
  return err;
}

const { setup: startServing, tempDir } = servingHarness("dataflow-serving-");

describe.each(["openai", "ai-sdk"] as const)("the %s serving", (type) => {
  const setup = (
    serverOptions: ChatServerOptions = {},
    config: Partial<ServingConfig> = {},
    options: CreateServingOptions = {},
  ) => startServing(type, serverOptions, { model: "tiny", ...config }, options);

  it("answers plain text, sending the generation settings", async () => {
    const { s, serving } = await setup(
      { defaultReply: "Hello there." },
      { temperature: 0.2, topP: 0.9, maxTokens: 64, seed: 7, stop: ["\n\n"] },
    );
    const result = await serving.generate(ask("Say hello", "Be brief."));
    expect(result).toMatchObject({ text: "Hello there.", model: "tiny", fromCache: false });
    expect(result.reasoning).toBeUndefined();
    expect(result.object).toBeUndefined();
    expect(result.usage).toEqual({ promptTokens: 5, completionTokens: 3 });
    expect(s.requests[0]?.body).toMatchObject({
      model: "tiny",
      temperature: 0.2,
      top_p: 0.9,
      max_tokens: 64,
      seed: 7,
      stop: ["\n\n"],
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "Say hello" },
      ],
    });
    expect(s.requests[0]?.body).not.toHaveProperty("response_format");
    // A request's own settings win over the serving's.
    await serving.generate({ ...ask("again"), settings: { temperature: 1 } });
    expect(s.requests[1]?.body).toMatchObject({ temperature: 1, seed: 7 });
  });

  it("splits reasoning from <think> blocks and from reasoning_content", async () => {
    const { serving } = await setup({
      rules: [
        { match: "inline", reply: "<think>2 + 2 = 4</think>\nFour." },
        { match: "field", reply: { content: "Four.", reasoningContent: "adding" } },
      ],
    });
    expect(await serving.generate(ask("inline"))).toMatchObject({ text: "Four.", reasoning: "2 + 2 = 4" });
    expect(await serving.generate(ask("field"))).toMatchObject({ text: "Four.", reasoning: "adding" });
  });

  it("returns the validated object for a schema, from fenced or chatty answers", async () => {
    const { s, serving } = await setup({
      rules: [
        { match: "fenced", reply: 'Here:\n```json\n{"answer": 4}\n```' },
        {
          match: "chatty",
          reply: '<think>{"answer": "no"}</think>Sure! The result is {"answer": 5}. Anything else?',
        },
      ],
    });
    const fenced = await serving.generate(ask("fenced"), { schema: answerSchema, schemaName: "sum" });
    expect(fenced.object).toEqual({ answer: 4 });
    expect(s.requests[0]?.body).toMatchObject({
      response_format: {
        type: "json_schema",
        json_schema: { name: "sum", schema: answerSchema, strict: false },
      },
    });
    const chatty = await serving.generate(ask("chatty"), { schema: answerSchema });
    expect(chatty).toMatchObject({ object: { answer: 5 }, reasoning: '{"answer": "no"}' });
  });

  it("fails bad output with a typed error carrying the raw text, without retrying", async () => {
    const { s, serving } = await setup({
      rules: [
        { match: "refuse", reply: { content: "I cannot do that.", reasoningContent: "no" } },
        { match: "empty", reply: "<think>hmm</think>" },
      ],
    });
    const err = await llmFailure(serving.generate(ask("refuse"), { schema: answerSchema }));
    expect(err.kind).toBe("bad-output");
    expect(err.raw).toBe("<think>\nno\n</think>\nI cannot do that.");
    expect(err.message).toMatch(/no JSON found/);
    const empty = await llmFailure(serving.generate(ask("empty")));
    expect(empty).toMatchObject({ kind: "bad-output", raw: "<think>hmm</think>" });
    expect(s.requests).toHaveLength(2);
  });

  it("falls back to JSON in the prompt when the server refuses response_format, and remembers", async () => {
    const logger = { debug() {}, info() {}, warn: vi.fn(), error() {} };
    const { s, serving } = await setup(
      {
        rules: [
          {
            match: (req) => req.body.response_format !== undefined,
            fault: { status: 400, message: "response_format is not supported by this server" },
          },
        ],
        defaultReply: '{"answer": 4}',
      },
      {},
      { logger },
    );
    expect((await serving.generate(ask("2 + 2?", "You add."), { schema: answerSchema })).object).toEqual({
      answer: 4,
    });
    expect((await serving.generate(ask("3 + 1?"), { schema: answerSchema })).object).toEqual({ answer: 4 });
    expect(s.requests.map((r) => r.status)).toEqual([400, 200, 200]);
    const [, fallback, next] = s.requests;
    expect(fallback?.body).not.toHaveProperty("response_format");
    expect(promptOf(fallback ?? { body: undefined })).toMatch(
      /^You add\.\n\nAnswer with a single JSON value/,
    );
    expect(next?.body).not.toHaveProperty("response_format");
    expect(logger.warn).toHaveBeenCalledTimes(1);
  });

  it("keeps to the concurrency limit, and reaches it", async () => {
    // A latency long enough that all four slots fill even on a loaded machine.
    const { s, serving } = await setup({ latencyMs: 200 }, { maxConcurrency: 4 });
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => serving.generate(ask(`q${i}`))));
    expect(results.map((r) => r.text)).toEqual(Array.from({ length: 20 }, (_, i) => `q${i}`));
    expect(s.maxInFlight).toBe(4);
  });

  it("honours Retry-After on a 429", async () => {
    const { s, serving } = await setup({ rules: [{ fault: { status: 429, retryAfter: 1 }, times: 1 }] });
    const result = await serving.generate(ask("hi"));
    expect(result.text).toBe("hi");
    const [limited, retried] = s.requests;
    expect([limited?.status, retried?.status]).toEqual([429, 200]);
    expect((retried?.receivedAt ?? 0) - (limited?.repliedAt ?? 0)).toBeGreaterThanOrEqual(990);
    expect(serving.usage().total.requests).toBe(2);
  });

  it("does not hold a slot while a request waits to retry", async () => {
    const { s, serving } = await setup(
      {
        rules: [{ match: "backs-off", fault: { status: 429, retryAfter: 1 }, times: 1 }],
        latencyMs: (req) => (req.prompt.includes("quick") ? 150 : 0),
      },
      { maxConcurrency: 2 },
    );
    const slow = serving.generate(ask("backs-off"));
    await vi.waitFor(() => expect(s.requests[0]?.status).toBe(429));
    // While it backs off for 1 s, both slots serve other requests.
    const quick = await Promise.all([1, 2, 3, 4].map((i) => serving.generate(ask(`quick ${i}`))));
    expect(quick.map((r) => r.text)).toEqual(["quick 1", "quick 2", "quick 3", "quick 4"]);
    expect((await slow).text).toBe("backs-off");
    const retry = s.requests.filter((r) => promptOf(r) === "backs-off")[1];
    const others = s.requests.filter((r) => promptOf(r).startsWith("quick"));
    expect(others.every((r) => (r.repliedAt ?? Number.POSITIVE_INFINITY) < (retry?.receivedAt ?? 0))).toBe(
      true,
    );
    expect(Math.max(...others.map((r) => r.inFlightOnArrival))).toBe(2);
    expect(s.maxInFlight).toBe(2);
  });

  it("gets every request of a batch through 10% 429s and 5% 500s, or fails it typed, within bounds", async () => {
    const faults = {
      randomFaults: [
        { probability: 0.1, fault: { status: 429, retryAfter: 0.05 } },
        { probability: 0.05, fault: { status: 500 } },
      ],
      seed: 42,
      latencyMs: 5,
    };
    // Hedging off: under a loaded machine a slow answer would be hedged, and the request count is the point here.
    const { s, serving } = await setup(faults, { maxConcurrency: 16, maxRetries: 5, hedge: false });
    const settled = await serving.generateBatch(Array.from({ length: 100 }, (_, i) => ask(`item ${i}`)));
    expect(settled.filter((r) => r.status === "fulfilled")).toHaveLength(100);
    const faulted = s.requests.filter((r) => r.randomFault).length;
    expect(faulted).toBeGreaterThan(5);
    expect(s.requests).toHaveLength(100 + faulted);
    await s.close();

    // Without retries the same faults fail their requests, each with a typed error.
    const again = await setup(faults, { maxConcurrency: 16, maxRetries: 0, hedge: false });
    const results = await again.serving.generateBatch(
      Array.from({ length: 100 }, (_, i) => ask(`item ${i}`)),
    );
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(failed.length).toBe(again.s.requests.filter((r) => r.randomFault).length);
    for (const f of failed) {
      expect(f.reason).toBeInstanceOf(LLMError);
      const { kind, status } = f.reason as LLMError;
      expect([kind, status]).toSatisfy(
        ([k, st]: [string, number]) =>
          (k === "rate-limited" && st === 429) || (k === "transport" && st === 500),
      );
    }
    expect(again.s.requests).toHaveLength(100);
  });

  it("never hangs past the timeout on a hung server", async () => {
    const { s, serving } = await setup({ rules: [{ fault: "hang" }] }, { timeoutMs: 300, maxRetries: 0 });
    const err = await llmFailure(serving.generate(ask("hi")));
    expect(err.kind).toBe("timeout");
    await vi.waitFor(() => expect(s.requests[0]?.aborted).toBe(true));
    await s.close();

    // Retried, the whole call is still bounded: three attempts and two short backoffs.
    const again = await setup({ rules: [{ fault: "hang" }] }, { timeoutMs: 300, maxRetries: 2 });
    const retried = await llmFailure(again.serving.generate(ask("hi")));
    expect(retried.kind).toBe("timeout");
    expect(retried.message).toMatch(/gave up after 3 attempts/);
    expect(again.s.requests).toHaveLength(3);
  });

  it("stops at once when the caller aborts", async () => {
    const { s, serving } = await setup({ rules: [{ fault: "hang" }] }, { timeoutMs: 10_000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const err = await failure(serving.generate(ask("hi"), { signal: controller.signal }));
    expect(errorKind(err)).toBe("cancelled");
    await vi.waitFor(() => expect(s.requests[0]?.aborted).toBe(true));
    // Aborted before it starts: no request at all.
    expect(errorKind(await failure(serving.generate(ask("late"), { signal: controller.signal })))).toBe(
      "cancelled",
    );
    expect(s.requests).toHaveLength(1);
  });

  it.each(["truncated", "malformed"] as const)(
    "retries a %s body, and types it as transport",
    async (fault) => {
      const { s, serving } = await setup({ rules: [{ fault, times: 1 }] });
      expect((await serving.generate(ask("hi"))).text).toBe("hi");
      expect(s.requests.map((r) => r.outcome)).toEqual([fault, "reply"]);
      await s.close();

      const again = await setup({ rules: [{ fault }] }, { maxRetries: 0 });
      const err = await llmFailure(again.serving.generate(ask("hi")));
      expect(err.kind).toBe("transport");
    },
  );

  it("fails 4xx at once as bad-request (401, 403 and 404 halt the serving: health/)", async () => {
    const { s, serving } = await setup({ rules: [{ fault: { status: 422, message: "no such field" } }] });
    const err = await llmFailure(serving.generate(ask("hi")));
    expect(err).toMatchObject({ kind: "bad-request", status: 422 });
    expect(err.message).toContain("no such field");
    expect(s.requests).toHaveLength(1);
  });

  it("answers a repeated request from the on-disk cache, with no request", async () => {
    const cacheDir = await tempDir();
    const { s, serving } = await setup({ defaultReply: '<think>r</think>{"answer": 4}' }, {}, { cacheDir });
    const first = await serving.generate(ask("2 + 2?"), { schema: answerSchema, tag: "step" });
    expect(first.fromCache).toBe(false);
    // Another serving on the same folder (the next run) sends nothing.
    const next = createServing("other", { type, model: "tiny", baseURL: s.url } as ServingConfig, {
      env: {},
      cacheDir,
    });
    const second = await next.generate(ask("2 + 2?"), { schema: answerSchema, tag: "step" });
    expect(second).toMatchObject({
      fromCache: true,
      object: { answer: 4 },
      reasoning: "r",
      text: '{"answer": 4}',
    });
    expect(s.requests).toHaveLength(1);
    expect(next.usage().byTag.step).toEqual({ requests: 0, cached: 1, promptTokens: 0, completionTokens: 0 });
    // Different settings or schema: a different answer.
    await serving.generate({ ...ask("2 + 2?"), settings: { temperature: 0.5 } }, { schema: answerSchema });
    expect(s.requests).toHaveLength(2);

    // An entry that fails the schema is a miss, and is replaced.
    const shards = await readdir(cacheDir);
    const files = (
      await Promise.all(
        shards.map(async (d) => (await readdir(join(cacheDir, d))).map((f) => join(cacheDir, d, f))),
      )
    ).flat();
    expect(files).toHaveLength(2);
    for (const f of files)
      await writeFile(f, JSON.stringify({ ...JSON.parse(await readFile(f, "utf8")), text: "nope" }));
    const third = await next.generate(ask("2 + 2?"), { schema: answerSchema });
    expect(third).toMatchObject({ fromCache: false, object: { answer: 4 } });
    expect(s.requests).toHaveLength(3);
    expect((await next.generate(ask("2 + 2?"), { schema: answerSchema })).fromCache).toBe(true);
  });

  it("never lets the API key into errors, logs or cache files", async () => {
    const secret = "sk-dataflow-SECRET-7f3a9c21e8b4";
    const cacheDir = await tempDir();
    const lines: string[] = [];
    const logger = {
      debug: (m: string) => lines.push(m),
      info: (m: string) => lines.push(m),
      warn: (m: string) => lines.push(m),
      error: (m: string) => lines.push(m),
    };
    const { serving } = await setup(
      {
        rules: [
          { match: "echo", fault: { status: 400, message: `Incorrect request with key: ${secret}` } },
          { match: "flaky", fault: { status: 500, message: `upstream said Bearer ${secret}` }, times: 1 },
        ],
      },
      { apiKeyEnv: "MY_SERVICE_KEY" },
      { env: { MY_SERVICE_KEY: secret }, cacheDir, logger },
    );
    await serving.generate(ask("hello"));
    await serving.generate(ask("flaky"));
    const err = await llmFailure(serving.generate(ask("echo")));
    expect(err).toMatchObject({ kind: "bad-request", status: 400 });
    expect(err.message).toContain("***");
    for (const text of [
      err.message,
      err.stack ?? "",
      inspect(err, { depth: 20 }),
      JSON.stringify(err),
      ...lines,
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(JSON.stringify(serving.fingerprint())).not.toContain(secret);
    const shards = await readdir(cacheDir);
    expect(shards.length).toBeGreaterThan(0);
    for (const d of shards) {
      for (const f of await readdir(join(cacheDir, d))) {
        expect(await readFile(join(cacheDir, d, f), "utf8")).not.toContain(secret);
      }
    }
  });

  it("totals usage and cost per tag and overall", async () => {
    const { serving } = await setup(
      {
        rules: [{ match: "limited", fault: { status: 429, retryAfter: 0 }, times: 1 }],
        defaultReply: { content: "ok", usage: { promptTokens: 1_000, completionTokens: 200 } },
      },
      { prices: { input: 3, output: 15 } },
    );
    await serving.generate(ask("a"), { tag: "one" });
    await serving.generate(ask("limited"), { tag: "two" });
    await serving.generate(ask("b"), { tag: "two" });
    await serving.generate(ask("c"));
    const { total, byTag } = serving.usage();
    expect(byTag.one).toEqual({
      requests: 1,
      cached: 0,
      promptTokens: 1_000,
      completionTokens: 200,
      cost: 0.006,
    });
    expect(byTag.two).toEqual({
      requests: 3,
      cached: 0,
      promptTokens: 2_000,
      completionTokens: 400,
      cost: 0.012,
    });
    expect(total).toMatchObject({ requests: 5, promptTokens: 4_000, completionTokens: 800 });
    expect(total.cost).toBeCloseTo(0.024);
  });

  it("spreads requests under a requests-per-minute limit", async () => {
    const { serving } = await setup({}, { requestsPerMinute: 1_200, maxConcurrency: 16 });
    const started = performance.now();
    // 20 per second: 20 at once, then one every 50 ms.
    await Promise.all(Array.from({ length: 26 }, (_, i) => serving.generate(ask(`q${i}`))));
    expect(performance.now() - started).toBeGreaterThanOrEqual(250);
  });

  it("holds requests back under a tokens-per-minute limit, from estimates corrected by usage", async () => {
    const { s, serving } = await setup(
      { defaultReply: { content: "ok", usage: { promptTokens: 1_000, completionTokens: 1_000 } } },
      { tokensPerMinute: 120_000 }, // 2,000 a second
    );
    const prompt = "x".repeat(4_000); // estimated at 1,000 tokens
    await serving.generate(ask(`${prompt}1`));
    await serving.generate(ask(`${prompt}2`));
    // The bucket started with a second's worth; the two answers cost 4,000, so the third waits about a second.
    await serving.generate(ask(`${prompt}3`));
    const [first, , third] = s.requests;
    expect((third?.receivedAt ?? 0) - (first?.receivedAt ?? 0)).toBeGreaterThanOrEqual(700);
  });

  it("fingerprints model and settings only", async () => {
    const { serving } = await setup({}, { temperature: 0, seed: 3 });
    expect(serving.fingerprint()).toEqual({ model: "tiny", settings: { temperature: 0, seed: 3 } });
  });
});
