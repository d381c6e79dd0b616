import { describe, expect, it } from "vitest";
import { type ReadReply, readReply } from "./read-reply.js";

const TAGS = { think: "think", answer: "answer" };

type Case = [
  name: string,
  reply: { text: string; reasoning?: string },
  expected: ReadReply,
  untagged?: boolean,
];

const CASES: Case[] = [
  [
    "the serving split <think> off already",
    { text: "<answer>B</answer>", reasoning: "Document 1 says so." },
    { reasoning: "Document 1 says so.", answer: "B" },
  ],
  [
    "<think> still in the text",
    { text: "<think>Document 1 says so.</think>\n<answer> B </answer>" },
    { reasoning: "Document 1 says so.", answer: "B" },
  ],
  [
    "reasoning outside any tag, before the answer",
    { text: "Document 1 says so.\n<answer>B</answer>\nHope this helps." },
    { reasoning: "Document 1 says so.", answer: "B" },
  ],
  [
    "the last non-empty answer block wins",
    { text: "<answer></answer> first thoughts <answer>A</answer> then <answer>C</answer>" },
    // Earlier answer blocks are drafts: they leave the reasoning.
    { reasoning: "first thoughts  then", answer: "C" },
  ],
  [
    "an answer block cut off before its closing tag",
    { text: "<answer>B", reasoning: "Worn teeth." },
    { reasoning: "Worn teeth.", answer: "B" },
  ],
  [
    "no answer tag: a final 'Answer:' line is read when allowed",
    { text: "Worn teeth explain it.\n\nAnswer: B", reasoning: "Document 1." },
    { reasoning: "Document 1.\n\nWorn teeth explain it.", answer: "B", untagged: true },
  ],
  [
    "no answer tag and untagged answers refused",
    { text: "Worn teeth explain it.\n\nAnswer: B" },
    { reasoning: "Worn teeth explain it.\n\nAnswer: B" },
    false,
  ],
  [
    "<think> without <answer>",
    { text: "Still weighing it.", reasoning: "Document 1." },
    { reasoning: "Document 1.\n\nStill weighing it." },
  ],
];

describe("readReply", () => {
  it.each(CASES)("%s", (_name, reply, expected, untagged = true) => {
    expect(readReply(reply, TAGS, untagged)).toEqual(expected);
  });

  it("reads custom tags, which the serving does not split", () => {
    const text = "<reasoning>The pads are glazed.</reasoning><final>sand the pads</final>";
    expect(readReply({ text }, { think: "reasoning", answer: "final" }, true)).toEqual({
      reasoning: "The pads are glazed.",
      answer: "sand the pads",
    });
    // With custom tags an <answer> block is just text.
    expect(readReply({ text: "<answer>B</answer>" }, { think: "reasoning", answer: "final" }, false)).toEqual(
      {
        reasoning: "<answer>B</answer>",
      },
    );
  });
});
