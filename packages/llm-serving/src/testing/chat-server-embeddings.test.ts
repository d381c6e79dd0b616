// Through the package's own subpath export, as other packages' tests import it.
import {
  type ChatServer,
  type ChatServerOptions,
  hashEmbedding,
  startChatServer,
} from "@dataflow/llm-serving/testing";
import OpenAI from "openai";
import { afterEach, describe, expect, it } from "vitest";

let server: ChatServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(options?: ChatServerOptions): Promise<ChatServer> {
  server = await startChatServer(options);
  return server;
}

interface EmbeddingList {
  object: string;
  data: { object: string; index: number; embedding: number[] | string }[];
  model: string;
  usage: { prompt_tokens: number; total_tokens: number };
}

function post(s: ChatServer, body: unknown): Promise<Response> {
  return fetch(`${s.url}/embeddings`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: "Bearer sk-secret-key" },
    body: JSON.stringify(body),
  });
}

async function json<T>(res: Response | Promise<Response>): Promise<T> {
  return (await (await res).json()) as T;
}

describe("the test server's /v1/embeddings", () => {
  it("answers the OpenAI list of float vectors: hashed bags of words of 64 dimensions by default", async () => {
    const s = await start();
    const res = await post(s, { model: "e1", input: ["The cat sat", "a dog"], encoding_format: "float" });
    expect(res.status).toBe(200);
    const body = await json<EmbeddingList>(res);
    expect(body).toEqual({
      object: "list",
      data: [
        { object: "embedding", index: 0, embedding: hashEmbedding("The cat sat", 64) },
        { object: "embedding", index: 1, embedding: hashEmbedding("a dog", 64) },
      ],
      model: "e1",
      usage: { prompt_tokens: 3 + 2, total_tokens: 3 + 2 },
    });
    // A single string is one input; `dimensions` sizes the default embedding.
    const one = await json<EmbeddingList>(post(s, { model: "e1", input: "cat", dimensions: 8 }));
    expect(one.data).toEqual([{ object: "embedding", index: 0, embedding: hashEmbedding("cat", 8) }]);
    expect(s.requests.map((r) => [r.path, r.index, r.outcome])).toEqual([
      ["/v1/embeddings", 0, "reply"],
      ["/v1/embeddings", 1, "reply"],
    ]);
    expect(s.requests[0]?.headers).not.toHaveProperty("authorization");
    expect(JSON.stringify(s.requests)).not.toContain("sk-secret-key");
  });

  it("speaks base64 float32 when asked, as the openai SDK does by default, which decodes it", async () => {
    const s = await start({ embeddingDims: 16 });
    const client = new OpenAI({ baseURL: s.url, apiKey: "sk-test", maxRetries: 0 });
    const response = await client.embeddings.create({ model: "e1", input: ["one two three"] });
    expect(s.requests[0]?.body).toMatchObject({ encoding_format: "base64" });
    const expected = Array.from(Float32Array.from(hashEmbedding("one two three", 16)));
    expect(response.data[0]?.embedding).toEqual(expected);
    const floats = await client.embeddings.create({ model: "e1", input: ["x"], encoding_format: "float" });
    expect(floats.data[0]?.embedding).toEqual(hashEmbedding("x", 16));
  });

  it("takes scripted vectors per text, or per request (a wrong count included)", async () => {
    const s = await start({ embed: (text) => [text.length, Number.NaN] });
    const body = await json<EmbeddingList>(post(s, { model: "e", input: ["abc"] }));
    // NaN cannot be JSON: it goes out as null, as a broken server's would.
    expect(body.data[0]?.embedding).toEqual([3, null]);
    await s.close();

    const batch = await start({ embedBatch: (req) => [[req.index, req.input.length]] });
    const answer = await json<EmbeddingList>(post(batch, { model: "e", input: ["a", "b", "c"] }));
    expect(answer.data.map((d) => d.embedding)).toEqual([[0, 3]]);
  });

  it("injects faults with the chat faults' semantics, matched against the inputs", async () => {
    const s = await start({
      embeddingFaults: [
        { match: "limit", fault: { status: 429, retryAfter: 2 }, times: 1 },
        { match: /^broken/, fault: "malformed" },
      ],
    });
    const limited = await post(s, { model: "e", input: ["x", "limit me"] });
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("2");
    expect(await json(limited)).toMatchObject({ error: { type: "rate_limit_error" } });
    expect((await post(s, { model: "e", input: ["limit me"] })).status).toBe(200);
    const malformed = await post(s, { model: "e", input: ["broken text"] });
    expect(malformed.status).toBe(200);
    await expect(malformed.json()).rejects.toThrow();
    expect(s.requests.map((r) => [r.outcome, r.rule])).toEqual([
      ["error-status", 0],
      ["reply", undefined],
      ["malformed", 1],
    ]);
  });

  it("refuses input it cannot embed with a 400 saying why", async () => {
    const s = await start();
    const cases: [unknown, RegExp][] = [
      [{ model: "e", input: [] }, /non-empty array of strings/],
      [{ model: "e", input: ["a", ""] }, /input\[1\] is an empty string/],
      [{ model: "e", input: [[1, 2]] }, /input\[0\] is not a string/],
      [{ model: "e", input: ["a"], encoding_format: "int8" }, /encoding_format must be "float" or "base64"/],
      [{ model: "e", input: ["a"], dimensions: 0 }, /dimensions must be a positive integer/],
    ];
    for (const [body, message] of cases) {
      const res = await post(s, body);
      expect(res.status).toBe(400);
      expect((await json<{ error: { message: string } }>(res)).error.message).toMatch(message);
    }
    expect(s.requests.every((r) => r.outcome === "bad-request")).toBe(true);
  });

  it("answers 500 when a scripted embed function throws", async () => {
    const s = await start({
      embed: () => {
        throw new Error("boom");
      },
    });
    const res = await post(s, { model: "e", input: ["a"] });
    expect(res.status).toBe(500);
    expect((await json<{ error: { message: string } }>(res)).error.message).toMatch(
      /embed function threw: Error: boom/,
    );
  });
});
