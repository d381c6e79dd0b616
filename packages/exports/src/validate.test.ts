import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ExportError } from "./export-error.js";
import { assertValidExport, type ExportFormat, validateExport } from "./validate.js";

const expected = (name: string) =>
  JSON.parse(readFileSync(new URL(`./testdata/${name}.expected.json`, import.meta.url), "utf8"));

const errorsOf = (format: ExportFormat, record: unknown) => validateExport(format, record).errors;

describe("validateExport: openai-chat", () => {
  const user = { role: "user", content: "q" };
  const assistant = { role: "assistant", content: "a", weight: 1 };

  it("names the schema's complaints by JSON pointer", () => {
    expect(errorsOf("openai-chat", { messages: [user, { ...assistant, weight: 2 }] })).toEqual([
      "/messages/1/weight must be equal to one of the allowed values (0, 1)",
    ]);
    expect(errorsOf("openai-chat", { messages: [{ ...user, weight: 1 }, assistant] })).toEqual([
      '/messages/0 must NOT have additional properties ("weight")',
    ]);
    expect(errorsOf("openai-chat", { messages: [user, assistant], extra: 1 })).toEqual([
      '/ must NOT have additional properties ("extra")',
    ]);
    expect(errorsOf("openai-chat", { messages: [{ role: "developer", content: "x" }, assistant] })).toEqual([
      '/messages/0/role must be equal to one of the allowed values ("system", "user", "assistant", "tool")',
    ]);
    expect(errorsOf("openai-chat", { messages: [user, { role: "tool", content: "r" }, assistant] })).toEqual([
      "/messages/1 must have required property 'tool_call_id'",
    ]);
  });

  it("needs a trained assistant message with something in it", () => {
    expect(errorsOf("openai-chat", { messages: [user, { ...assistant, weight: 0 }] })).toEqual([
      "/messages must contain at least 1 valid item(s): an assistant message without weight 0, for the fine-tune to learn",
    ]);
    expect(errorsOf("openai-chat", { messages: [user, { ...assistant, content: "" }] })).toEqual([
      "/messages/1/content must NOT have fewer than 1 characters",
      "/messages/1 must have required property 'tool_calls'",
      "/messages/1 must match a schema in anyOf",
    ]);
  });

  it("checks tool calls against their answers and the tools list", () => {
    const call = (id: string, name = "search", args = '{"query":"x"}') => ({
      role: "assistant",
      content: null,
      tool_calls: [{ id, type: "function", function: { name, arguments: args } }],
      weight: 1,
    });
    const tools = expected("openai-chat.trajectory.tool").tools;
    const answer = (id: string) => ({ role: "tool", tool_call_id: id, content: "r" });
    expect(
      errorsOf("openai-chat", { messages: [user, call("a"), answer("b"), call("c", "finish")], tools }),
    ).toEqual(['/messages/2: tool message answers "b", which no earlier assistant message called']);
    expect(
      errorsOf("openai-chat", {
        messages: [user, call("a"), answer("a"), answer("a"), call("a", "finish")],
        tools,
      }),
    ).toEqual([
      '/messages/3: tool call "a" is answered twice',
      '/messages/4: tool call id "a" is used twice',
    ]);
    expect(errorsOf("openai-chat", { messages: [user, call("a", "lookup", "[1]")], tools })).toEqual([
      '/messages/1: the arguments of tool call "a" are not a JSON-encoded object',
      '/messages/1: tool call "a" calls "lookup", which tools does not define',
    ]);
    expect(errorsOf("openai-chat", { messages: [user, call("a"), answer("a")], tools })).toEqual([
      '/messages/2: the last message is "tool"; an example ends with the assistant\'s turn',
    ]);
  });
});

