import { describe, expect, it } from "vitest";
import { answerTokens, maxTokenF1, normalizeAnswer, tokenF1 } from "./token-f1.js";

describe("normalizeAnswer", () => {
  it("lower-cases, deletes punctuation, drops articles and collapses whitespace", () => {
    expect(normalizeAnswer("  The  River\tOsk! ")).toBe("river osk");
    expect(normalizeAnswer("An apple, a pear and THE plum.")).toBe("apple pear and plum");
    // Punctuation is deleted, not replaced by a space (SQuAD), so these glue together.
    expect(normalizeAnswer("state-of-the-art")).toBe("stateoftheart");
    expect(normalizeAnswer("Pell's")).toBe("pells");
    expect(normalizeAnswer("Pell’s")).toBe("pells");
    // Articles are whole tokens only.
    expect(normalizeAnswer("Theodore and Anna")).toBe("theodore and anna");
    expect(answerTokens("the")).toEqual([]);
  });
});

describe("tokenF1", () => {
  it("is 1 for answers equal after normalisation and 0 without a shared token", () => {
    expect(tokenF1("the River Osk.", "river osk")).toBe(1);
    expect(tokenF1("Kelport", "Brindlemoor")).toBe(0);
    expect(tokenF1("", "Brindlemoor")).toBe(0);
    expect(tokenF1("the", "a")).toBe(0);
  });

  it("weighs precision and recall over bags of tokens", () => {
    // precision 1/2, recall 1/1 → F1 2/3
    expect(tokenF1("Agnes Pell", "Pell")).toBeCloseTo(2 / 3, 12);
    // precision 2/3, recall 2/4 → F1 4/7
    expect(tokenF1("in Brindlemoor town", "the market town of Brindlemoor")).toBeCloseTo(4 / 7, 12);
    // A repeated token counts only as often as the gold has it: precision 1/2, recall 1/1.
    expect(tokenF1("osk osk", "osk")).toBeCloseTo(2 / 3, 12);
  });

  it("takes the best of several gold answers", () => {
    expect(maxTokenF1("Osk", ["Kelport", "river Osk"])).toBeCloseTo(2 / 3, 12);
    expect(maxTokenF1("Osk", [])).toBe(0);
    expect(maxTokenF1("Osk", "Osk")).toBe(1);
  });
});
