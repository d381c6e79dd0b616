import { describe, expect, it } from "vitest";
import { rankingThreads } from "./default-workers.js";

describe("rankingThreads", () => {
  it("takes the option, else DATAFLOW_RETRIEVER_WORKERS, else every core from 1000 passages", () => {
    expect(rankingThreads(3, 10, {})).toBe(3);
    expect(rankingThreads(undefined, 10, { DATAFLOW_RETRIEVER_WORKERS: "2" })).toBe(2);
    expect(rankingThreads(undefined, 999, {})).toBe(1);
    expect(rankingThreads(undefined, 1000, {})).toBeGreaterThanOrEqual(1);
    expect(() => rankingThreads(undefined, 10, { DATAFLOW_RETRIEVER_WORKERS: "0" })).toThrow(
      /DATAFLOW_RETRIEVER_WORKERS must be a whole number ≥ 1 .* got "0"/,
    );
  });
});
