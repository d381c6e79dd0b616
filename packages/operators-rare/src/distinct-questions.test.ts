import { describe, expect, it } from "vitest";
import { distinctQuestions } from "./distinct-questions.js";

const q = (question: string) => ({ question, scenario: "s" });

describe("distinctQuestions", () => {
  it("drops exact and near copies (case, punctuation, a word changed) and keeps different questions", () => {
    const problems = [
      q("Which intervention best keeps the colony's honey crop, and what risks does each option carry?"),
      q("which intervention best keeps the colony's honey crop and what risks does each option carry"),
      q("Which intervention best keeps the colony's honey crop, and what risks does every option carry?"),
      q("How should the beekeeper time the split so that both halves raise a queen before the flow?"),
    ];
    const { kept, dropped } = distinctQuestions(problems, 0.8);
    expect(kept).toEqual([problems[0], problems[3]]);
    expect(dropped).toBe(2);
  });

  it("keeps everything at threshold 1 unless the normalised questions are identical", () => {
    const problems = [q("Why?"), q("why"), q("Why not?")];
    expect(distinctQuestions(problems, 1).kept).toEqual([problems[0], problems[2]]);
  });
});