describe("validateExport: sharegpt", () => {
  const turn = (from: string, value = "text") => ({ from, value });

  it("enforces LLaMA-Factory's alternation, which no JSON Schema states", () => {
    expect(
      errorsOf("sharegpt", { conversations: [turn("human"), turn("gpt"), turn("gpt"), turn("observation")] }),
    ).toEqual([
      '/conversations/2: turn 3 is "gpt", but odd turns must be "human" or "observation" (LLaMA-Factory skips the example otherwise)',
      '/conversations/3: turn 4 is "observation", but even turns must be "gpt" or "function_call" (LLaMA-Factory skips the example otherwise)',
    ]);
    expect(
      errorsOf("sharegpt", { conversations: [turn("human"), turn("gpt"), turn("observation")] }),
    ).toEqual([
      "3 turns: LLaMA-Factory needs an even number (every human/observation turn answered by a gpt/function_call turn)",
    ]);
    expect(
      errorsOf("sharegpt", {
        conversations: [turn("human"), turn("function_call"), turn("observation", ""), turn("gpt")],
      }),
    ).toEqual([]);
  });

  it("checks the shape", () => {
    expect(errorsOf("sharegpt", { conversations: [turn("user"), turn("gpt", "")] })).toEqual([
      '/conversations/0/from must be equal to one of the allowed values ("human", "observation", "gpt", "function_call")',
      "/conversations/1/value must NOT have fewer than 1 characters",
    ]);
    expect(errorsOf("sharegpt", { conversations: [turn("human"), turn("gpt")], system: "" })).toEqual([
      "/system must NOT have fewer than 1 characters",
    ]);
  });
});

describe("validateExport: trl", () => {
  it("accepts either layout, nothing in between", () => {
    expect(errorsOf("trl", expected("trl.rare"))).toEqual([]);
    expect(errorsOf("trl", expected("trl.trajectory"))).toEqual([]);
    expect(errorsOf("trl", { ...expected("trl.rare"), messages: [] })).toEqual([
      '/ must NOT have additional properties ("prompt")',
      '/ must NOT have additional properties ("completion")',
      "/messages must NOT have fewer than 2 items",
      "/messages must contain at least 1 valid item(s): an assistant message, for the trainer to learn",
    ]);
    expect(errorsOf("trl", { prompt: [{ role: "user", content: "q" }] })).toEqual([
      "/ must have required property 'completion'",
    ]);
  });

  it("keeps messages to {role, content}, a system message first, an assistant last", () => {
    const msg = (role: string, content = "x") => ({ role, content });
    expect(errorsOf("trl", { messages: [msg("user"), msg("system"), msg("assistant")] })).toEqual([
      '/messages/1/role must be equal to one of the allowed values ("user", "assistant", "tool")',
    ]);
    expect(errorsOf("trl", { messages: [msg("user"), { ...msg("assistant"), weight: 1 }] })).toEqual([
      '/messages/1 must NOT have additional properties ("weight")',
    ]);
    expect(errorsOf("trl", { messages: [msg("user"), msg("assistant"), msg("tool", "")] })).toEqual([
      '/messages/2: the last message is "tool"; an example ends with the assistant\'s turn',
    ]);
    expect(errorsOf("trl", { prompt: [msg("user")], completion: [msg("user")] })).toEqual([
      '/completion/0/role must be equal to one of the allowed values ("assistant")',
    ]);
  });
});

describe("validateExport: rearag", () => {
  it("applies ReaRAG's cleaning rules after the schema", () => {
    const record = expected("rearag.trajectory");
    expect(errorsOf("rearag", record)).toEqual([]);
    const swapped = {
      messages: [record.messages[0], record.messages[2], record.messages[1], ...record.messages.slice(3)],
    };
    expect(errorsOf("rearag", swapped)).toEqual([
      "message 2 is an observation after the question; observations only follow a search",
      "message 4: step 1 searched but is followed by another assistant step, not an observation",
    ]);
    expect(
      errorsOf("rearag", { messages: [record.messages[0], { role: "assistant", content: "x" }] }),
    ).toEqual([
      "/messages/1 must have required property 'reasoning'",
      '/messages/1 must NOT have additional properties ("content")',
    ]);
  });
});

describe("assertValidExport", () => {
  it("throws an invalid-record ExportError carrying the errors and the record", () => {
    const record = {
      conversations: [
        { from: "gpt", value: "a" },
        { from: "human", value: "q" },
      ],
    };
    let error: unknown;
    try {
      assertValidExport("sharegpt", record);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ExportError);
    const e = error as ExportError;
    expect(e.kind).toBe("invalid-record");
    expect(e.message).toMatch(
      /^the sharegpt record does not match its format: \/conversations\/0: turn 1 is "gpt"/,
    );
    expect(e.problems).toHaveLength(2);
    expect(JSON.parse(e.raw as string)).toEqual(record);
    expect(() => assertValidExport("sharegpt", expected("sharegpt.rare"))).not.toThrow();
  });

  it("refuses an unknown format", () => {
    expect(() => validateExport("alpaca" as ExportFormat, {})).toThrow(
      'unknown export format "alpaca"; use one of openai-chat, sharegpt, trl, rearag',
    );
  });
});
