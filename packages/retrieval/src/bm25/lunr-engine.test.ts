import { describe, expect, it } from "vitest";
import { analyze } from "./analyzer.js";
import { CompactBm25Index } from "./compact-index.js";
import { LunrBm25Engine } from "./lunr-engine.js";
import { expectSameHits } from "./testdata/expect-same-hits.js";
import { NASTY_QUERIES } from "./testdata/nasty-queries.js";
import { seededRandom } from "@dataflow/core";
import { randomCorpus } from "./testdata/prng.js";
import { TINY_DOCS } from "./testdata/tiny-corpus.js";

const DOCS = TINY_DOCS;

describe("LunrBm25Engine", () => {
  const lunrEngine = LunrBm25Engine.build(DOCS);

  it("indexes exactly the analyzer's terms", () => {
    expect(lunrEngine.size).toBe(6);
    expect(lunrEngine.kind).toBe("lunr");
    const vocabulary = Object.keys(
      (lunrEngine.index as unknown as { invertedIndex: Record<string, unknown> }).invertedIndex,
    ).sort();
    expect(vocabulary).toEqual([...new Set(DOCS.flatMap((d) => analyze(d)))].sort());
  });

  it("finds the last word of a question (lunr's own search pipeline would drop `heart?`)", () => {
    expect(lunrEngine.search("What pumps the heart?", 10).length).toBeGreaterThan(0);
  });

  it("never throws on question text that breaks lunr's query parser", () => {
    expect(() => lunrEngine.index.search("Title: 3:1")).toThrow();
    for (const q of NASTY_QUERIES) expect(() => lunrEngine.search(q, 5)).not.toThrow();
  });

  it("returns [] for empty queries (lunr alone would return every document) and k <= 0", () => {
    expect(lunrEngine.index.query(() => {}).length).toBe(6);
    for (const q of ["", "the of", "*", "~", "zebra"]) expect(lunrEngine.search(q, 10)).toEqual([]);
    expect(lunrEngine.search("heart", 0)).toEqual([]);
  });

  it("applies exclude and breaks ties by docId", () => {
    const twins = LunrBm25Engine.build(["same words", "other", "same words", "same words"]);
    expect(twins.search("words", 10).map((h) => h.docId)).toEqual([0, 2, 3]);
    expect(twins.search("words", 2, { exclude: (d) => d === 0 }).map((h) => h.docId)).toEqual([2, 3]);
  });

  it("equals the compact index with lunr scoring on the small corpus", () => {
    const compact = CompactBm25Index.fromTexts(DOCS, { scoring: "lunr" });
    for (const q of ["heart blood", "heart heart skull", "Which chambers does the heart have?", "lymph"]) {
      expectSameHits(compact.search(q, 10), lunrEngine.search(q, 10), 1e-12);
    }
  });
});

describe("weights that lunr rounds to zero", () => {
  // A term in every one of 3,000 documents has idf ~ 0.5 / 3000, so its weight rounds to 0.000; lunr
  // still returns those documents, with score 0.
  const texts = Array.from({ length: 3000 }, (_, i) =>
    i % 500 === 7 ? "common rare" : `common filler${i % 3}`,
  );
  const compact = CompactBm25Index.fromTexts(texts, { scoring: "lunr" });
  const lunrEngine = LunrBm25Engine.build(texts);

  it("still count as hits, ranked after every positive score and by docId", () => {
    const hits = lunrEngine.search("common", 5);
    expect(hits.map((h) => h.score)).toEqual([0, 0, 0, 0, 0]);
    expect(hits.map((h) => h.docId)).toEqual([0, 1, 2, 3, 4]);
    for (const q of ["common", "common rare", "rare common common", "filler1 common"]) {
      for (const k of [1, 5, 12, 3000]) {
        const exclude = (d: number) => d === 7 || d === 2;
        expectSameHits(compact.search(q, k), lunrEngine.search(q, k), 1e-12);
        expectSameHits(compact.search(q, k, { exclude }), lunrEngine.search(q, k, { exclude }), 1e-12);
      }
    }
  });
});

describe("LunrBm25Engine against CompactBm25Index (lunr scoring) on random corpora", () => {
  const params = [
    { k1: 0.9, b: 0.4 },
    { k1: 1.2, b: 0.75 },
    { k1: 0, b: 0 },
    { k1: 3, b: 1 },
  ];
  for (const { k1, b } of params) {
    it(`k1 ${k1}, b ${b}: same docIds in the same order, same scores`, () => {
      const texts = randomCorpus(k1 * 10 + b + 3, 250, 120);
      const analysed = texts.map((t) => analyze(t));
      const compact = CompactBm25Index.fromTexts(texts, { k1, b, scoring: "lunr" });
      const lunrEngine = LunrBm25Engine.build(texts, { k1, b });
      const random = seededRandom("5").float;
      for (let q = 0; q < 60; q++) {
        const source = analysed[Math.floor(random() * analysed.length)] as string[];
        const terms = Array.from({ length: 1 + Math.floor(random() * 8) }, () => {
          return random() < 0.1 ? "absent" : (source[Math.floor(random() * source.length)] ?? "absent");
        });
        const k = 1 + Math.floor(random() * 30);
        const banned = Math.floor(random() * 250);
        const exclude = (d: number) => d === banned;
        expectSameHits(
          compact.searchTerms(terms, k, { exclude }),
          lunrEngine.searchTerms(terms, k, { exclude }),
          1e-12,
        );
      }
    });
  }
});
