import { describe, expect, it } from "vitest";
import { buildOnThreads } from "./build-on-threads.js";
import { CompactBm25Index } from "./compact-index.js";
import { randomCorpus } from "./testdata/prng.js";
import { loadSampleCorpus, sampleCorpusAvailable } from "./testdata/sample-corpus.js";

/** The index's observable state: sizes, lengths, document frequencies, and hits with their floats. */
function fingerprint(index: CompactBm25Index, queries: string[]): unknown {
  return {
    size: index.size,
    terms: index.termCount,
    postings: index.postingCount,
    avg: index.avgLength,
    lengths: Array.from({ length: index.size }, (_, d) => index.docLength(d)),
    postingArrays: index.postingArrays,
    hits: queries.map((q) => index.search(q, 10)),
  };
}

describe("buildOnThreads", () => {
  it("builds the index fromTexts builds, term ids and impacts included, whatever the chunking", async () => {
    // 1,300 documents: two full chunks and a partial one; some empty, ties everywhere.
    const texts = randomCorpus(11, 1300, 500);
    const queries = texts.slice(0, 60).map((t) => t.split(" ").slice(0, 6).join(" "));
    for (const scoring of ["lucene", "lunr"] as const) {
      const want = fingerprint(CompactBm25Index.fromTexts(texts, { scoring }), queries);
      expect(fingerprint(await buildOnThreads(texts, { scoring }, 3), queries)).toEqual(want);
    }
    const empty = await buildOnThreads([], {}, 2);
    expect(empty.size).toBe(0);
  });

  it("numbers terms as fromTexts does when each thread analyses many chunks and keeps its own dictionary", async () => {
    // 6,000 documents: 12 chunks over 2 threads, new terms appearing in every chunk.
    const texts = randomCorpus(23, 6000, 400).map((t, i) => `${t} only${i} shared${i % 977}`);
    const queries = texts.slice(0, 40).map((t) => t.split(" ").slice(-6).join(" "));
    const want = fingerprint(CompactBm25Index.fromTexts(texts), queries);
    expect(fingerprint(await buildOnThreads(texts, {}, 2), queries)).toEqual(want);
  });

  it.skipIf(!sampleCorpusAvailable)("builds the same index over the real sample corpus", async () => {
    const texts = loadSampleCorpus();
    const queries = texts.map((t) => t.slice(200, 400));
    const want = fingerprint(CompactBm25Index.fromTexts(texts, { k1: 1.2, b: 0.75 }), queries);
    expect(fingerprint(await buildOnThreads(texts, { k1: 1.2, b: 0.75 }, 2), queries)).toEqual(want);
  });
});
