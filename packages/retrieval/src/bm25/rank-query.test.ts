import { describe, expect, it } from "vitest";
import { createRankScratch, type PostingArrays, type RankStats, rankQuery } from "./rank-query.js";
import { seededRandom } from "@dataflow/core";

/** Random CSR postings: Zipf-ish document frequencies, impacts on a coarse grid so ties are common. */
function randomPostings(seed: number, size: number, terms: number, zeroShare = 0): PostingArrays {
  const random = seededRandom(String(seed)).float;
  const lists: { docs: number[]; weights: number[] }[] = [];
  for (let t = 0; t < terms; t++) {
    const df = Math.max(1, Math.floor(size * 0.6 * (1 / (t + 1)) ** 0.9 * random()));
    const docs = new Set<number>();
    while (docs.size < Math.min(df, size)) docs.add(Math.floor(random() * size));
    const sorted = [...docs].sort((a, b) => a - b);
    // Rarer terms weigh more, as idf makes them; multiples of 0.25 keep every sum exact.
    const scale = 1 + Math.floor(Math.log(size / sorted.length));
    lists.push({
      docs: sorted,
      weights: sorted.map(() => (random() < zeroShare ? 0 : Math.ceil(random() * 8) * 0.25 * scale)),
    });
  }
  const offsets = new Uint32Array(terms + 1);
  lists.forEach((l, t) => {
    offsets[t + 1] = (offsets[t] as number) + l.docs.length;
  });
  const docIds = Int32Array.from(lists.flatMap((l) => l.docs));
  const impacts = Float32Array.from(lists.flatMap((l) => l.weights));
  const maxImpacts = Float32Array.from(lists.map((l) => Math.max(0, ...l.weights)));
  const zeroImpactTerms =
    zeroShare > 0 ? Uint8Array.from(lists.map((l) => (l.weights.includes(0) ? 1 : 0))) : undefined;
  return { offsets, docIds, impacts, maxImpacts, zeroImpactTerms, size };
}

/** Scores every document with plain loops and sorts: the definition rankQuery must reproduce. */
function bruteForce(
  ix: PostingArrays,
  query: Map<number, number>,
  limit: number,
  exclude: (d: number) => boolean,
) {
  const scores = new Map<number, number>();
  for (const [t, count] of query) {
    for (let p = ix.offsets[t] as number; p < (ix.offsets[t + 1] as number); p++) {
      const doc = ix.docIds[p] as number;
      scores.set(doc, (scores.get(doc) ?? 0) + count * (ix.impacts[p] as number));
    }
  }
  return [...scores]
    .filter(([doc]) => !exclude(doc))
    .map(([docId, score]) => ({ docId, score }))
    .sort((a, b) => b.score - a.score || a.docId - b.docId)
    .slice(0, limit);
}

describe("rankQuery", () => {
  for (const [size, zeroShare] of [
    [2000, 0],
    [20_000, 0],
    [5000, 0.05],
  ] as const) {
    it(`equals brute force on ${size} documents${zeroShare ? " with zero weights" : ""}, pruning or not`, () => {
      const ix = randomPostings(size + 1, size, 400, zeroShare);
      const scratch = createRankScratch(size);
      const stats: RankStats = { queries: 0, prunedQueries: 0 };
      const random = seededRandom(String(size)).float;
      for (let q = 0; q < 300; q++) {
        const query = new Map<number, number>();
        const n = 1 + Math.floor(random() * 8);
        for (let i = 0; i < n; i++) {
          // Mostly frequent terms (long lists) plus a rare one now and then.
          const t = random() < 0.7 ? Math.floor(random() * 20) : Math.floor(random() * 400);
          query.set(t, (query.get(t) ?? 0) + 1);
        }
        const limit = 1 + Math.floor(random() * 12);
        const banned = new Set(
          bruteForce(ix, query, 3, () => false)
            .map((h) => h.docId)
            .slice(0, q % 3),
        );
        const exclude = (d: number) => banned.has(d);
        expect(rankQuery(ix, query, limit, exclude, scratch, stats)).toEqual(
          bruteForce(ix, query, limit, exclude),
        );
        expect(scratch.acc.every((v) => v === 0)).toBe(true);
      }
      // The interesting path must actually run.
      expect(stats.prunedQueries).toBeGreaterThan(5);
      expect(stats.prunedQueries).toBeLessThan(stats.queries);
    });
  }
});
