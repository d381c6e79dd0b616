import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createServing } from "../create-serving.js";
import type { ServingConfig } from "../serving-config.js";
import { type ChatServer, chatRequests, startChatServer } from "../testing/index.js";
import { ServingHalt } from "./health/serving-halt.js";

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0)) await f();
});

async function setup() {
  const server = await startChatServer();
  const cacheDir = await mkdtemp(join(tmpdir(), "step-extra-body-"));
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

const ask = (extraBody?: Record<string, unknown>, temperature?: number) => ({
  messages: [{ role: "user" as const, content: "hello" }],
  settings: { ...(extraBody ? { extraBody } : {}), ...(temperature !== undefined ? { temperature } : {}) },
});

describe("a request's extraBody (a step's params.extraBody)", () => {
  it("is merged over the serving's, its top-level fields winning, and sent unchanged", async () => {
    const { server, cacheDir } = await setup();
    const s = serving(server, cacheDir, {
      extraBody: { top_k: 20, chat_template_kwargs: { enable_thinking: true, foo: 1 } },
    });
    await s.generate(ask({ chat_template_kwargs: { enable_thinking: false }, min_p: 0.05 }, 0.2));
    const body = chatRequests(server)[0]?.body as Record<string, unknown>;
    expect(body.top_k).toBe(20);
    expect(body.min_p).toBe(0.05);
    expect(body.chat_template_kwargs).toEqual({ enable_thinking: false });
    expect(body.temperature).toBe(0.2);
    expect(body).not.toHaveProperty("extraBody");
  });

  it("is part of the response cache key; the same fields from the serving or the step share an entry", async () => {
    const { server, cacheDir } = await setup();
    const plain = serving(server, cacheDir);
    expect((await plain.generate(ask({ top_k: 20 }))).fromCache).toBe(false);
    expect((await plain.generate(ask({ top_k: 20 }))).fromCache).toBe(true);
    expect((await plain.generate(ask({ top_k: 40 }))).fromCache).toBe(false);
    expect((await plain.generate(ask())).fromCache).toBe(false);
    const fromServing = serving(server, cacheDir, { extraBody: { top_k: 20 } });
    expect((await fromServing.generate(ask())).fromCache).toBe(true);
    expect(chatRequests(server)).toHaveLength(3);
  });

  it("stops the run on a serving type that cannot send it, before any request", async () => {
    const { server, cacheDir } = await setup();
    const s = serving(server, cacheDir, { type: "ai-sdk" });
    const err = await s.generate(ask({ top_k: 20 })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServingHalt);
    expect((err as ServingHalt).exitCode).toBe(2);
    expect((err as ServingHalt).message).toContain("type openai");
    expect(chatRequests(server)).toHaveLength(0);
    // Without one, the same serving answers as before.
    expect((await s.generate(ask())).text).toBeTypeOf("string");
  });
});
