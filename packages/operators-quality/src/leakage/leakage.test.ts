import { runOperator } from "@dataflow/core";
import { describe, expect, it } from "vitest";
import { LeakageOperator, phrasePattern } from "./leakage.js";

const q = (question: string, scenario?: string) =>
  scenario === undefined ? { question } : { question, scenario };

describe("quality/leakage", () => {
  it("drops questions that point at a hidden document, with the phrase as reason", async () => {
    const result = await runOperator(LeakageOperator, [
      q("According to the passage, why does the chain skip under load?"),
      q("Why does a worn chain skip on new cassette cogs under load?"),
      q("What does the text above say about brake pads?"),
      q("Which torque is recommended in this document for the stem bolts?"),
      q("How would you send a text message while riding safely?"),
      q("Compare Document A and the other note on tyre pressure."),
    ]);
    expect(result.records.map((r) => r.id)).toEqual(["2", "5"]);
    expect(result.filtered).toEqual([
      { id: "1", reason: 'question refers to its source: "the passage"' },
      { id: "3", reason: 'question refers to its source: "the text above"' },
      { id: "4", reason: 'question refers to its source: "this document"' },
      { id: "6", reason: 'question refers to its source: "document a"' },
    ]);
    expect(result.counters.leaks_in_question).toBe(4);
  });

  it("checks the scenario when the row has one", async () => {
    const result = await runOperator(LeakageOperator, [
      q(
        "Why is the rear derailleur slow to shift?",
        "A rider reads the given text and then asks a mechanic.",
      ),
      q("Why is the rear derailleur slow to shift?", "A rider notices slow shifts after a muddy ride."),
    ]);
    expect(result.filtered).toEqual([{ id: "1", reason: 'scenario refers to its source: "the given text"' }]);
  });

  it("adds the step's phrases and patterns; builtin can be turned off", async () => {
    const rows = [
      q("As the  Study shows, how do tubeless tyres seal?"),
      q("Per section 4.2, what pressure suits gravel?"),
      q("Based on the passage, what is chain stretch?"),
      q("A study of tubeless tyres: how do they seal?"),
    ];
    const result = await runOperator(LeakageOperator, rows, {
      params: {
        builtin: false,
        phrases: ["as the study shows"],
        patterns: ["\\bper section \\d+(\\.\\d+)*"],
      },
    });
    expect(result.filtered).toEqual([
      { id: "1", reason: 'question refers to its source: "as the study shows"' },
      { id: "2", reason: 'question refers to its source: "per section 4.2"' },
    ]);
  });

  it("fails the step on an invalid pattern and rejects a row without a question", async () => {
    await expect(
      runOperator(LeakageOperator, [q("x")], { params: { patterns: ["(unclosed"] } }),
    ).rejects.toThrow(/params\.patterns\[0\] is not a valid regular expression/);
    const result = await runOperator(LeakageOperator, [{ question: null }]);
    expect(result.rejected).toEqual([expect.objectContaining({ id: "1", type: "bad-input" })]);
  });

  it("ignores a pattern's empty match", async () => {
    const result = await runOperator(LeakageOperator, [q("How do disc brakes work?")], {
      params: { patterns: ["z*"] },
    });
    expect(result.filtered).toEqual([]);
  });
});

describe("phrasePattern", () => {
  it("matches whole words with any spacing and case, and escapes regex syntax", () => {
    expect(phrasePattern("in the text").test("IN  THE\ntext, we see")).toBe(true);
    expect(phrasePattern("in the text").test("in the textbook")).toBe(false);
    expect(phrasePattern("(see above)").test("as noted (see above)")).toBe(true);
    expect(phrasePattern("a.b").test("axb")).toBe(false);
  });
});
