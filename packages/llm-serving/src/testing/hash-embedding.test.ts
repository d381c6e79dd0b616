import { describe, expect, it } from "vitest";
import { fnv1a, hashEmbedding } from "./hash-embedding.js";

const cosine = (a: number[], b: number[]) => a.reduce((sum, v, i) => sum + v * (b[i] ?? 0), 0);

describe("hashEmbedding", () => {
  it("hashes with FNV-1a 32-bit", () => {
    // Reference values of FNV-1a 32.
    expect(fnv1a("")).toBe(0x811c9dc5);
    expect(fnv1a("a")).toBe(0xe40c292c);
    expect(fnv1a("foobar")).toBe(0xbf9cf968);
  });

  it("is a unit bag of hashed, lower-cased words: deterministic, order-blind, punctuation-blind", () => {
    const v = hashEmbedding("The cat sat.", 64);
    expect(v).toHaveLength(64);
    expect(cosine(v, v)).toBeCloseTo(1, 12);
    expect(hashEmbedding("sat, the CAT", 64)).toEqual(v);
    // One word: a single ±1 at its hash's dimension.
    const one = hashEmbedding("cat", 64);
    const h = fnv1a("cat");
    expect(one[h % 64]).toBe(h & 0x80000000 ? -1 : 1);
    expect(one.filter((x) => x !== 0)).toHaveLength(1);
  });

  it("ranks texts sharing words above texts that do not", () => {
    const q = hashEmbedding("photosynthesis in green plants", 256);
    const near = hashEmbedding("Green plants use photosynthesis to make sugar", 256);
    const far = hashEmbedding("The stock market fell on Tuesday", 256);
    expect(cosine(q, near)).toBeGreaterThan(cosine(q, far));
  });

  it("gives a text without words the zero vector, and refuses a bad size", () => {
    expect(hashEmbedding("… !!", 8)).toEqual(new Array(8).fill(0));
    expect(() => hashEmbedding("x", 0)).toThrow(/dims must be a whole number ≥ 1, got 0/);
  });
});
