import { afterAll, describe, expect, it } from "vitest";
import { CompactBm25Index } from "./compact-index.js";
import { Bm25RankPool } from "./rank-pool.js";
import { randomCorpus } from "./testdata/prng.js";
import { loadSampleCorpus, sampleCorpusAvailable } from "./testdata/sample-corpus.js";

const pools: Bm25RankPool[] = [];
afterAll(async () => {
  await Promise.all(pools.map((p) => p.close()));
});

function pool(index: CompactBm25Index, size: number): Bm25RankPool {
  const p = new Bm25RankPool(index, size);
  pools.push(p);
  return p;
}

/** Queries of 1-12 corpus words, some repeated, some absent from the index. */
function queriesFrom(texts: string[], n: number): string[] {
  const words = texts.join(" ").split(/\s+/).filter(Boolean);
  return Array.from({ length: n }, (_, i) => {
    const len = 1 + (i % 12);
    const picked = Array.from({ length: len }, (_, j) => words[(i * 7919 + j * 104729) % words.length]);
    return `${picked.join(" ")}${i % 5 === 0 ? " nowordlikethis" : ""}${i % 9 === 0 ? ` ${picked[0]}` : ""}`;
  });
}

describe("Bm25RankPool", () => {
  it("ranks on worker threads exactly as the index does in-thread: the same docIds and the same floats, in the order asked", async () => {
    const texts = randomCorpus(7, 3000, 400);
    for (const scoring of ["lucene", "lunr"] as const) {
      const index = CompactBm25Index.fromTexts(texts, { scoring });
      const threads = pool(index, 3);
      const queries = queriesFrom(texts, 300);
      const ks = queries.map((_, i) => [1, 3, 7, 11, 50][i % 5] as number);
      const got = await Promise.all(queries.map((q, i) => threads.search(q, ks[i] as number)));
      const want = queries.map((q, i) => index.search(q, ks[i] as number));
      expect(got).toEqual(want);
      expect(got.filter((hits) => hits.length > 0).length).toBeGreaterThan(250);
    }
  });

  it.skipIf(!sampleCorpusAvailable)(
    "agrees with the index on the real sample corpus, one document at a time too",
    async () => {
      const texts = loadSampleCorpus();
      const index = CompactBm25Index.fromTexts(texts);
      const threads = pool(index, 2);
      const queries = queriesFrom(texts, 120);
      const got = await Promise.all(queries.map((q) => threads.search(q, 5)));
      expect(got).toEqual(queries.map((q) => index.search(q, 5)));
      const only = await Promise.all(queries.map((q, i) => threads.search(q, 1, i % texts.length)));
      const wantOnly = queries.map((q, i) => index.search(q, 1, { exclude: (d) => d !== i % texts.length }));
      expect(only).toEqual(wantOnly);
      expect(only.some((hits) => hits[0]?.docId === 3)).toBe(true);
    },
  );

  it("answers nothing for empty queries and k 0 without a thread, and fails queries after close", async () => {
    const index = CompactBm25Index.fromTexts(["alpha beta", "beta gamma"]);
    const threads = pool(index, 1);
    expect(await threads.search("", 3)).toEqual([]);
    expect(await threads.search("alpha", 0)).toEqual([]);
    expect(await threads.search("beta", 5)).toEqual(index.search("beta", 5));
    await threads.close();
    await expect(threads.search("beta", 5)).rejects.toThrow(/closed/);
  });
});
