import { describe, expect, it } from "vitest";
import { splitReasoning } from "./split-reasoning.js";

describe("splitReasoning", () => {
  it("returns plain text untouched, with no reasoning", () => {
    expect(splitReasoning("  Hello.\n")).toEqual({ answer: "  Hello.\n" });
  });

  it("removes a leading <think> block", () => {
    expect(splitReasoning("<think>\nLet me see.\n</think>\n\nThe answer is 4.")).toEqual({
      answer: "The answer is 4.",
      reasoning: "Let me see.",
    });
  });

  it("removes several blocks anywhere, keeping the text between them", () => {
    expect(splitReasoning("A <think>one</think> B <THINK>two</THINK> C")).toEqual({
      answer: "A  B  C",
      reasoning: "one\n\ntwo",
    });
  });

  it("treats an unclosed leading <think> as all reasoning", () => {
    expect(splitReasoning("<think>I was cut off while")).toEqual({
      answer: "",
      reasoning: "I was cut off while",
    });
  });

  it("treats an unclosed <think> after an answer as trailing reasoning", () => {
    expect(splitReasoning("Yes.\n<think>but maybe")).toEqual({ answer: "Yes.", reasoning: "but maybe" });
  });

  it("treats a stray </think> as the end of reasoning (R1 distills)", () => {
    expect(splitReasoning('Okay, so the user wants JSON.\n</think>\n\n{"a":1}')).toEqual({
      answer: '{"a":1}',
      reasoning: "Okay, so the user wants JSON.",
    });
  });

  it("handles a stray </think> followed by a proper block", () => {
    expect(splitReasoning("first</think>x<think>second</think>y")).toEqual({
      answer: "xy",
      reasoning: "first\n\nsecond",
    });
  });

  it("merges reasoning_content in front of inline blocks", () => {
    expect(splitReasoning("<think>inline</think>Done", "from the field")).toEqual({
      answer: "Done",
      reasoning: "from the field\n\ninline",
    });
    expect(splitReasoning("Done", "from the field")).toEqual({ answer: "Done", reasoning: "from the field" });
  });

  it("drops empty reasoning", () => {
    expect(splitReasoning("<think>\n\n</think>\nHi", "")).toEqual({ answer: "Hi" });
    expect(splitReasoning("Hi", null)).toEqual({ answer: "Hi" });
  });
});
