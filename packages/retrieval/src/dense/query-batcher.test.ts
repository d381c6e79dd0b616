import { describe, expect, it, vi } from "vitest";
import { seededRandom } from "@dataflow/core";
import { FlatCosineIndex } from "./flat-index.js";
import { QueryBatcher } from "./query-batcher.js";

function vectors(seed: number, count: number, dims: number): Float32Array[] {
  const random = seededRandom(String(seed)).float;
  return Array.from({ length: count }, () => Float32Array.from({ length: dims }, () => random() - 0.5));
}

describe("QueryBatcher", () => {
  const index = new FlatCosineIndex(12);
  for (const v of vectors(1, 3000, 12)) index.add(v);
  const batcher = new QueryBatcher(index);

  it("answers searches that arrive together exactly as index.search does", async () => {
    const queries = vectors(2, 13, 12);
    const passes = vi.spyOn(index, "searchMany");
    const together = await Promise.all(
      queries.map((q, i) => batcher.search(q, 1 + (i % 5), (d) => d % (i + 2) === 0)),
    );
    // One call for all 13 (it groups them by 8 inside).
    expect(passes).toHaveBeenCalledTimes(1);
    passes.mockRestore();
    for (const [i, q] of queries.entries()) {
      expect(together[i]).toEqual(index.search(q, 1 + (i % 5), { exclude: (d) => d % (i + 2) === 0 }));
    }
    expect(await batcher.search(queries[0] as Float32Array, 3)).toEqual(
      index.search(queries[0] as Float32Array, 3),
    );
  });

  it("fails only the search with a bad vector or a throwing exclude", async () => {
    const [a, b] = vectors(3, 2, 12) as [Float32Array, Float32Array];
    const results = await Promise.allSettled([
      batcher.search(a, 2),
      batcher.search(new Float32Array(5), 2),
      batcher.search(b, 2, () => {
        throw new Error("exclude broke");
      }),
      batcher.search(b, 2),
    ]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "rejected", "fulfilled"]);
    expect((results[1] as PromiseRejectedResult).reason.message).toMatch(/query vector has 5 dimensions/);
    expect((results[2] as PromiseRejectedResult).reason.message).toBe("exclude broke");
    expect((results[3] as PromiseFulfilledResult<unknown>).value).toEqual(index.search(b, 2));
  });
});
