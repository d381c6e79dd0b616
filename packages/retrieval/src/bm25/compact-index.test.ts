import { describe, expect, it } from "vitest";
import { Analyzer, analyze } from "./analyzer.js";
import { CompactBm25Builder, CompactBm25Index } from "./compact-index.js";
import { naiveBm25, rank } from "./testdata/naive-bm25.js";
import { seededRandom } from "@dataflow/core";
import { randomCorpus } from "./testdata/prng.js";
import { TINY_DOCS } from "./testdata/tiny-corpus.js";

const DOCS = TINY_DOCS;

/**
 * Same ranking as the oracle: equal lengths, and at every rank the returned document has (within
 * `tol`) the oracle's score for that rank, so only near-ties may swap places.
 */
function expectMatchesOracle(
  actual: { docId: number; score: number }[],
  oracle: Map<number, number>,
  k: number,
  exclude: (d: number) => boolean = () => false,
  tol = 1e-5,
) {
  const expected = rank(oracle)
    .filter((h) => !exclude(h.docId))
    .slice(0, k);
  expect(actual.map((h) => h.docId)).toHaveLength(expected.length);
  expect(new Set(actual.map((h) => h.docId)).size).toBe(actual.length);
  actual.forEach((hit, i) => {
    const ref = oracle.get(hit.docId) as number;
    const want = (expected[i] as { score: number }).score;
    expect(Math.abs(ref - want)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(want)));
    expect(Math.abs(hit.score - ref)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(ref)));
  });
}

describe("CompactBm25Index (lucene scoring)", () => {
  const index = CompactBm25Index.fromTexts(DOCS);
  const analysed = DOCS.map((d) => analyze(d));

  it("numbers documents in insertion order and reports its shape", () => {
    expect(index.size).toBe(6);
    expect(index.kind).toBe("compact");
    expect(index.params).toEqual({ k1: 0.9, b: 0.4, scoring: "lucene" });
    expect(index.docFreq("heart")).toBe(4);
    expect(index.docFreq("nope")).toBe(0);
    expect(index.docLength(4)).toBe(0);
    expect(index.avgLength).toBeCloseTo(analysed.reduce((s, d) => s + d.length, 0) / 6);
    expect(index.postingCount).toBe(analysed.reduce((s, d) => s + new Set(d).size, 0));
  });

  it("computes Lucene BM25 (k1 0.9, b 0.4) by hand", () => {
    // "skull" is only in doc 2 (N 6, df 1): idf = ln(1 + 5.5 / 1.5).
    const len = analysed[2]?.length as number;
    const norm = 0.9 * (1 - 0.4 + (0.4 * len) / index.avgLength);
    const expected = Math.log(1 + 5.5 / 1.5) * (1 / (1 + norm));
    const hits = index.search("skull?", 10);
    expect(hits).toHaveLength(1);
    expect(hits[0]?.docId).toBe(2);
    expect(hits[0]?.score).toBeCloseTo(expected, 6);
  });

  it("ranks like the naive oracle, with and without exclusions", () => {
    for (const q of ["heart blood", "Which chambers does the heart have?", "veins arteries lymph skull"]) {
      const terms = analyze(q);
      const oracle = naiveBm25(analysed, terms, 0.9, 0.4);
      expectMatchesOracle(index.search(q, 10), oracle, 10);
      expectMatchesOracle(index.search(q, 2), oracle, 2);
      const exclude = (d: number) => d === 0 || d === 3;
      expectMatchesOracle(index.search(q, 10, { exclude }), oracle, 10, exclude);
    }
  });

  it("counts a repeated query term once per occurrence", () => {
    const once = index.search("skull", 1)[0]?.score as number;
    expect(index.search("skull skull skulls", 1)[0]?.score).toBeCloseTo(3 * once, 6);
  });

  it("returns [] for empty queries, stop words only, unknown terms and k <= 0", () => {
    for (const q of ["", "   ", "the of and", "zebra quagga", "?!"]) expect(index.search(q, 10)).toEqual([]);
    expect(index.search("heart", 0)).toEqual([]);
    expect(index.search("heart", -3)).toEqual([]);
    expect(index.search("heart", Number.NaN)).toEqual([]);
  });

  it("caps k at the number of matches and floors fractional k", () => {
    expect(index.search("heart", 100)).toHaveLength(4);
    expect(index.search("heart", 2.9)).toHaveLength(2);
    expect(index.search("heart", Number.POSITIVE_INFINITY)).toHaveLength(4);
  });

  it("never returns excluded documents and asks only about candidates", () => {
    const asked: number[] = [];
    const hits = index.search("heart blood veins", 2, {
      exclude: (d) => {
        asked.push(d);
        return d % 2 === 0;
      },
    });
    expect(hits.map((h) => h.docId).every((d) => d % 2 === 1)).toBe(true);
    expect(new Set(asked).size).toBe(asked.length);
    expect(index.search("heart", 10, { exclude: () => true })).toEqual([]);
  });

  it("breaks exact ties by docId", () => {
    const twins = CompactBm25Index.fromTexts([
      "same words here",
      "other",
      "same words here",
      "same words here",
    ]);
    expect(twins.search("words", 10).map((h) => h.docId)).toEqual([0, 2, 3]);
    expect(twins.search("words", 10, { exclude: (d) => d === 0 }).map((h) => h.docId)).toEqual([2, 3]);
  });

  it("survives a search started from inside an exclude callback", () => {
    const inner: number[][] = [];
    const outer = index.search("heart", 10, {
      exclude: (d) => {
        inner.push(index.search("skull", 5).map((h) => h.docId));
        return d === 0;
      },
    });
    expect(outer.map((h) => h.docId)).toEqual(
      index
        .search("heart", 10)
        .map((h) => h.docId)
        .filter((d) => d !== 0),
    );
    expect(inner.every((ids) => ids.length === 1 && ids[0] === 2)).toBe(true);
  });

  it("recovers after an exclude callback throws", () => {
    const expected = index.search("heart blood", 10);
    expect(() =>
      index.search("heart blood", 10, {
        exclude: () => {
          throw new Error("boom");
        },
      }),
    ).toThrow("boom");
    expect(index.search("heart blood", 10)).toEqual(expected);
  });

  it("ranks the same whether a query touches few documents or many", () => {
    // 400 documents: "rare" is in 4 (a sparse query), "common" in all (a dense one).
    const texts = Array.from({ length: 400 }, (_, i) => `common ${i % 100 === 3 ? "rare" : ""} w${i % 7}`);
    const analysedTexts = texts.map((t) => analyze(t));
    const mixed = CompactBm25Index.fromTexts(texts);
    for (const q of [["rare"], ["common"], ["rare", "w3"], ["common", "rare", "w1"]]) {
      expectMatchesOracle(mixed.searchTerms(q, 7), naiveBm25(analysedTexts, q, 0.9, 0.4), 7);
      expectMatchesOracle(mixed.searchTerms(q, 500), naiveBm25(analysedTexts, q, 0.9, 0.4), 500);
    }
  });

  it("keeps term frequencies beyond 65,535 exact", () => {
    const big = CompactBm25Index.fromTexts(["heart ".repeat(70_000), "heart lung", "lung"]);
    const docs = [Array(70_000).fill("heart"), ["heart", "lung"], ["lung"]];
    expectMatchesOracle(big.search("heart", 3), naiveBm25(docs, ["heart"], 0.9, 0.4), 3);
  });

  it("handles an empty corpus and a corpus of empty documents", () => {
    expect(CompactBm25Index.fromTexts([]).search("heart", 5)).toEqual([]);
    const blank = CompactBm25Index.fromTexts(["", "the", "?"]);
    expect(blank.size).toBe(3);
    expect(blank.search("heart the", 5)).toEqual([]);
  });
});

