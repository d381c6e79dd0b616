import { seededRandom } from "@dataflow/core";
import { describe, expect, it } from "vitest";
import { analyze } from "./analyzer.js";
import { CompactBm25Index } from "./compact-index.js";
import { maxScoreQuery } from "./max-score.js";
import { createRankScratch, type PostingArrays, type RankStats, rankQuery } from "./rank-query.js";
import { randomCorpus } from "./testdata/prng.js";
import { loadSampleCorpus, SAMPLE_CORPUS_PATH, sampleCorpusAvailable } from "./testdata/sample-corpus.js";

/** The index's posting arrays, as its search hands them to a ranker. */
function postingsOf(index: CompactBm25Index): PostingArrays {
  return (index as unknown as { postings: PostingArrays }).postings;
}

/**
 * Asserts MaxScore and the exhaustive term-at-a-time ranker give identical hits (docIds, order and
 * float scores) for `queries` drawn from the corpus's own terms, at several k, with exclusions.
 */
function expectSameAsExhaustive(texts: string[], seed: string, queries: number): RankStats {
  const index = CompactBm25Index.fromTexts(texts);
  const ix = postingsOf(index);
  const dictionary = (index as unknown as { dictionary: Map<string, number> }).dictionary;
  const terms = texts.map((t) => analyze(t));
  const random = seededRandom(seed).float;
  const scratch = createRankScratch(ix.size);
  const stats: RankStats = { queries: 0, prunedQueries: 0 };
  for (let q = 0; q < queries; q++) {
    // 4-12 terms from one or two documents, as a mining question has.
    const query = new Map<number, number>();
    const n = 4 + Math.floor(random() * 9);
    for (let i = 0; i < n; i++) {
      const doc = terms[Math.floor(random() * terms.length)] as string[];
      const term = dictionary.get(doc[Math.floor(random() * doc.length)] as string);
      if (term !== undefined) query.set(term, (query.get(term) ?? 0) + 1);
    }
    if (query.size === 0) continue;
    const limit = 1 + Math.floor(random() * 20);
    const self = Math.floor(random() * ix.size);
    const exclude = q % 2 === 0 ? (d: number) => d === self : undefined;
    const want = rankQuery(ix, query, limit, exclude, scratch);
    expect(maxScoreQuery(ix, query, limit, exclude, stats), `query ${q}`).toEqual(want);
  }
  return stats;
}

describe("maxScoreQuery", () => {
  it("equals the exhaustive ranker on random texts full of ties", () => {
    const stats = expectSameAsExhaustive(randomCorpus(11, 3000, 300), "ties", 400);
    // Pruning must actually happen, or the comparison would prove nothing about it.
    expect(stats.prunedQueries).toBeGreaterThan(stats.queries / 4);
  });

  it("returns nothing for k beyond the matches and keeps the docId order on equal scores", () => {
    const index = CompactBm25Index.fromTexts(["alpha beta", "alpha beta", "gamma", "alpha beta"]);
    expect(index.search("alpha", 10).map((h) => h.docId)).toEqual([0, 1, 3]);
    expect(index.search("alpha", 2, { exclude: (d) => d === 0 }).map((h) => h.docId)).toEqual([1, 3]);
  });
});

describe.skipIf(!sampleCorpusAvailable)(`maxScoreQuery on real text (${SAMPLE_CORPUS_PATH})`, () => {
  it("equals the exhaustive ranker on the sample textbook cut into ~300-character passages", () => {
    const passages = loadSampleCorpus().flatMap((t) => t.match(/[\s\S]{1,300}(\s|$)/g) ?? []);
    expect(passages.length).toBeGreaterThan(200);
    const stats = expectSameAsExhaustive(passages, "sample", 400);
    expect(stats.prunedQueries).toBeGreaterThan(0);
  });
});
