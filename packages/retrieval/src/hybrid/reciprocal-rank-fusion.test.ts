import { describe, expect, it } from "vitest";
import { reciprocalRankFusion } from "./reciprocal-rank-fusion.js";

describe("reciprocalRankFusion", () => {
  it("sums weight / (rrfK + rank) over the rankings and records each rank", () => {
    const fused = reciprocalRankFusion(
      [
        { name: "bm25", docIds: [7, 3, 5], weight: 1 },
        { name: "dense", docIds: [3, 9], weight: 1 },
      ],
      { limit: 10 },
    );
    expect(fused).toEqual([
      { docId: 3, score: 1 / 62 + 1 / 61, ranks: { bm25: 2, dense: 1 } },
      { docId: 7, score: 1 / 61, ranks: { bm25: 1 } },
      { docId: 9, score: 1 / 62, ranks: { dense: 2 } },
      { docId: 5, score: 1 / 63, ranks: { bm25: 3 } },
    ]);
  });

  it("lets weights tip the order, and leaves a zero-weight ranking out entirely", () => {
    const rankings = (dense: number) => [
      { name: "bm25", docIds: [1, 2], weight: 1 },
      { name: "dense", docIds: [2, 3], weight: dense },
    ];
    expect(reciprocalRankFusion(rankings(1), { limit: 3, rrfK: 0 }).map((h) => h.docId)).toEqual([2, 1, 3]);
    // bm25's first place (1/1) against 0.1 × dense's first (0.1/1) plus bm25's second (1/2).
    expect(reciprocalRankFusion(rankings(0.1), { limit: 3, rrfK: 0 }).map((h) => h.docId)).toEqual([1, 2, 3]);
    const zero = reciprocalRankFusion(rankings(0), { limit: 3 });
    expect(zero.map((h) => h.docId)).toEqual([1, 2]);
    expect(zero[1]?.ranks).toEqual({ bm25: 2 });
  });

  it("cuts each ranking at max(depth, limit)", () => {
    const rankings = [
      { name: "a", docIds: [1, 2, 3, 4], weight: 1 },
      { name: "b", docIds: [5, 6, 7, 4], weight: 1 },
    ];
    const ids = (limit: number, depth: number) =>
      reciprocalRankFusion(rankings, { limit, depth }).map((h) => h.docId);
    // Doc 4 is 4th in both: unseen at depth 3, the winner (2/64 > 1/61) at depth 4.
    expect(ids(2, 3)).toEqual([1, 5]);
    expect(ids(2, 4)).toEqual([4, 1]);
    expect(reciprocalRankFusion(rankings, { limit: 1, depth: 4 })[0]?.ranks).toEqual({ a: 4, b: 4 });
    // A limit above the depth deepens the cut.
    expect(ids(4, 1)).toEqual([4, 1, 5, 2]);
    expect(ids(1, 1)).toEqual([1]);
  });

  it("breaks equal scores by docId, and counts a repeated doc at its best rank", () => {
    const fused = reciprocalRankFusion(
      [
        { name: "bm25", docIds: [8, 2, 8], weight: 1 },
        { name: "dense", docIds: [4, 8], weight: 1 },
      ],
      { limit: 5 },
    );
    // 4 and 8 are each first somewhere; 8 is also second in dense, so it leads.
    expect(fused.map((h) => [h.docId, h.ranks])).toEqual([
      [8, { bm25: 1, dense: 2 }],
      [4, { dense: 1 }],
      [2, { bm25: 2 }],
    ]);
    const mirror = reciprocalRankFusion(
      [
        { name: "x", docIds: [5, 1], weight: 1 },
        { name: "y", docIds: [1, 5], weight: 1 },
      ],
      { limit: 2 },
    );
    expect(mirror[0]?.score).toBe(mirror[1]?.score);
    expect(mirror.map((h) => h.docId)).toEqual([1, 5]);
  });

  it("returns nothing for a limit of 0 or no rankings, and rejects bad settings", () => {
    expect(reciprocalRankFusion([{ name: "a", docIds: [1], weight: 1 }], { limit: 0 })).toEqual([]);
    expect(reciprocalRankFusion([], { limit: 3 })).toEqual([]);
    expect(() => reciprocalRankFusion([], { limit: 1, rrfK: -1 })).toThrow(
      /rrfK must be a finite number ≥ 0, got -1/,
    );
    expect(() => reciprocalRankFusion([], { limit: 1, depth: 0 })).toThrow(/depth must be ≥ 1/);
    expect(() => reciprocalRankFusion([{ name: "a", docIds: [], weight: Number.NaN }], { limit: 1 })).toThrow(
      /weight of ranking "a" must be a finite number ≥ 0, got NaN/,
    );
    expect(() =>
      reciprocalRankFusion(
        [
          { name: "a", docIds: [], weight: 1 },
          { name: "a", docIds: [], weight: 1 },
        ],
        { limit: 1 },
      ),
    ).toThrow(/two rankings are named "a"/);
  });
});
