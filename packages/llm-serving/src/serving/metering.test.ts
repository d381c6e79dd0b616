import { describe, expect, it } from "vitest";
import { chatMetering, embedMetering } from "./metering.js";

describe("chatMetering", () => {
  it("estimates prompt characters ÷ 4 plus maxTokens, and reads the answer's usage", () => {
    const request = {
      model: "m",
      messages: [
        { role: "system" as const, content: "x".repeat(10) },
        { role: "user" as const, content: "y".repeat(7) },
      ],
      settings: { maxTokens: 100 },
    };
    expect(chatMetering.estimate(request)).toBe(105);
    expect(chatMetering.estimate({ ...request, settings: {} })).toBe(5);
    const usage = { promptTokens: 1, completionTokens: 2 };
    expect(chatMetering.usage({ text: "", usage })).toBe(usage);
  });
});

describe("embedMetering", () => {
  it("estimates characters ÷ 4, and counts billed tokens as prompt tokens when the endpoint said", () => {
    expect(embedMetering.estimate({ model: "e", texts: ["abcde", "fg"] })).toBe(2);
    expect(embedMetering.usage({ vectors: [], promptTokens: 9 })).toEqual({
      promptTokens: 9,
      completionTokens: 0,
    });
    expect(embedMetering.usage({ vectors: [] })).toBeUndefined();
    expect(embedMetering.usage({ vectors: [], promptTokens: Number.NaN })).toBeUndefined();
  });
});
