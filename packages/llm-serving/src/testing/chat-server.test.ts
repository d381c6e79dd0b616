import { afterEach, describe, expect, it, vi } from "vitest";
import { type ChatServer, type ChatServerOptions, startChatServer } from "./chat-server.js";

let server: ChatServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(options?: ChatServerOptions): Promise<ChatServer> {
  server = await startChatServer(options);
  return server;
}

interface Completion {
  id: string;
  created: number;
  choices: { message: { content: string; reasoning_content?: string } }[];
}
interface ErrorReply {
  error: { message: string; type: string; code: string | null };
}
interface ModelList {
  object: string;
  data: { id: string }[];
}

async function json<T>(res: Response | Promise<Response>): Promise<T> {
  return (await (await res).json()) as T;
}

function chat(s: ChatServer, content: string, extra: Record<string, unknown> = {}, init: RequestInit = {}) {
  return fetch(`${s.url}/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: "Bearer sk-secret" },
    body: JSON.stringify({ model: "m1", messages: [{ role: "user", content }], ...extra }),
    ...init,
  });
}

describe("startChatServer", () => {
  it("binds 127.0.0.1 and answers an OpenAI-compatible completion", async () => {
    const s = await start({ defaultReply: { content: "hello there", reasoningContent: "thinking" } });
    expect(s.url).toBe(`http://127.0.0.1:${s.port}/v1`);
    const res = await chat(s, "12345678");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json");
    const body = await json<Completion>(res);
    expect(body).toMatchObject({
      id: "chatcmpl-test-0",
      object: "chat.completion",
      model: "m1",
      choices: [
        {
          index: 0,
          message: { role: "assistant", content: "hello there", reasoning_content: "thinking" },
          finish_reason: "stop",
        },
      ],
      usage: { prompt_tokens: 2, completion_tokens: 5, total_tokens: 7 },
    });
    expect(typeof body.created).toBe("number");

    const [entry] = s.requests;
    expect(entry).toMatchObject({
      method: "POST",
      path: "/v1/chat/completions",
      outcome: "reply",
      status: 200,
    });
    expect(entry?.body).toMatchObject({ model: "m1" });
    expect(entry?.headers.authorization).toBeUndefined();
    expect(entry?.headers["content-type"]).toBe("application/json");
    expect(entry?.repliedAt).toBeGreaterThanOrEqual(entry?.receivedAt ?? Number.POSITIVE_INFINITY);
  });

  it("echoes the last user message by default", async () => {
    const s = await start();
    const res = await fetch(`${s.url}/chat/completions`, {
      method: "POST",
      body: JSON.stringify({
        model: "m",
        messages: [
          { role: "system", content: "be brief" },
          {
            role: "user",
            content: [
              { type: "text", text: "part one, " },
              { type: "text", text: "part two" },
            ],
          },
        ],
      }),
    });
    const body = await json<Completion>(res);
    expect(body.choices[0]?.message.content).toBe("part one, part two");
    expect(body.choices[0]?.message.reasoning_content).toBeUndefined();
  });

  it("lists models", async () => {
    const s = await start({ models: ["a", "b"] });
    const body = await json<ModelList>(fetch(`${s.url}/models`));
    expect(body.object).toBe("list");
    expect(body.data.map((m) => m.id)).toEqual(["a", "b"]);
  });

  it("refuses streaming, bad bodies and unknown paths with clear errors", async () => {
    const s = await start();
    const streamed = await chat(s, "hi", { stream: true });
    expect(streamed.status).toBe(400);
    expect((await json<ErrorReply>(streamed)).error.message).toMatch(/stream: true is not supported/);

    const notJson = await fetch(`${s.url}/chat/completions`, { method: "POST", body: "{nope" });
    expect(notJson.status).toBe(400);
    expect((await json<ErrorReply>(notJson)).error.type).toBe("invalid_request_error");

    const noMessages = await fetch(`${s.url}/chat/completions`, { method: "POST", body: "{}" });
    expect((await json<ErrorReply>(noMessages)).error.message).toMatch(/messages must be an array/);

    const missing = await fetch(`${s.url}/completions`, { method: "POST", body: "{}" });
    expect(missing.status).toBe(404);
    expect(s.requests.map((r) => r.outcome)).toEqual([
      "bad-request",
      "bad-request",
      "bad-request",
      "not-found",
    ]);
  });

  it("answers by rules: substring, regexp, predicate, times, then the default", async () => {
    const s = await start({
      rules: [
        { match: "capital", reply: "Paris", times: 1 },
        { match: /^translate/i, reply: (req) => `translated #${req.index}` },
        { match: (req) => req.body.response_format !== undefined, reply: '{"ok": true}' },
      ],
      defaultReply: "fallback",
    });
    const answer = async (content: string, extra?: Record<string, unknown>) =>
      (await json<Completion>(chat(s, content, extra))).choices[0]?.message.content;
    expect(await answer("What is the capital of France?")).toBe("Paris");
    expect(await answer("What is the capital of France?")).toBe("fallback");
    expect(await answer("Translate this")).toBe("translated #2");
    expect(await answer("json please", { response_format: { type: "json_object" } })).toBe('{"ok": true}');
    expect(s.requests.map((r) => r.rule)).toEqual([0, undefined, 1, 2]);
  });

  it("injects 429 with Retry-After and 500 faults", async () => {
    const s = await start({
      rules: [
        { match: "limit", fault: { status: 429, retryAfter: 2 } },
        { match: "crash", fault: { status: 500 } },
      ],
    });
    const limited = await chat(s, "limit");
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("2");
    expect((await json<ErrorReply>(limited)).error).toMatchObject({
      type: "rate_limit_error",
      code: "rate_limit_exceeded",
    });

    const crashed = await chat(s, "crash");
    expect(crashed.status).toBe(500);
    expect(crashed.headers.get("retry-after")).toBeNull();
    expect((await json<ErrorReply>(crashed)).error.type).toBe("server_error");
    expect(s.requests.map((r) => r.status)).toEqual([429, 500]);
  });

  it("sends a malformed body: a complete 200 response that is not JSON", async () => {
    const s = await start({ rules: [{ fault: "malformed" }] });
    const res = await chat(s, "hi");
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text.length).toBeGreaterThan(0);
    expect(() => JSON.parse(text)).toThrow(SyntaxError);
    expect(s.requests[0]?.outcome).toBe("malformed");
  });

  it("truncates a body: headers promise more than is sent before the connection closes", async () => {
    const s = await start({ rules: [{ fault: "truncated" }] });
    const res = await chat(s, "hi");
    expect(res.status).toBe(200);
    expect(Number(res.headers.get("content-length"))).toBeGreaterThan(0);
    await expect(res.text()).rejects.toThrow();
    expect(s.requests[0]).toMatchObject({ outcome: "truncated" });
    expect(s.requests[0]?.aborted).toBeUndefined();
  });

  it("hangs until the client aborts", async () => {
    const s = await start({ rules: [{ fault: "hang" }] });
    await expect(chat(s, "hi", {}, { signal: AbortSignal.timeout(100) })).rejects.toThrow(/abort|timeout/i);
    await vi.waitFor(() => expect(s.requests[0]?.aborted).toBe(true));
    expect(s.requests[0]?.outcome).toBe("hang");
    expect(s.inFlight).toBe(0);
  });

  it("closes promptly with a hung request pending", async () => {
    const s = await start({ rules: [{ fault: "hang" }], latencyMs: 60_000 });
    const hung = chat(s, "hi").then(
      (res) => res.text(),
      (err: unknown) => err,
    );
    const slow = await startChatServer({ latencyMs: 60_000 });
    const delayed = chat(slow, "slow").then(
      (res) => res.text(),
      (err: unknown) => err,
    );
    await vi.waitFor(() => expect(s.inFlight + slow.inFlight).toBe(2));

    // Never reaches the 60 s latency nor waits on the hung socket: both closes settle now.
    let timer: NodeJS.Timeout | undefined;
    const tooLong = new Promise<string>((resolve) => {
      timer = setTimeout(() => resolve("close() did not return"), 5_000);
    });
    const closed = Promise.all([s.close(), slow.close()]).then(() => "closed");
    expect(await Promise.race([closed, tooLong])).toBe("closed");
    clearTimeout(timer);
    expect(await hung).toBeInstanceOf(Error);
    expect(await delayed).toBeInstanceOf(Error);
    expect(slow.requests[0]?.aborted).toBe(true);
    await s.close(); // idempotent
  });

  it("records arrival and reply times and the most requests in flight", async () => {
    const n = 8;
    let release!: () => void;
    const allArrived = new Promise<void>((resolve) => {
      release = resolve;
    });
    let arrived = 0;
    const s = await start({
      defaultReply: async (req) => {
        if (++arrived === n) release();
        await allArrived;
        return `done ${req.index}`;
      },
    });
    const replies = await Promise.all(
      Array.from({ length: n }, (_, i) => chat(s, `q${i}`).then((r) => r.json())),
    );
    expect(replies).toHaveLength(n);
    expect(s.maxInFlight).toBe(n);
    const lastArrival = Math.max(...s.requests.map((r) => r.receivedAt));
    for (const r of s.requests) expect(r.repliedAt).toBeGreaterThanOrEqual(lastArrival);
    expect(s.inFlight).toBe(0);
  });

  it("applies latency per server and per reply", async () => {
    const s = await start({
      latencyMs: (req) => (req.prompt === "slow" ? 30 : 0),
      rules: [{ match: "override", reply: { content: "x", latencyMs: 20 } }],
    });
    await chat(s, "slow");
    await chat(s, "override");
    await chat(s, "fast");
    const [slow, override] = s.requests;
    // Lower bounds only: latency is a floor, never asserted as a wall-clock ceiling.
    expect((slow?.repliedAt ?? 0) - (slow?.receivedAt ?? 0)).toBeGreaterThanOrEqual(25);
    expect((override?.repliedAt ?? 0) - (override?.receivedAt ?? 0)).toBeGreaterThanOrEqual(15);
  });

  it("injects random faults repeatably from a seed", async () => {
    const options: ChatServerOptions = {
      randomFaults: [
        { probability: 0.1, fault: { status: 429, retryAfter: 1 } },
        { probability: 0.05, fault: { status: 500 } },
      ],
      seed: 42,
    };
    const statuses = async (): Promise<number[]> => {
      const s = await startChatServer(options);
      try {
        const out: number[] = [];
        for (let i = 0; i < 120; i++) {
          const res = await chat(s, `q${i}`);
          await res.arrayBuffer();
          out.push(res.status);
        }
        expect(s.requests.filter((r) => r.randomFault).length).toBe(out.filter((x) => x !== 200).length);
        return out;
      } finally {
        await s.close();
      }
    };
    const first = await statuses();
    expect(await statuses()).toEqual(first);
    const count = (status: number) => first.filter((x) => x === status).length;
    expect(count(429)).toBeGreaterThan(3);
    expect(count(429)).toBeLessThan(30);
    expect(count(500)).toBeGreaterThan(0);
    expect(count(500)).toBeLessThan(20);
  });

  it("answers 500 when a reply function throws", async () => {
    const s = await start({
      defaultReply: () => {
        throw new Error("boom");
      },
    });
    const res = await chat(s, "hi");
    expect(res.status).toBe(500);
    expect((await json<ErrorReply>(res)).error.message).toMatch(/boom/);
  });

  it("rejects impossible fault probabilities and rule counts", async () => {
    await expect(
      startChatServer({
        randomFaults: [
          { probability: 0.7, fault: "hang" },
          { probability: 0.7, fault: "hang" },
        ],
      }),
    ).rejects.toThrow(RangeError);
    await expect(startChatServer({ rules: [{ reply: "x", times: -1 }] })).rejects.toThrow(/times/);
  });
});
