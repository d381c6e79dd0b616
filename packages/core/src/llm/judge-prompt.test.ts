import { describe, expect, it } from "vitest";
import { DEFAULT_JUDGE_SYSTEM, judgeMessages, pairwiseMessages } from "./judge-prompt.js";
import { RUBRIC_PRESETS } from "./judge-rubric.js";

const rubric = {
  criteria: { clear: "Says one thing plainly.", correct: "Is true." },
  guidance: "Ignore typos.",
};

describe("judgeMessages", () => {
  it("shows the item, every criterion, the scale's anchors and the JSON shape", () => {
    const [system, user] = judgeMessages({ item: "Water boils at 100 °C.", rubric, scale: "1-5" });
    expect(system).toEqual({ role: "system", content: DEFAULT_JUDGE_SYSTEM });
    const text = user?.content ?? "";
    expect(text).toContain("<item>\nWater boils at 100 °C.\n</item>");
    expect(text).toContain("- clear: Says one thing plainly.\n- correct: Is true.");
    expect(text).toContain("Score each criterion from 1 to 5: 1 = fails the criterion entirely;");
    expect(text).toContain("Ignore typos.");
    expect(text).toContain(
      '{"reason": "<why, in two or three sentences>", "scores": {"clear": <1-5>, "correct": <1-5>}}',
    );
  });

  it("uses the pass-fail anchors and a given system message", () => {
    const [system, user] = judgeMessages({ item: "x", rubric, scale: "pass-fail", system: "Be terse." });
    expect(system?.content).toBe("Be terse.");
    expect(user?.content).toContain("from 0 to 1: 1 = the item meets the criterion; 0 = it does not.");
    expect(user?.content).toContain('"clear": <0-1>');
    // The rubric's guidance is a paragraph of its own, as before prompts became templates.
    expect(user?.content).toContain(
      "0 = it does not.\n\nIgnore typos.\n\nReply with exactly one JSON object",
    );
    const [, bare] = judgeMessages({ item: "x", rubric: { criteria: rubric.criteria }, scale: "pass-fail" });
    expect(bare?.content).toContain("0 = it does not.\n\nReply with exactly one JSON object");
  });

  it("renders the rare-question preset's item from doc2query's columns", () => {
    const preset = RUBRIC_PRESETS["rare-question"];
    expect(preset?.prompt).toContain("{{question}}");
    expect(Object.keys(preset?.criteria ?? {})).toEqual([
      "self_contained",
      "needs_reasoning",
      "answerable_from_document",
      "no_source_reference",
    ]);
  });
});

describe("pairwiseMessages", () => {
  it("shows the context and the two responses in the given order", () => {
    const [, user] = pairwiseMessages({ context: "Q?", first: "AAA", second: "BBB", rubric });
    const text = user?.content ?? "";
    expect(text).toContain("<context>\nQ?\n</context>");
    expect(text.indexOf("<response_1>\nAAA\n</response_1>")).toBeLessThan(
      text.indexOf("<response_2>\nBBB\n</response_2>"),
    );
    expect(text).toContain('"preferences": {"clear": "1" | "2" | "tie", "correct": "1" | "2" | "tie"}');
    const [, swapped] = pairwiseMessages({ first: "BBB", second: "AAA", rubric });
    expect(swapped?.content).toContain("<response_1>\nBBB\n</response_1>");
    expect(swapped?.content).not.toContain("<context>");
  });
});
