import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type LLMServingABC, seededRandom } from "@dataflow/core";
import {
  type ChatServer,
  type ChatServerOptions,
  startChatServer,
} from "@dataflow/llm-serving/testing";
import { afterEach } from "vitest";
import { type CreateServingOptions, createServing } from "../create-serving.js";
import type { ServingConfig } from "../serving-config.js";

/** The rejection of `promise`; fails the test when it resolves. */
export async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error("expected a failure");
}

/**
 * A behaviour suite's loopback server and temp dirs, closed and removed after each test, and a
 * `setup` that starts the server and a serving of `type` against it (retries short and seeded).
 */
export function servingHarness(prefix: string) {
  let server: ChatServer | undefined;
  const dirs: string[] = [];
  afterEach(async () => {
    await server?.close();
    server = undefined;
    for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
  });
  return {
    async tempDir(): Promise<string> {
      const dir = await mkdtemp(join(tmpdir(), prefix));
      dirs.push(dir);
      return dir;
    },
    async setup(
      type: "openai" | "ai-sdk",
      serverOptions: ChatServerOptions,
      config: Partial<ServingConfig> & { model: string },
      options: CreateServingOptions = {},
    ): Promise<{ s: ChatServer; serving: LLMServingABC }> {
      const s = await startChatServer(serverOptions);
      server = s;
      const serving = createServing(
        "test",
        {
          type,
          baseURL: s.url,
          apiKeyEnv: "OPENAI_API_KEY",
          maxConcurrency: 4,
          timeoutMs: 5_000,
          maxRetries: 3,
          ...config,
        },
        { env: {}, retry: { baseDelayMs: 10, maxDelayMs: 100, random: seededRandom("serving-harness").float }, ...options },
      );
      return { s, serving };
    },
  };
}
