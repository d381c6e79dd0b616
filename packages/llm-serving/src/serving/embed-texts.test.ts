import { describe, expect, it } from "vitest";
import { checkTexts, distinctTexts, spreadVectors } from "./embed-texts.js";

describe("checkTexts", () => {
  it("refuses empty texts and non-strings, naming the serving and the index", () => {
    expect(() => checkTexts(["a", ""], "s")).toThrow(/^serving "s": texts\[1\] to embed is empty/);
    expect(() => checkTexts(["a", 3 as unknown as string], "s")).toThrow(/texts\[1\] to embed is a number/);
    expect(() => checkTexts("a" as unknown as string[], "s")).toThrow(/embed takes an array of strings/);
    expect(() => checkTexts(["a", "b"], "s")).not.toThrow();
  });
});

describe("distinctTexts and spreadVectors", () => {
  it("send each text once and put its vector back wherever it was", () => {
    const positions = distinctTexts(["x", "y", "x", "z"]);
    expect([...positions]).toEqual([
      ["x", [0, 2]],
      ["y", [1]],
      ["z", [3]],
    ]);
    const vectors = spreadVectors(
      positions,
      [Float32Array.of(1), Float32Array.of(2), Float32Array.of(3)],
      4,
      0,
    );
    expect(vectors.map((v) => v[0])).toEqual([1, 2, 1, 3]);
  });

  it("fail vectors of different lengths, blaming the cache when some came from it", () => {
    const positions = distinctTexts(["a", "b"]);
    const odd = [Float32Array.of(1, 2), Float32Array.of(1)];
    expect(() => spreadVectors(positions, odd, 2, 0)).toThrow(
      /^embeddings of different lengths in one call: 2 \(texts\[0\]\) and 1 \(texts\[1\]\)$/,
    );
    expect(() => spreadVectors(positions, odd, 2, 1)).toThrow(
      /the response cache may hold vectors of an earlier version/,
    );
  });
});
