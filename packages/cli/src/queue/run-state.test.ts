import { describe, expect, it } from "vitest";
import { finishedSince, formatRunState, parseRunState } from "./run-state.js";

describe("run state", () => {
  it("ends a worker on a run finished after it started, not on an earlier run's finished state", () => {
    const startedAt = 1_000;
    expect(finishedSince(parseRunState("finished 999"), startedAt)).toBe(false);
    expect(finishedSince(parseRunState("running 1200"), startedAt)).toBe(false);
    expect(finishedSince(undefined, startedAt)).toBe(false);
    expect(finishedSince(parseRunState(formatRunState({ phase: "finished", at: 1500 })), startedAt)).toBe(
      true,
    );
  });

  it("reads only what formatRunState writes", () => {
    expect(parseRunState("running 12")).toEqual({ phase: "running", at: 12 });
    expect(parseRunState("finished")).toBeUndefined();
    expect(parseRunState(null)).toBeUndefined();
  });
});
