import { describe, expect, it } from "vitest";
import { seededRandom } from "./seeded-random.js";

describe("seededRandom", () => {
  it("repeats for a seed and differs between seeds", () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const c = seededRandom(43);
    const xs = Array.from({ length: 5 }, a);
    expect(Array.from({ length: 5 }, b)).toEqual(xs);
    expect(Array.from({ length: 5 }, c)).not.toEqual(xs);
  });

  it("stays in [0, 1) and is roughly uniform", () => {
    const next = seededRandom(7);
    const xs = Array.from({ length: 10_000 }, next);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    const below = xs.filter((x) => x < 0.1).length;
    expect(below).toBeGreaterThan(800);
    expect(below).toBeLessThan(1200);
  });
});
