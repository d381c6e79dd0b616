import { describe, expect, it } from "vitest";
import { chunkJobId, chunkRanges, queueName } from "./chunk-layout.js";

describe("chunkRanges", () => {
  it("covers every position once, in order, the last chunk shorter", () => {
    expect(chunkRanges(25, 10)).toEqual([
      { index: 0, start: 0, end: 10 },
      { index: 1, start: 10, end: 20 },
      { index: 2, start: 20, end: 25 },
    ]);
    expect(chunkRanges(20, 10).map((c) => c.end)).toEqual([10, 20]);
    expect(chunkRanges(0, 10)).toEqual([]);
  });

  it("refuses a chunk size that is not a whole number ≥ 1", () => {
    expect(() => chunkRanges(10, 0)).toThrow(/≥ 1/);
    expect(() => chunkRanges(10, 2.5)).toThrow(/whole number/);
  });

  it("names jobs by range and queues by digest, so the same chunk is queued once", () => {
    expect(chunkJobId({ start: 10, end: 20 })).toBe("rows-10-20");
    expect(queueName("ab".repeat(32))).toBe(`chunks-${"ab".repeat(10)}`);
  });
});
