import type { JSONSchema } from "@dataflow/core";
import { LLMError } from "@dataflow/core";
// Through the package's own subpath export, as plugin authors import it.
import { type ChatServer, type ChatServerOptions, startChatServer } from "@dataflow/llm-serving/testing";
import OpenAI from "openai";
import { afterEach, describe, expect, it, vi } from "vitest";
import { parseStructured } from "../output/parse-structured.js";

let server: ChatServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function setup(options?: ChatServerOptions, timeout = 5_000) {
  server = await startChatServer(options);
  // maxRetries 0: each test sees exactly one request and the raw failure.
  const client = new OpenAI({ baseURL: server.url, apiKey: "sk-test-secret", maxRetries: 0, timeout });
  return { s: server, client };
}

const ask = (client: OpenAI, content: string) =>
  client.chat.completions.create({ model: "tiny", messages: [{ role: "user", content }] });

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error("expected the request to fail");
}

describe("the test server through the openai SDK", () => {
  it("answers chat completions with usage and reasoning_content", async () => {
    const { s, client } = await setup({
      defaultReply: (req) => ({ content: `echo: ${req.prompt}`, reasoningContent: "hmm" }),
    });
    const completion = await client.chat.completions.create({
      model: "tiny",
      messages: [
        { role: "system", content: "sys" },
        { role: "user", content: "hello" },
      ],
      temperature: 0.2,
      seed: 7,
    });
    const message = completion.choices[0]?.message;
    expect(message?.content).toBe("echo: sys\nhello");
    expect((message as unknown as { reasoning_content?: string }).reasoning_content).toBe("hmm");
    expect(completion.model).toBe("tiny");
    expect(completion.usage).toEqual({ prompt_tokens: 3, completion_tokens: 5, total_tokens: 8 });

    const [entry] = s.requests;
    expect(entry?.body).toMatchObject({ temperature: 0.2, seed: 7 });
    expect(entry?.headers.authorization).toBeUndefined();
    expect(JSON.stringify(s.requests)).not.toContain("sk-test-secret");
  });

  it("lists models", async () => {
    const { client } = await setup({ models: ["tiny", "small"] });
    const ids: string[] = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids).toEqual(["tiny", "small"]);
  });

  it("serves schema-valid and schema-invalid JSON replies for structured output", async () => {
    const schema: JSONSchema = {
      type: "object",
      properties: { answer: { type: "integer" } },
      required: ["answer"],
    };
    const { s, client } = await setup({
      rules: [
        { match: "bad", reply: '```json\n{"answer": "four"}\n```' },
        { reply: '<think>2 + 2</think>\nSure: {"answer": 4}' },
      ],
    });
    const request = (content: string) =>
      client.chat.completions.create({
        model: "tiny",
        messages: [{ role: "user", content }],
        response_format: { type: "json_schema", json_schema: { name: "sum", schema } },
      });
    const good = await request("2 + 2?");
    expect(parseStructured(good.choices[0]?.message.content ?? "", schema)).toEqual({ answer: 4 });
    expect(s.requests[0]?.body).toMatchObject({ response_format: { json_schema: { schema } } });

    const bad = await request("bad 2 + 2?");
    const err = await failure(
      Promise.resolve().then(() => parseStructured(bad.choices[0]?.message.content ?? "", schema)),
    );
    expect(err).toBeInstanceOf(LLMError);
    expect(err).toMatchObject({ kind: "bad-output", raw: '```json\n{"answer": "four"}\n```' });
  });

  it("rate-limits with 429 and Retry-After", async () => {
    const { client } = await setup({ rules: [{ fault: { status: 429, retryAfter: 1 } }] });
    const err = await failure(ask(client, "hi"));
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    const rateLimited = err as InstanceType<typeof OpenAI.RateLimitError>;
    expect(rateLimited.status).toBe(429);
    expect(rateLimited.headers.get("retry-after")).toBe("1");
  });

  it("fails with 500", async () => {
    const { client } = await setup({ rules: [{ fault: { status: 500 }, times: 1 }] });
    expect(await failure(ask(client, "hi"))).toBeInstanceOf(OpenAI.InternalServerError);
    // The rule is used up: the next request succeeds.
    expect((await ask(client, "hi")).choices[0]?.message.content).toBe("hi");
  });

  it("hangs until the client's timeout aborts the request", async () => {
    const { s, client } = await setup({ rules: [{ fault: "hang" }] }, 200);
    expect(await failure(ask(client, "hi"))).toBeInstanceOf(OpenAI.APIConnectionTimeoutError);
    await vi.waitFor(() => expect(s.requests[0]).toMatchObject({ outcome: "hang", aborted: true }));
  });

  // The SDK reports the next two as plain errors, not APIError: servings must map them to "transport".
  it("truncates the body: the SDK fails while reading it", async () => {
    const { client } = await setup({ rules: [{ fault: "truncated" }] });
    const err = await failure(ask(client, "hi"));
    expect(err).toBeInstanceOf(TypeError);
    expect((err as Error).message).toMatch(/terminated/);
  });

  it("sends a malformed body: the SDK fails to parse it", async () => {
    const { client } = await setup({ rules: [{ fault: "malformed" }] });
    expect(await failure(ask(client, "hi"))).toBeInstanceOf(SyntaxError);
  });

  it("refuses streaming with 400", async () => {
    const { client } = await setup();
    const err = await failure(
      client.chat.completions.create({
        model: "tiny",
        stream: true,
        messages: [{ role: "user", content: "hi" }],
      }),
    );
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as Error).message).toMatch(/stream: true is not supported/);
  });

  it("sees concurrent SDK requests in flight together", async () => {
    const n = 16;
    let arrived = 0;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { s, client } = await setup({
      defaultReply: async () => {
        if (++arrived === n) release();
        await gate;
        return "ok";
      },
    });
    const results = await Promise.all(Array.from({ length: n }, (_, i) => ask(client, `q${i}`)));
    expect(results.every((r) => r.choices[0]?.message.content === "ok")).toBe(true);
    expect(s.maxInFlight).toBe(n);
    expect(s.requests.map((r) => r.index).sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual(
      Array.from({ length: n }, (_, i) => i),
    );
  });
});
