import { describe, expect, it } from "vitest";
import { seededPermutation, seededShuffle } from "./seeded-shuffle.js";

describe("seededPermutation", () => {
  it("is a permutation, and the same for the same key", () => {
    for (const n of [0, 1, 2, 4, 17]) {
      const p = seededPermutation(n, "row-1:0");
      expect([...p].sort((x, y) => x - y)).toEqual(Array.from({ length: n }, (_, i) => i));
      expect(seededPermutation(n, "row-1:0")).toEqual(p);
    }
  });

  it("gives different orders for different keys", () => {
    const orders = new Set(
      Array.from({ length: 50 }, (_, i) => seededPermutation(8, `row-${i}:7`).join(",")),
    );
    expect(orders.size).toBeGreaterThan(45);
  });

  it("puts each item in each place about equally often", () => {
    const n = 4;
    const counts = Array.from({ length: n }, () => new Array<number>(n).fill(0));
    const trials = 8000;
    for (let t = 0; t < trials; t++) {
      seededPermutation(n, `k${t}`).forEach((item, place) => {
        (counts[item] as number[])[place] = ((counts[item] as number[])[place] as number) + 1;
      });
    }
    for (const row of counts)
      for (const c of row) expect(Math.abs(c - trials / n)).toBeLessThan(trials / n / 8);
  });

  it("shuffles items by the permutation", () => {
    const items = ["a", "b", "c", "d", "e"];
    const p = seededPermutation(items.length, "x");
    expect(seededShuffle(items, "x")).toEqual(p.map((i) => items[i]));
  });
});
