import { describe, expect, it } from "vitest";
import { findSourceReference } from "./source-reference.js";

describe("findSourceReference", () => {
  it("finds references to the source documents, single and paired", () => {
    const cases: [string, string][] = [
      ["According to the passage, when do bees swarm?", "the passage"],
      ["Summarise this text in three sentences.", "this text"],
      ["What does the document above say about queens?", "the document above"],
      ["How do the two documents disagree on swarm timing?", "the two documents"],
      ["Compare what Document A and Document B say about splits.", "Document A"],
      ["Based on the context, which option is best?", "Based on the context"],
      ["Which dates appear in the provided sources?", "the provided sources"],
      ["List the claims made in both texts.", "both texts"],
      ["As mentioned above, what is a split?", "As mentioned above"],
    ];
    for (const [text, phrase] of cases) expect(findSourceReference(text), text).toBe(phrase);
  });

  it("lets everyday uses of the same words pass", () => {
    for (const text of [
      "How should a beekeeper time a split when the brood box is full in May?",
      "Why does my phone show a text message preview on the lock screen?",
      "Where do I put the source file for a Rust binary crate?",
      "Can I submit the document a day after the deadline without a penalty?",
      "Is it true that honey bee colonies swarm most often in late spring?",
    ]) {
      expect(findSourceReference(text), text).toBeUndefined();
    }
  });
});
