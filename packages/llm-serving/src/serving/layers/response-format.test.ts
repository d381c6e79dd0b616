import { type JSONSchema, LLMError } from "@dataflow/core";
import { describe, expect, it, vi } from "vitest";
import type { TransportRequest, TransportResult } from "../transport.js";
import type { ChatCall } from "./chat-call.js";
import { newCall } from "./layer.js";
import { responseFormat, transportRequest } from "./response-format.js";

const schema: JSONSchema = { type: "object", properties: { a: { type: "integer" } } };
const chat = (over: Partial<ChatCall> = {}): ChatCall => ({
  messages: [
    { role: "system", content: "You add." },
    { role: "user", content: "1 + 1?" },
  ],
  settings: { temperature: 0 },
  ...over,
});
const refusal = () =>
  new LLMError("bad-request", "HTTP 400: response_format is not supported", { status: 400 });

/** A server that refuses response_format (or not), recording what it was sent. */
function server(refuses: (request: TransportRequest) => boolean) {
  const sent: TransportRequest[] = [];
  const send = async (request: TransportRequest): Promise<TransportResult> => {
    sent.push(request);
    if (refuses(request)) throw refusal();
    return { text: '{"a": 2}' };
  };
  return { sent, send };
}

describe("responseFormat", () => {
  it("sends a call without a schema as it is", async () => {
    const s = server(() => false);
    await responseFormat("m", vi.fn())(s.send)(chat(), newCall(undefined, undefined));
    expect(s.sent).toEqual([{ model: "m", messages: chat().messages, settings: { temperature: 0 } }]);
  });

  it("asks for the schema in response_format, under a name OpenAI accepts", async () => {
    const s = server(() => false);
    await responseFormat("m", vi.fn())(s.send)(
      chat({ schema, schemaName: "sum of two!" }),
      newCall(undefined, undefined),
    );
    expect(s.sent[0]?.responseFormat).toEqual({ name: "sum_of_two_", schema });
    expect(s.sent[0]?.messages).toEqual(chat().messages);
  });

  it("asks again with the schema in the prompt when the server refuses it, and remembers", async () => {
    const warn = vi.fn();
    const s = server((r) => r.responseFormat !== undefined);
    const send = responseFormat("m", warn)(s.send);
    const call = newCall(undefined, undefined);
    expect(await send(chat({ schema }), call)).toEqual({ text: '{"a": 2}' });
    expect(s.sent.map((r) => r.responseFormat !== undefined)).toEqual([true, false]);
    expect(s.sent[1]?.messages[0]?.content).toMatch(/^You add\.\n\nAnswer with a single JSON value/);
    // Not a retry: the call's count is untouched.
    expect(call.attempts.retries).toBe(0);
    await send(chat({ schema }), newCall(undefined, undefined));
    expect(s.sent.map((r) => r.responseFormat !== undefined)).toEqual([true, false, false]);
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it("keeps response_format for a server seen to accept it, failing a later 400 as it is", async () => {
    let refuse = false;
    const s = server(() => refuse);
    const send = responseFormat("m", vi.fn())(s.send);
    await send(chat({ schema }), newCall(undefined, undefined));
    refuse = true;
    await expect(send(chat({ schema }), newCall(undefined, undefined))).rejects.toMatchObject({
      status: 400,
    });
    expect(s.sent).toHaveLength(2);
  });

  it("re-asks only for a refusal of the request's form, not for other failures", async () => {
    const send = responseFormat(
      "m",
      vi.fn(),
    )(async () => {
      throw new LLMError("bad-request", "HTTP 401", { status: 401 });
    });
    await expect(send(chat({ schema }), newCall(undefined, undefined))).rejects.toMatchObject({
      status: 401,
    });
  });
});

describe("transportRequest", () => {
  it("puts the schema in the first system message, or a new one in front", () => {
    const prompted = transportRequest("m", chat({ messages: [{ role: "user", content: "hi" }], schema }));
    expect(prompted.messages.map((m) => m.role)).toEqual(["system", "user"]);
    expect(prompted).not.toHaveProperty("responseFormat");
    expect(transportRequest("m", chat({ schema }), "response_format").responseFormat?.name).toBe("response");
  });
});
