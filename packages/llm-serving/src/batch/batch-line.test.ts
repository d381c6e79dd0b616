import { describe, expect, it } from "vitest";
import { batchLine } from "./batch-line.js";
import { customId } from "./custom-id.js";

const request = {
  model: "gpt-4o-mini",
  messages: [{ role: "user" as const, content: "Why does a chain skip?" }],
  settings: { temperature: 0.2, maxTokens: 50 },
  responseFormat: { name: "answer", schema: { type: "object" } },
};

describe("batchLine", () => {
  it("wraps the body a synchronous call sends as a chat-completions batch line, its size counted", () => {
    const line = batchLine(request);
    const parsed = JSON.parse(line.text) as Record<string, unknown>;
    expect(parsed).toEqual({
      custom_id: line.customId,
      method: "POST",
      url: "/v1/chat/completions",
      body: {
        model: "gpt-4o-mini",
        messages: [{ role: "user", content: "Why does a chain skip?" }],
        temperature: 0.2,
        max_tokens: 50,
        response_format: {
          type: "json_schema",
          json_schema: { name: "answer", schema: { type: "object" }, strict: false },
        },
      },
    });
    expect(line.bytes).toBe(Buffer.byteLength(line.text) + 1);
  });

  it("gives the same request the same custom_id in any process, and another request another", () => {
    expect(batchLine(request).customId).toBe(batchLine(structuredClone(request)).customId);
    expect(batchLine(request).customId).toMatch(/^df-[0-9a-f]{40}$/);
    const warmer = { ...request, settings: { ...request.settings, temperature: 0.3 } };
    expect(batchLine(warmer).customId).not.toBe(batchLine(request).customId);
    // Key order does not matter: the body is hashed as canonical JSON.
    expect(customId({ a: 1, b: [1, 2] })).toBe(customId({ b: [1, 2], a: 1 }));
  });
});
