import { LLMError } from "@dataflow/core";
import { afterEach, describe, expect, it } from "vitest";
import { createServing } from "../../create-serving.js";
import type { ServingType } from "../../serving-config.js";
import {
  type ChatServer,
  type ChatServerOptions,
  chatRequests,
  startChatServer,
} from "../../testing/index.js";
import { ServingHalt } from "./serving-halt.js";

const servers: ChatServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function setup(type: ServingType, options: ChatServerOptions) {
  const server = await startChatServer(options);
  servers.push(server);
  const serving = createServing(
    "teacher",
    {
      type,
      model: "test-model",
      baseURL: server.url,
      apiKeyEnv: "OPENAI_API_KEY",
      maxConcurrency: 2,
      timeoutMs: 5_000,
      maxRetries: 2,
      maxAnswerBytes: 64 * 1024,
    },
    { env: {}, retry: { baseDelayMs: 5, maxDelayMs: 20 } },
  );
  const ask = (content: string) => serving.generate({ messages: [{ role: "user", content }] });
  return { server, ask };
}

describe.each(["openai", "ai-sdk"] as const)("answers through the %s serving", (type) => {
  it("caps an answer at maxAnswerBytes: bad output with a bounded prefix, not retried", async () => {
    const { server, ask } = await setup(type, { rules: [{ reply: "x".repeat(300_000) }] });
    const err = await ask("a long one").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LLMError);
    expect((err as LLMError).kind).toBe("bad-output");
    expect((err as LLMError).message).toContain("above maxAnswerBytes 65536");
    expect(((err as LLMError).raw ?? "").length).toBeLessThanOrEqual(4096);
    expect(chatRequests(server)).toHaveLength(1);
  });

  it("keeps answers under the cap as they are", async () => {
    const { ask } = await setup(type, { rules: [{ reply: "y".repeat(60_000) }] });
    expect((await ask("fits")).text).toHaveLength(60_000);
  });

  it("reports an HTML 200 as such and stops: baseURL is not the API root", async () => {
    const { server, ask } = await setup(type, { rules: [{ fault: "html" }] });
    const err = await ask("hello").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServingHalt);
    expect((err as ServingHalt).exitCode).toBe(2);
    expect((err as ServingHalt).message).toContain(
      "the server answered HTML, not JSON: is baseURL the API root (usually ending in /v1)?",
    );
    expect((err as ServingHalt).message).not.toContain("choices");
    expect(chatRequests(server)).toHaveLength(1);
  });
});
