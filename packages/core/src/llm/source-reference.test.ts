import { describe, expect, it } from "vitest";
import { findSourceReference } from "./source-reference.js";

describe("findSourceReference", () => {
  it("finds questions that lean on their source", () => {
    const leaning = [
      "According to the passage, why does the valve fail?",
      "What does this document suggest about hive ventilation?",
      "Based on the text, which treatment is best?",
      "Which option does the article above favour?",
      "As mentioned above, the clutch slips; what is the cause?",
      "What does the author argue about dosage?",
      "In this chapter, how is the mortgage priced?",
      "Which of the given excerpts supports the claim?",
      "Explain the excerpt's view of soil drainage.",
    ];
    for (const q of leaning) expect(findSourceReference(q), q).toBeDefined();
  });

  it("leaves self-contained questions alone, including everyday uses of the nouns", () => {
    const fine = [
      "A beekeeper finds capped queen cells in April. What should she do first, and why?",
      "A patient gets a text message reminder but still skips doses; which intervention fits best?",
      "Why would a contractor choose a slab foundation over a crawl space in clay soil?",
      "An editor pastes the text into the text box and the layout breaks; what is the likeliest cause?",
      "Both beams are cut from the same material. Given this information, which one fails first?",
      "A clerk must decide whether the signed document is enough to transfer the title. Is it?",
    ];
    for (const q of fine) expect(findSourceReference(q), q).toBeUndefined();
  });

  it("finds references to several source documents and to prompt labels", () => {
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

  it("lets everyday uses of the same words pass, in RAG task queries too", () => {
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
