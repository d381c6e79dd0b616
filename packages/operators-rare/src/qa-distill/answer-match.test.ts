import { type QaOption, readQaOptions } from "@dataflow/exports";
import { describe, expect, it } from "vitest";
import { type AnswerKind, detectKind, matchAnswer, readGold } from "./answer-match.js";

const OPTIONS = optionsOf({
  A: "The rear derailleur's high limit screw is too loose",
  B: "The cassette teeth are worn to the old chain's pitch",
  C: "The new chain needs more lubricant",
  D: "The derailleur hanger is bent",
});
const SETTINGS = { relTol: 0.01, minF1: 0.8 };

function optionsOf(value: unknown): QaOption[] {
  const read = readQaOptions(value);
  if (!read.ok) throw new Error(read.problem);
  return read.options;
}

type Case = [
  name: string,
  predicted: string,
  gold: unknown,
  correct: boolean,
  read: string | null,
  extra?: { options?: QaOption[]; kind?: AnswerKind; relTol?: number; minF1?: number },
];

const MC = { options: OPTIONS };

const CASES: Case[] = [
  // Multiple choice: the key in its many spellings, the option's text, and what is not a pick.
  ["bare key", "B", "B", true, "B", MC],
  ["lower-case bare key", "b", "B", true, "B", MC],
  ["key in parentheses", "(B)", "B", true, "B", MC],
  ["key with a full stop", "B.", "B", true, "B", MC],
  ["key with a bracket", "B)", "B", true, "B", MC],
  ["Answer: label", "Answer: B", "B", true, "B", MC],
  ["bold label and bracketed key", "**Answer:** (B).", "B", true, "B", MC],
  ["the answer is …", "the answer is B", "B", true, "B", MC],
  [
    "the correct answer is … inside a sentence",
    "So the correct answer is (B), worn teeth.",
    "B",
    true,
    "B",
    MC,
  ],
  ["option …", "Option B", "B", true, "B", MC],
  ["key then its own text", "B. The cassette teeth are worn to the old chain's pitch", "B", true, "B", MC],
  ["(key) then its own text", "(B) The cassette teeth are worn", "B", true, "B", MC],
  ["the option's text alone", "The cassette teeth are worn to the old chain's pitch.", "B", true, "B", MC],
  [
    "the option's text, case and punctuation aside",
    "the cassette teeth are worn to the old chains pitch",
    "B",
    true,
    "B",
    MC,
  ],
  [
    "gold given as the option's text",
    "B",
    "The cassette teeth are worn to the old chain's pitch",
    true,
    "B",
    MC,
  ],
  ["boxed key", "\\boxed{B}", "B", true, "B", MC],
  ["a wrong key", "C", "B", false, "C", MC],
  ["a wrong option's text", "The derailleur hanger is bent", "B", false, "D", MC],
  ["a key that is not an option", "E", "B", false, null, MC],
  ["two keys named", "the answer is B or C", "B", false, null, MC],
  ["a key contradicting the text after it", "B. The derailleur hanger is bent", "B", false, "D", MC],
  ["an article is no key", "the answer is a worn cassette", "A", false, null, MC],
  ["no pick at all", "It depends on the drivetrain.", "B", false, null, MC],
  [
    "options as a list are lettered A, B, …",
    "Answer: (B)",
    "B",
    true,
    "B",
    { options: optionsOf(["oil", "wax", "grease"]) },
  ],
  ["a list option's text", "wax", "B", true, "B", { options: optionsOf(["oil", "wax", "grease"]) }],

  // Yes / no / maybe.
  ["yes", "Yes", "yes", true, "yes"],
  ["yes with a reason", "Yes, because DOT fluid absorbs water.", "yes", true, "yes"],
  ["no, labelled", "Answer: No.", "no", true, "no"],
  ["maybe", "maybe", "maybe", true, "maybe"],
  ["yes against no", "Yes", "no", false, "yes"],
  ["neither yes nor no", "It depends on the fluid.", "no", false, null],
  ["boolean gold", "Yes.", true, true, "yes"],

  // Numbers: units, thousands separators, tolerance, ranges.
  ["number with a unit", "5 Nm", "5", true, "5"],
  ["gold with a unit, answer without", "0.5", "0.5 percent", true, "0.5"],
  ["percent sign against the word", "0.5%", "0.5 percent", true, "0.5"],
  ["thousands separator", "1,200 km", "1200", true, "1200"],
  ["thin-space thousands separator", "12\u202f500", "12,500", true, "12500"],
  ["within the relative tolerance", "3.14", "3.14159", true, "3.14"],
  ["outside the relative tolerance", "3.0", "3.14159", false, "3"],
  ["a tighter tolerance", "3.14", "3.14159", false, "3.14", { relTol: 1e-4 }],
  ["a number word", "twelve links", "12", true, "12"],
  ["a fraction", "1/2 inch", "0.5", true, "0.5"],
  ["a labelled number", "The answer is about 25 percent.", "25%", true, "25"],
  ["a range is no single answer", "20-30 percent", "25 percent", false, null],
  ["the wrong number", "0.75 percent", "0.5 percent", false, "0.75"],
  ["a numeric gold as a JSON number", "12", 12, true, "12"],
  ["zero is exact", "0", "0", true, "0"],

  // Free text: normalised exact match or token F1.
  ["exact text", "mineral oil and DOT fluid", "mineral oil and DOT fluid", true, "mineral oil and dot fluid"],
  [
    "text, case, articles and punctuation aside",
    "Mineral oil, and the DOT fluid.",
    "mineral oil and DOT fluid",
    true,
    "mineral oil and dot fluid",
  ],
  ["high token F1", "tighten every spoke evenly", "tighten every spoke", true, "tighten every spoke evenly"],
  [
    "a negation falls below the F1 threshold",
    "do not tighten every spoke",
    "tighten every spoke",
    false,
    "do not tighten every spoke",
  ],
  [
    "a lower threshold accepts it",
    "do not tighten every spoke",
    "tighten every spoke",
    true,
    "do not tighten every spoke",
    { minF1: 0.7 },
  ],
  ["unrelated text", "replace the chain", "tighten every spoke", false, "replace chain"],
  [
    "any of several gold aliases",
    "a torque wrench",
    ["torque wrench", "torque spanner"],
    true,
    "torque wrench",
  ],
  [
    "a gold text containing a number beyond a unit stays text",
    "mineral oil and DOT 4 fluid",
    "mineral oil and DOT 4 fluid",
    true,
    "mineral oil and dot 4 fluid",
  ],
  ["an empty answer", "  ", "tighten every spoke", false, null],
];

