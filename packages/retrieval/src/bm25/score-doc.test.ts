import { describe, expect, it } from "vitest";
import { CompactBm25Index } from "./compact-index.js";
import { randomCorpus } from "./testdata/prng.js";
import { loadSampleCorpus, sampleCorpusAvailable } from "./testdata/sample-corpus.js";

/** Every document's score for each query, the way a ranking with all other documents excluded gives it. */
function expectSameAsExcludingRanking(index: CompactBm25Index, queries: string[]): number {
  let scored = 0;
  for (const query of queries) {
    for (let doc = 0; doc < index.size; doc += 7) {
      const want = index.search(query, 1, { exclude: (d) => d !== doc })[0]?.score;
      expect(index.scoreOf(query, doc)).toBe(want);
      if (want !== undefined) scored++;
    }
  }
  return scored;
}

describe("CompactBm25Index.scoreOf", () => {
  it("gives each document exactly the score a ranking with every other document excluded gives it (lucene and lunr)", () => {
    const texts = randomCorpus(11, 700, 300);
    const words = texts.join(" ").split(/\s+/);
    const queries = Array.from({ length: 25 }, (_, i) =>
      Array.from({ length: 1 + (i % 9) }, (_, j) => words[(i * 7919 + j * 104729) % words.length]).join(" "),
    );
    // Repeated query terms count twice.
    queries.push(`${queries[3]} ${queries[3]}`);
    for (const scoring of ["lucene", "lunr"] as const) {
      const index = CompactBm25Index.fromTexts(texts, { scoring });
      expect(expectSameAsExcludingRanking(index, queries)).toBeGreaterThan(200);
    }
  });

  it("is undefined for a document without the query's terms, an unknown term, or a docId outside the index", () => {
    const index = CompactBm25Index.fromTexts(["alpha beta", "gamma delta"]);
    expect(index.scoreOf("alpha", 1)).toBeUndefined();
    expect(index.scoreOf("zzzunknown", 0)).toBeUndefined();
    expect(index.scoreOf("alpha", 2)).toBeUndefined();
    expect(index.scoreOf("alpha", -1)).toBeUndefined();
    expect(index.scoreOf("alpha", 0)).toBe(index.search("alpha", 1)[0]?.score);
  });

  it.skipIf(!sampleCorpusAvailable)("agrees with the excluding ranking on the real sample corpus", () => {
    const texts = loadSampleCorpus();
    const index = CompactBm25Index.fromTexts(texts);
    const queries = texts.slice(0, 10).map((t) => t.split(/\s+/).slice(5, 17).join(" "));
    expect(expectSameAsExcludingRanking(index, queries)).toBeGreaterThan(0);
  });
});
