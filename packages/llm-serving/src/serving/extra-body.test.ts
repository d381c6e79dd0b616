import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createServing } from "../create-serving.js";
import type { ServingConfig } from "../serving-config.js";
import { type ChatServer, chatRequests, startChatServer } from "../testing/index.js";

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0)) await f();
});

async function setup() {
  const server = await startChatServer();
  const cacheDir = await mkdtemp(join(tmpdir(), "extra-body-"));
  cleanup.push(
    () => server.close(),
    () => rm(cacheDir, { recursive: true, force: true }),
  );
  return { server, cacheDir };
}

function serving(server: ChatServer, cacheDir: string, extra: Partial<ServingConfig> = {}) {
  return createServing(
    "teacher",
    {
      type: "openai",
      model: "m",
      baseURL: server.url,
      apiKeyEnv: "K",
      maxConcurrency: 2,
      timeoutMs: 5_000,
      maxRetries: 0,
      ...extra,
    },
    { env: {}, cacheDir },
  );
}

const ask = { messages: [{ role: "user" as const, content: "hello" }] };

describe("extraBody", () => {
  it("passes server-specific fields through unchanged; the named settings win", async () => {
    const { server, cacheDir } = await setup();
    const extraBody = {
      top_k: 20,
      min_p: 0.05,
      chat_template_kwargs: { enable_thinking: false },
      temperature: 2,
    };
    await serving(server, cacheDir, { extraBody, temperature: 0.3 }).generate(ask);
    const body = chatRequests(server)[0]?.body as Record<string, unknown>;
    expect(body).toMatchObject({ top_k: 20, min_p: 0.05, chat_template_kwargs: { enable_thinking: false } });
    expect(body.temperature).toBe(0.3);
  });

  it("is part of the cache key and the fingerprint; absent, both stay as they were", async () => {
    const { server, cacheDir } = await setup();
    const plain = serving(server, cacheDir);
    await plain.generate(ask);
    expect((await serving(server, cacheDir).generate(ask)).fromCache).toBe(true);
    const topK = serving(server, cacheDir, { extraBody: { top_k: 20 } });
    expect((await topK.generate(ask)).fromCache).toBe(false);
    expect((await serving(server, cacheDir, { extraBody: { top_k: 20 } }).generate(ask)).fromCache).toBe(
      true,
    );
    expect((await serving(server, cacheDir, { extraBody: { top_k: 40 } }).generate(ask)).fromCache).toBe(
      false,
    );
    expect(serving(server, cacheDir, { extraBody: {} }).fingerprint()).toEqual(plain.fingerprint());
    expect(topK.fingerprint()).toMatchObject({ extraBody: { top_k: 20 } });
    expect(chatRequests(server)).toHaveLength(3);
  });

  it("is refused for ai-sdk, which builds its own body", async () => {
    const { server, cacheDir } = await setup();
    expect(() => serving(server, cacheDir, { type: "ai-sdk", extraBody: { top_k: 1 } })).toThrow(
      /extraBody is sent by type openai only/,
    );
  });
});
