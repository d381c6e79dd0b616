import { createOpenAI } from "@ai-sdk/openai";
import { generateText } from "ai";
import { afterEach, describe, expect, it } from "vitest";
import { type ChatServer, startChatServer } from "./chat-server.js";

let server: ChatServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe("the test server through the AI SDK", () => {
  it("answers the chat-completions model of @ai-sdk/openai", async () => {
    server = await startChatServer({ defaultReply: "four" });
    // .chat(): local OpenAI-compatible servers speak chat completions, not the Responses API.
    const model = createOpenAI({ baseURL: server.url, apiKey: "sk-test" }).chat("tiny");
    const result = await generateText({ model, prompt: "2 + 2 in words?", maxRetries: 0 });
    expect(result.text).toBe("four");
    expect(result.usage.inputTokens).toBe(4);
    expect(result.usage.outputTokens).toBe(1);
    expect(server.requests[0]).toMatchObject({ path: "/v1/chat/completions", outcome: "reply" });
  });
});