describe("matchAnswer", () => {
  it("has at least 40 cases", () => expect(CASES.length).toBeGreaterThanOrEqual(40));

  it.each(CASES)("%s: %j against %j", (_name, predicted, gold, correct, read, extra = {}) => {
    const options = extra.options ?? [];
    const g = readGold(gold, options, extra.kind ?? "auto");
    const result = matchAnswer(predicted, g, {
      relTol: extra.relTol ?? SETTINGS.relTol,
      minF1: extra.minF1 ?? SETTINGS.minF1,
    });
    expect(result).toEqual({ correct, read });
  });
});

describe("readGold", () => {
  it("detects the kind from the options and the gold text", () => {
    expect(detectKind("B", OPTIONS)).toBe("choice");
    expect(detectKind("Maybe", [])).toBe("yes-no");
    expect(detectKind("about 12 mm", [])).toBe("number");
    expect(detectKind("the new chain's pitch no longer matches the worn teeth", [])).toBe("text");
  });

  it("honours a kind that is set, and says what is wrong with a gold answer that does not fit it", () => {
    expect(readGold("12", [], "text")).toEqual({ kind: "text", texts: ["12"] });
    expect(() => readGold("E", OPTIONS, "auto")).toThrow('"E" names no option by key or text');
    expect(() => readGold("B", [], "choice")).toThrow("the row has no options");
    expect(() => readGold("perhaps", [], "yes-no")).toThrow("is not yes, no or maybe");
    expect(() => readGold("between 5 and 6", [], "number")).toThrow("does not state one number");
    expect(() => readGold("", [], "auto")).toThrow("must hold the gold answer");
    expect(() => readGold(null, [], "auto")).toThrow("must hold the gold answer");
  });
});
