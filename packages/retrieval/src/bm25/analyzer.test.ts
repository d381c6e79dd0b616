import lunr from "lunr";
import { describe, expect, it } from "vitest";
import { Analyzer, analyze } from "./analyzer.js";
import { NASTY_QUERIES } from "./testdata/nasty-queries.js";
import { loadSampleCorpus, sampleCorpusAvailable } from "./testdata/sample-corpus.js";

/** lunr's own tokenizer and pipeline, run literally, with our two documented deviations. */
function lunrReference(text: string): string[] {
  const pipeline = new lunr.Pipeline();
  pipeline.add(lunr.trimmer, lunr.stopWordFilter, lunr.stemmer);
  const tokens = lunr.tokenizer(text.replaceAll("*", " ")).filter((t) => t.toString().length <= 256);
  return pipeline
    .run(tokens)
    .map(String)
    .filter((t) => t.length > 0);
}

describe("Analyzer", () => {
  it("lower-cases, trims punctuation, drops stop words and stems", () => {
    expect(analyze("The Jury? The RUNNING dogs, (jury) and x-rays.")).toEqual([
      "juri",
      "run",
      "dog",
      "juri",
      "x",
      "ray",
    ]);
  });

  it("gives queries and documents the same analysis (lunr's search pipeline would keep `jury?`)", () => {
    expect(analyze("jury?")).toEqual(analyze("Jury"));
  });

  it("never throws and never emits empty terms or wildcards", () => {
    for (const q of NASTY_QUERIES) {
      const terms = analyze(q);
      expect(Array.isArray(terms)).toBe(true);
      const bad = terms.filter((t) => t.length === 0 || t.includes("*") || /\s/.test(t));
      expect(bad).toEqual([]);
    }
  });

  it("treats non-string input as text or empty instead of throwing", () => {
    const a = new Analyzer();
    expect(a.analyze(undefined as unknown as string)).toEqual([]);
    expect(a.analyze(null as unknown as string)).toEqual([]);
    expect(a.analyze(12345 as unknown as string)).toEqual(["12345"]);
  });

  it("drops tokens longer than 256 characters", () => {
    expect(analyze(`keep ${"z".repeat(257)} heart`)).toEqual(["keep", "heart"]);
  });

  it("matches lunr.tokenizer + lunr.Pipeline(trimmer, stopWordFilter, stemmer) on nasty input", () => {
    for (const q of NASTY_QUERIES) expect(analyze(q)).toEqual(lunrReference(q));
  });

  it("gives the same terms with a tiny memo (which is cleared over and over)", () => {
    const tiny = new Analyzer({ memoSize: 2 });
    const none = new Analyzer({ memoSize: 0 });
    const text = "Blood flows through the heart, the heart's valves and the blood vessels.";
    expect(tiny.analyze(text)).toEqual(analyze(text));
    expect(none.analyze(text)).toEqual(analyze(text));
    expect(tiny.analyze(text)).toEqual(analyze(text));
  });

  describe.skipIf(!sampleCorpusAvailable)("on the sample corpus", () => {
    it("matches lunr's own tokenizer and pipeline term for term", () => {
      for (const text of loadSampleCorpus()) expect(analyze(text)).toEqual(lunrReference(text));
    });
  });
});
