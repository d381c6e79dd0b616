import { LLMError } from "@dataflow/core";
import { describe, expect, it } from "vitest";
import { toVectors } from "./embedding-vectors.js";

function failure(fn: () => unknown): LLMError {
  try {
    fn();
  } catch (err) {
    if (err instanceof LLMError) return err;
    throw err;
  }
  throw new Error("expected a failure");
}

describe("toVectors", () => {
  it("turns number arrays and float32 arrays into float32 vectors", () => {
    const out = toVectors([[1, 2], Float32Array.of(3, 4)], 2, undefined);
    expect(out).toEqual([Float32Array.of(1, 2), Float32Array.of(3, 4)]);
    expect(toVectors([[1, 2, 3]], 1, 3)).toHaveLength(1);
  });

  it.each([
    ["not a list", { data: [] }, 1, undefined, /has no list of vectors/],
    ["a wrong count", [[1], [2]], 3, undefined, /has 2 vectors for 3 texts/],
    ["a non-number", [[1, null]], 1, undefined, /vector 0 .* has null at position 1, not a finite number/],
    ["NaN", [[1], [Number.NaN]], 2, undefined, /vector 1 .* has NaN at position 0/],
    ["float32 overflow", [[1e39]], 1, undefined, /at position 0, not a finite number/],
    ["an empty vector", [[]], 1, undefined, /vector 0 of the embeddings answer is empty/],
    ["a non-list vector", ["abc"], 1, undefined, /vector 0 .* is not a list of numbers/],
    ["unequal lengths", [[1, 2], [1]], 2, undefined, /different lengths: 2 \(vector 0\) and 1 \(vector 1\)/],
    ["ignored dimensions", [[1, 2]], 1, 8, /asked for vectors of 8 dimensions .* but got 2/],
  ])("fails %s as bad-output", (_what, raw, count, dims, message) => {
    const err = failure(() => toVectors(raw, count, dims));
    expect(err.kind).toBe("bad-output");
    expect(err.message).toMatch(message);
  });
});