describe("CompactBm25Index against the naive oracle on random corpora", () => {
  const params = [
    { k1: 0.9, b: 0.4 },
    { k1: 1.2, b: 0.75 },
    { k1: 0, b: 0.5 },
    { k1: 2, b: 0 },
    { k1: 0.5, b: 1 },
  ];
  for (const { k1, b } of params) {
    it(`k1 ${k1}, b ${b}`, () => {
      const texts = randomCorpus(k1 * 100 + b * 10 + 1, 300, 200);
      const analysed = texts.map((t) => analyze(t));
      const index = CompactBm25Index.fromTexts(texts, { k1, b });
      const random = seededRandom("99").float;
      for (let q = 0; q < 60; q++) {
        const source = analysed[Math.floor(random() * analysed.length)] as string[];
        const terms = Array.from({ length: 1 + Math.floor(random() * 8) }, () => {
          return source[Math.floor(random() * source.length)] ?? "nothing";
        });
        const k = 1 + Math.floor(random() * 15);
        const banned = Math.floor(random() * 300);
        const exclude = (d: number) => d === banned || d === banned + 1;
        expectMatchesOracle(
          index.searchTerms(terms, k, { exclude }),
          naiveBm25(analysed, terms, k1, b),
          k,
          exclude,
        );
      }
    });
  }
});

describe("CompactBm25Builder", () => {
  it("returns docIds in insertion order, accepts analysed terms, and refuses use after build", () => {
    const builder = new CompactBm25Builder({ analyzer: new Analyzer() });
    expect(builder.add("heart valves")).toBe(0);
    expect(builder.addTerms(["heart", "heart"])).toBe(1);
    expect(builder.size).toBe(2);
    const index = builder.build();
    expect(index.search("heart", 5).map((h) => h.docId)).toEqual([1, 0]);
    expect(() => builder.add("more")).toThrow(/after build/);
    expect(() => builder.build()).toThrow(/twice/);
  });

  it("rejects parameters lunr would silently clamp", () => {
    expect(() => new CompactBm25Builder({ b: 1.5 })).toThrow(RangeError);
    expect(() => new CompactBm25Builder({ k1: -1 })).toThrow(RangeError);
    expect(() => new CompactBm25Builder({ k1: Number.NaN })).toThrow(RangeError);
    expect(() => new CompactBm25Builder({ scoring: "bm25+" as never })).toThrow(RangeError);
  });
});
