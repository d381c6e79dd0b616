import { seededRandom } from "@dataflow/core";
import { afterAll, describe, expect, it, vi } from "vitest";
import { FlatCosineIndex } from "./flat-index.js";
import { QueryBatcher } from "./query-batcher.js";
import { DenseSearchPool } from "./search-pool.js";

function randomVectors(seed: string, count: number, dims: number): Float32Array[] {
  const random = seededRandom(seed).float;
  return Array.from({ length: count }, () => Float32Array.from({ length: dims }, () => random() * 2 - 1));
}

const pools: DenseSearchPool[] = [];
afterAll(async () => {
  await Promise.all(pools.map((p) => p.close()));
});

function pool(index: FlatCosineIndex, size: number): DenseSearchPool {
  const p = new DenseSearchPool(index, size);
  pools.push(p);
  return p;
}

describe("DenseSearchPool", () => {
  for (const kernel of ["wasm", "js"] as const) {
    it(`answers on threads exactly as the index does, over several segments, in the order asked (${kernel})`, async () => {
      const dims = 40;
      // ~300 rows per segment: 7 segments, each thread reading them all through its own slot.
      const index = new FlatCosineIndex(dims, { kernel, segmentBytes: 300 * dims * 4 });
      for (const v of randomVectors(`docs-${kernel}`, 2000, dims)) index.add(v);
      const threads = pool(index, 2);
      expect(threads.size).toBe(2);
      const queries = randomVectors(`queries-${kernel}`, 37, dims);
      const [many, few] = await Promise.all([
        threads.searchMany(queries, 9),
        threads.searchMany(queries.slice(0, 3), 2),
      ]);
      expect(many).toEqual(index.searchMany(queries, 9));
      expect(few).toEqual(index.searchMany(queries.slice(0, 3), 2));
      expect(many[5]?.length).toBe(9);
    });
  }

  it("fails a group with a vector of the wrong length, and every search once closed", async () => {
    const index = new FlatCosineIndex(4);
    for (const v of randomVectors("small", 50, 4)) index.add(v);
    const threads = pool(index, 1);
    await expect(threads.searchMany([new Float32Array(3)], 2)).rejects.toThrow(
      /3 dimensions but the index holds 4/,
    );
    expect(await threads.searchMany([Float32Array.of(1, 0, 0, 0)], 2)).toEqual(
      index.searchMany([Float32Array.of(1, 0, 0, 0)], 2),
    );
    await threads.close();
    await expect(threads.searchMany([Float32Array.of(1, 0, 0, 0)], 2)).rejects.toThrow(/closed/);
    expect(() => FlatCosineIndex.fromShared(index.share(), 1).add(new Float32Array(4))).toThrow(/read-only/);
  });

  it("serves a QueryBatcher: searches of one turn go to the threads, those with exclude stay on this thread", async () => {
    const dims = 16;
    const index = new FlatCosineIndex(dims);
    for (const v of randomVectors("batcher", 3000, dims)) index.add(v);
    const threads = pool(index, 2);
    const onThreads = vi.spyOn(threads, "searchMany");
    const batcher = new QueryBatcher(index, threads);
    const queries = randomVectors("batcher-q", 20, dims);
    const exclude = (d: number) => d % 3 === 0;
    const got = await Promise.all(
      queries.map((q, i) => (i % 4 === 0 ? batcher.search(q, 5, exclude) : batcher.search(q, 1 + (i % 7)))),
    );
    const want = queries.map((q, i) =>
      i % 4 === 0 ? index.search(q, 5, { exclude }) : index.search(q, 1 + (i % 7)),
    );
    expect(got).toEqual(want);
    // The 15 without exclude went to the threads together, asking for the largest k.
    expect(onThreads).toHaveBeenCalledTimes(1);
    expect(onThreads.mock.calls[0]?.[0]).toHaveLength(15);
    expect(onThreads.mock.calls[0]?.[1]).toBe(7);
    // A bad vector among good ones fails alone.
    const results = await Promise.allSettled([
      batcher.search(queries[0] as Float32Array, 3),
      batcher.search(new Float32Array(2), 3),
    ]);
    expect(results[0]).toEqual({ status: "fulfilled", value: index.search(queries[0] as Float32Array, 3) });
    expect(results[1]?.status).toBe("rejected");
  });
});
