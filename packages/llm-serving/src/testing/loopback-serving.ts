import type { LLMServingABC } from "@dataflow/core";
import { createServing } from "../create-serving.js";
import { OpenAIServing } from "../openai/openai-serving.js";
import { type ChatServer, type ChatServerOptions, startChatServer } from "./chat-server.js";

/**
 * A real OpenAIServing against a running loopback server, for tests: no retries (a scripted fault
 * shows as it is), a short timeout, and an on-disk response cache when given a directory.
 */
export function openAITestServing(
  server: ChatServer,
  o: { name?: string; model?: string; cacheDir?: string; maxConcurrency?: number } = {},
): OpenAIServing {
  return new OpenAIServing({
    name: o.name ?? "teacher",
    model: o.model ?? "test-model",
    baseURL: server.url,
    apiKey: "sk-test",
    maxConcurrency: o.maxConcurrency ?? 4,
    timeoutMs: 5_000,
    maxRetries: 0,
    ...(o.cacheDir ? { cacheDir: o.cacheDir } : {}),
  });
}

/** Starts a loopback server and a real OpenAI serving against it, with retries tuned short for tests. */
export async function loopbackServing(
  options: ChatServerOptions,
  extra: { cacheDir?: string; maxConcurrency?: number } = {},
): Promise<{ server: ChatServer; serving: LLMServingABC }> {
  const server = await startChatServer(options);
  const serving = createServing(
    "teacher",
    {
      type: "openai",
      model: "test-model",
      baseURL: server.url,
      apiKeyEnv: "OPENAI_API_KEY",
      maxConcurrency: extra.maxConcurrency ?? 4,
      timeoutMs: 5_000,
      maxRetries: 2,
    },
    {
      env: {},
      retry: { baseDelayMs: 5, maxDelayMs: 20 },
      ...(extra.cacheDir ? { cacheDir: extra.cacheDir } : {}),
    },
  );
  return { server, serving };
}

/** The chat-completion requests the server answered, in arrival order. */
export function chatRequests(server: ChatServer) {
  return server.requests.filter((r) => r.path.endsWith("/chat/completions"));
}

/** The last user message of a chat-completion request body. */
export function lastUserMessage(body: unknown): string {
  const messages = (body as { messages?: { role: string; content: string }[] }).messages ?? [];
  return [...messages].reverse().find((m) => m.role === "user")?.content ?? "";
}
