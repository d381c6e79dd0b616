import { describe, expect, it } from "vitest";
import { splitAnswer } from "./split-answer.js";

describe("splitAnswer", () => {
  it("splits at a final Answer: line", () => {
    expect(
      splitAnswer("Step 1: the rotor is warped.\nStep 2: so it vibrates.\n\nAnswer: replace the rotor."),
    ).toEqual({
      before: "Step 1: the rotor is warped.\nStep 2: so it vibrates.",
      answer: "replace the rotor.",
    });
  });

  it("accepts the usual markdown spellings and keeps multi-line answers", () => {
    expect(splitAnswer("Reasoning.\n**Final Answer:** B, because of drainage.")).toEqual({
      before: "Reasoning.",
      answer: "B, because of drainage.",
    });
    expect(splitAnswer("Reasoning.\n- **Answer**: yes")).toEqual({ before: "Reasoning.", answer: "yes" });
    expect(splitAnswer("Reasoning.\n\n## Final answer\nFirst this.\nThen that.")).toEqual({
      before: "Reasoning.",
      answer: "First this.\nThen that.",
    });
  });

  it("takes the last marker, so an earlier one inside the reasoning does not cut it", () => {
    const r = splitAnswer("Draft answer: maybe A.\nBut [Document 2] rules A out.\nAnswer: C");
    expect(r).toEqual({ before: "Draft answer: maybe A.\nBut [Document 2] rules A out.", answer: "C" });
  });

  it("prefers an <answer> block", () => {
    expect(splitAnswer("Thinking. Answer: not this\n<answer>42</answer>")).toEqual({
      before: "Thinking. Answer: not this",
      answer: "42",
    });
  });

  it("leaves text without a marker whole, and an empty answer unset", () => {
    expect(splitAnswer("  Just reasoning, no verdict.  ")).toEqual({ before: "Just reasoning, no verdict." });
    expect(splitAnswer("Reasoning.\nAnswer:   ")).toEqual({ before: "Reasoning." });
    expect(splitAnswer("Answering this needs care.")).toEqual({ before: "Answering this needs care." });
  });
});
