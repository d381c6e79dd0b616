import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type JSONSchema, silentLogger } from "@dataflow/core";
import { afterEach, describe, expect, it, vi } from "vitest";
import { CacheWrites } from "../cache-writes.js";
import { ResponseCache } from "../response-cache.js";
import type { TransportResult } from "../transport.js";
import { answerCache } from "./answer-cache.js";
import type { ChatCall } from "./chat-call.js";
import { newCall } from "./layer.js";
import { output } from "./output.js";

const schema: JSONSchema = { type: "object", properties: { a: { type: "integer" } }, required: ["a"] };
const ask = (content: string, over: Partial<ChatCall> = {}): ChatCall => ({
  messages: [{ role: "user", content }],
  settings: { temperature: 0 },
  ...over,
});

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

/** The cache layer over the output layer over a scripted transport, as a serving composes them. */
async function setup(reply: (chat: ChatCall) => TransportResult) {
  dir = await mkdtemp(join(tmpdir(), "dataflow-answer-cache-"));
  const cache = new ResponseCache(dir);
  const sent: ChatCall[] = [];
  const hits: (string | undefined)[] = [];
  const writes = new CacheWrites("s", silentLogger);
  const send = answerCache({ cache, model: "m", writes, onHit: (tag) => hits.push(tag) })(
    output("m")(async (chat) => {
      sent.push(chat);
      return reply(chat);
    }),
  );
  return { cache, sent, hits, send };
}

describe("answerCache", () => {
  it("answers a repeated call from the cache, finished again, sending nothing", async () => {
    const { sent, hits, send } = await setup(() => ({
      text: '<think>r</think>{"a": 1}',
      usage: { promptTokens: 2, completionTokens: 3 },
    }));
    const first = await send(ask("q", { schema }), newCall(undefined, "step"));
    expect(first.result.fromCache).toBe(false);
    const second = await send(ask("q", { schema }), newCall(undefined, "step"));
    expect(second.result).toMatchObject({
      fromCache: true,
      object: { a: 1 },
      reasoning: "r",
      model: "m",
      usage: { promptTokens: 2, completionTokens: 3 },
    });
    expect(sent).toHaveLength(1);
    expect(hits).toEqual(["step"]);
    // Other settings or another schema: another answer.
    await send(ask("q", { schema, settings: { temperature: 1 } }), newCall(undefined, undefined));
    await send(ask("q"), newCall(undefined, undefined));
    expect(sent).toHaveLength(3);
  });

  it("treats an entry that fails the schema as a miss, and replaces it", async () => {
    let text = "not json";
    const { sent, send } = await setup(() => ({ text }));
    await send(ask("q"), newCall(undefined, undefined));
    text = '{"a": 2}';
    const fresh = await send(ask("q", { schema }), newCall(undefined, undefined));
    expect(fresh.result).toMatchObject({ fromCache: false, object: { a: 2 } });
    // The plain call's entry is its own; the schema call's entry now passes.
    expect((await send(ask("q", { schema }), newCall(undefined, undefined))).result.fromCache).toBe(true);
    expect(sent).toHaveLength(2);
  });

  it("never stores an answer that failed", async () => {
    const { cache, send } = await setup(() => ({ text: "no json here" }));
    const set = vi.spyOn(cache, "set");
    await expect(send(ask("q", { schema }), newCall(undefined, undefined))).rejects.toMatchObject({
      kind: "bad-output",
    });
    expect(set).not.toHaveBeenCalled();
  });

  it("answers even when the cache cannot be written, warning once", async () => {
    dir = await mkdtemp(join(tmpdir(), "dataflow-answer-cache-"));
    const cache = new ResponseCache(dir);
    vi.spyOn(cache, "set").mockRejectedValue(new Error("disk full"));
    const logger = { ...silentLogger, warn: vi.fn() };
    const send = answerCache({ cache, model: "m", writes: new CacheWrites("s", logger), onHit() {} })(
      output("m")(async () => ({ text: "ok" })),
    );
    expect((await send(ask("one"), newCall(undefined, undefined))).result.text).toBe("ok");
    expect((await send(ask("two"), newCall(undefined, undefined))).result.text).toBe("ok");
    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(logger.warn.mock.calls[0]?.[0]).toBe('serving "s": cannot write the response cache: disk full');
  });
});
