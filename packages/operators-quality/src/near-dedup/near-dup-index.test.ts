import { describe, expect, it } from "vitest";
import { sortedJaccard } from "./jaccard.js";
import { NearDupIndex } from "./near-dup-index.js";

const set = (...v: number[]) => Uint32Array.from(v).sort();
const keys = (...v: number[]) => Uint32Array.from(v);

describe("sortedJaccard", () => {
  it("computes |A ∩ B| / |A ∪ B| on sorted unique values, including a slice of B", () => {
    expect(sortedJaccard(set(1, 2, 3, 4), set(3, 4, 5, 6))).toBeCloseTo(2 / 6);
    expect(sortedJaccard(set(1, 2), set(9, 1, 2), 0, 2)).toBe(1);
    expect(sortedJaccard(set(0xffffffff, 1), set(0xffffffff))).toBe(0.5);
  });
});

describe("NearDupIndex", () => {
  it("finds the most similar kept text sharing a band, through table growth", () => {
    const index = new NearDupIndex(2);
    // Enough distinct keys to grow the table several times.
    for (let i = 0; i < 20_000; i++) index.add(set(i * 10, i * 10 + 1), keys(i * 2 + 7, i * 2 + 8));
    const a = index.add(set(1, 2, 3, 4, 5), keys(1, 2));
    const b = index.add(set(1, 2, 3, 4, 6), keys(3, 2));
    expect(index.findBest(set(1, 2, 3, 4, 6), keys(99, 2), 0.5)).toEqual({ index: b, jaccard: 1 });
    expect(index.findBest(set(1, 2, 3, 4, 9), keys(1, 98), 0.5)).toEqual({ index: a, jaccard: 4 / 6 });
    // Tied similarity: the earlier kept text.
    expect(index.findBest(set(1, 2, 3, 4), keys(1, 3), 0.5)?.index).toBe(a);
    // Below the threshold, or no shared band: nothing.
    expect(index.findBest(set(1, 2, 3, 4, 9), keys(1, 98), 0.7)).toBeUndefined();
    expect(index.findBest(set(1, 2, 3, 4, 5), keys(97, 98), 0.5)).toBeUndefined();
    expect(index.findBest(set(10, 11), keys(9, 1000), 0.5)?.index).toBe(1);
  });
});
