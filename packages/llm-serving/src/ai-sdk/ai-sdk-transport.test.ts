import { type ChatServer, hashEmbedding, startChatServer } from "@dataflow/llm-serving/testing";
import { afterEach, describe, expect, it } from "vitest";
import { transportRequest } from "../testdata/transport-request.js";
import { AiSdkTransport } from "./ai-sdk-transport.js";

let server: ChatServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const signal = () => new AbortController().signal;

describe("AiSdkTransport", () => {
  it("makes one generateText request per call, returning the raw answer", async () => {
    server = await startChatServer({
      defaultReply: {
        content: "Four.",
        reasoningContent: "adding",
        usage: { promptTokens: 4, completionTokens: 2 },
      },
    });
    const transport = new AiSdkTransport({ baseURL: server.url, apiKey: "k", model: "tiny" });
    const schema = { type: "object" };
    const raw = await transport.chat(transportRequest({ responseFormat: { name: "sum", schema } }), signal());
    expect(raw).toEqual({
      text: "Four.",
      reasoningContent: "adding",
      usage: { promptTokens: 4, completionTokens: 2 },
      model: "tiny",
    });
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]?.body).toMatchObject({
      temperature: 0.5,
      max_tokens: 8,
      response_format: { type: "json_schema", json_schema: { name: "sum", schema, strict: false } },
    });
    expect(server.requests[0]?.body).not.toHaveProperty("stop");
  });

  it("retries nothing itself: a 429 is one request, typed by toLLMError", async () => {
    server = await startChatServer({ rules: [{ fault: { status: 429, retryAfter: 1 } }] });
    const transport = new AiSdkTransport({ baseURL: server.url, apiKey: "k", model: "tiny" });
    const err = await transport
      .chat(transportRequest(), signal())
      .catch((e: unknown) => transport.toLLMError(e));
    expect(err).toMatchObject({ kind: "rate-limited", status: 429, retryAfterMs: 1_000 });
    expect(server.requests).toHaveLength(1);
  });

  it("embeds a batch in one request, as floats of the asked length, in input order", async () => {
    server = await startChatServer({});
    const transport = new AiSdkTransport({
      baseURL: server.url,
      apiKey: "k",
      model: "tiny",
      embeddingDimensions: 16,
    });
    const answer = await transport.embed("e", ["one text", "another"], signal());
    expect(answer.vectors.map((v) => Array.from(v))).toEqual(
      ["one text", "another"].map((t) => hashEmbedding(t, 16)),
    );
    expect(answer).toMatchObject({ model: "e", promptTokens: 4 });
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]?.body).toMatchObject({ model: "e", dimensions: 16 });
  });
});
