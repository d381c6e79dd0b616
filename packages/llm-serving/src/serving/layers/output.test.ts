import { type JSONSchema, LLMError } from "@dataflow/core";
import { describe, expect, it } from "vitest";
import { newCall } from "./layer.js";
import { finish, output } from "./output.js";

const schema: JSONSchema = {
  type: "object",
  properties: { answer: { type: "integer" } },
  required: ["answer"],
};
const at = (over = {}) => ({ schema: undefined, model: "m", startedAt: performance.now(), ...over });

describe("finish", () => {
  it("splits reasoning off, from <think> blocks and from reasoning_content", () => {
    expect(finish({ text: "<think>2 + 2</think>\nFour." }, at())).toMatchObject({
      text: "Four.",
      reasoning: "2 + 2",
    });
    expect(finish({ text: "Four.", reasoningContent: "adding" }, at())).toMatchObject({
      text: "Four.",
      reasoning: "adding",
    });
  });

  it("returns the validated object for a schema, from a chatty answer", () => {
    const result = finish({ text: 'Sure! {"answer": 4}' }, at({ schema }));
    expect(result.object).toEqual({ answer: 4 });
  });

  it("fails bad output typed, carrying the raw output with its reasoning", () => {
    let err = (() => {
      try {
        finish({ text: "I cannot.", reasoningContent: "no" }, at({ schema }));
      } catch (e) {
        return e;
      }
    })() as LLMError;
    expect(err).toBeInstanceOf(LLMError);
    expect(err).toMatchObject({ kind: "bad-output", raw: "<think>\nno\n</think>\nI cannot." });
    err = (() => {
      try {
        finish({ text: "<think>hmm</think>" }, at());
      } catch (e) {
        return e;
      }
    })() as LLMError;
    expect(err).toMatchObject({ kind: "bad-output", raw: "<think>hmm</think>" });
    expect(err.message).toBe("the model returned no answer after its reasoning");
    expect(() => finish({ text: "  " }, at())).toThrow("the model returned an empty answer");
  });

  it("names the answering model, the usage, the latency and where it came from", () => {
    const startedAt = performance.now() - 50;
    const plain = finish({ text: "ok" }, at({ startedAt }));
    expect(plain).toMatchObject({
      model: "m",
      usage: { promptTokens: 0, completionTokens: 0 },
      fromCache: false,
    });
    expect(plain.latencyMs).toBeGreaterThanOrEqual(50);
    const usage = { promptTokens: 3, completionTokens: 1 };
    expect(finish({ text: "ok", model: "served", usage }, at({ fromCache: true }))).toMatchObject({
      model: "served",
      usage,
      fromCache: true,
    });
  });
});

describe("output", () => {
  it("finishes the answer below it, keeping the raw one beside", async () => {
    const raw = { text: '<think>r</think>{"answer": 1}' };
    const answered = await output("m")(async () => raw)(
      { messages: [], settings: {}, schema },
      newCall(undefined, undefined),
    );
    expect(answered.raw).toBe(raw);
    expect(answered.result).toMatchObject({ object: { answer: 1 }, reasoning: "r", fromCache: false });
  });
});
