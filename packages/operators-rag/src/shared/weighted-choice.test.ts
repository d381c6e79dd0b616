import { describe, expect, it } from "vitest";
import { positiveWeights, weightedChoice, weightEntries } from "./weighted-choice.js";

describe("weightedChoice", () => {
  const w = [
    ["a", 1],
    ["b", 0],
    ["c", 3],
  ] as const;

  it("picks the option whose share of the total covers the draw, never a zero weight", () => {
    expect(weightedChoice(w, 0)).toBe("a");
    expect(weightedChoice(w, 0.2499)).toBe("a");
    expect(weightedChoice(w, 0.25)).toBe("c");
    expect(weightedChoice(w, 0.9999)).toBe("c");
    expect(positiveWeights(w).map(([k]) => k)).toEqual(["a", "c"]);
  });

  it("gives undefined when nothing can be drawn", () => {
    expect(weightedChoice([["a", 0]], 0.5)).toBeUndefined();
    expect(weightedChoice([], 0.5)).toBeUndefined();
  });
});

describe("weightEntries", () => {
  it("orders known options first, in their order, then the others sorted", () => {
    expect(weightEntries({ z: 1, dense: 2, bm25: 3, a: 4 }, ["bm25", "dense", "hybrid"])).toEqual([
      ["bm25", 3],
      ["dense", 2],
      ["a", 4],
      ["z", 1],
    ]);
  });
});
