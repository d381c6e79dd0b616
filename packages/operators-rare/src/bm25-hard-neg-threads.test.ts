import { describe, expect, it } from "vitest";
import { MIN_ROWS_FOR_THREADS, miningThreads } from "./bm25-hard-neg-threads.js";

describe("miningThreads", () => {
  it("takes the step's workers, else DATAFLOW_BM25_WORKERS, else every core for enough rows", () => {
    expect(miningThreads(3, 10, { DATAFLOW_BM25_WORKERS: "5" }, 8)).toBe(3);
    expect(miningThreads(undefined, 10, { DATAFLOW_BM25_WORKERS: " 5 " }, 8)).toBe(5);
    expect(miningThreads(undefined, MIN_ROWS_FOR_THREADS, {}, 8)).toBe(8);
    expect(miningThreads(undefined, MIN_ROWS_FOR_THREADS - 1, {}, 8)).toBe(1);
    expect(miningThreads(undefined, 10 ** 6, { DATAFLOW_BM25_WORKERS: "" }, 2)).toBe(2);
  });

  it("rejects a variable that is no whole number ≥ 1, naming it", () => {
    for (const bad of ["0", "-2", "1.5", "two"]) {
      expect(() => miningThreads(undefined, 10, { DATAFLOW_BM25_WORKERS: bad })).toThrow(
        `DATAFLOW_BM25_WORKERS must be a whole number ≥ 1 (1 = no threads), got "${bad}"`,
      );
    }
  });
});
