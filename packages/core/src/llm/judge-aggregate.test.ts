import { describe, expect, it } from "vitest";
import { aggregateScores, combineSamples, judgeVerdict, sampleAgreement } from "./judge-aggregate.js";
import type { JudgeSample } from "./judge-output.js";

const C = ["clear", "correct", "complete"];
const sample = (clear: number, correct: number, complete: number, reason = "r"): JudgeSample => ({
  scores: { clear, correct, complete },
  reason,
});

describe("aggregateScores", () => {
  it("takes the weakest criterion, or the mean", () => {
    const scores = { clear: 5, correct: 2, complete: 4 };
    expect(aggregateScores(scores, C, "min")).toBe(2);
    expect(aggregateScores(scores, C, "mean")).toBe(3.6667);
  });

  it("counts only the rubric's criteria, a missing one as 0", () => {
    expect(aggregateScores({ clear: 5, extra: 1 }, ["clear"], "min")).toBe(5);
    expect(aggregateScores({ clear: 5 }, ["clear", "correct"], "mean")).toBe(2.5);
  });
});

describe("combineSamples and sampleAgreement", () => {
  it("averages each criterion over the samples", () => {
    expect(combineSamples([sample(4, 2, 5), sample(5, 3, 5), sample(3, 3, 5)], C)).toEqual({
      clear: 4,
      correct: 2.6667,
      complete: 5,
    });
  });

  it("is the share of sample pairs that gave a criterion the same score", () => {
    expect(sampleAgreement([sample(4, 2, 5)], C)).toBe(1);
    expect(sampleAgreement([sample(4, 2, 5), sample(4, 2, 5)], C)).toBe(1);
    // 1 pair × 3 criteria, 2 the same.
    expect(sampleAgreement([sample(4, 2, 5), sample(4, 3, 5)], C)).toBe(0.6667);
    // 3 pairs × 3 criteria: clear 1 of 3, correct 3 of 3, complete 1 of 3.
    expect(sampleAgreement([sample(1, 2, 3), sample(1, 2, 4), sample(2, 2, 4)], C)).toBe(0.5556);
  });
});

describe("judgeVerdict", () => {
  const o = { criteria: C, aggregate: "min" as const, threshold: 4 };

  it("passes at the threshold, and names the weakest criterion (the first of equals)", () => {
    const ok = judgeVerdict([sample(4, 5, 4)], o);
    expect(ok).toMatchObject({ score: 4, passed: true, weakest: "clear", agreement: 1, unanimous: true });
    const low = judgeVerdict([sample(5, 3, 4)], o);
    expect(low).toMatchObject({ score: 3, passed: false, weakest: "correct" });
  });

  it("compares means as written: three samples averaging exactly 4 pass", () => {
    const v = judgeVerdict([sample(4, 4, 5), sample(4, 4, 5), sample(4, 4, 5)], { ...o, aggregate: "mean" });
    expect(v.score).toBe(4.3333);
    // Unrounded, these means of means come to 1.9999999999999998.
    const thirds = judgeVerdict([sample(4, 1, 2), sample(2, 2, 1), sample(2, 3, 1)], {
      ...o,
      aggregate: "mean",
      threshold: 2,
    });
    expect(thirds.score).toBe(2);
    expect(thirds.passed).toBe(true);
  });

  it("reports split samples and takes the reason of a sample that agrees with the verdict", () => {
    const v = judgeVerdict([sample(2, 2, 2, "bad"), sample(5, 5, 5, "good"), sample(5, 5, 5, "fine")], o);
    expect(v.scores).toEqual({ clear: 4, correct: 4, complete: 4 });
    expect(v.passed).toBe(true);
    expect(v.unanimous).toBe(false);
    expect(v.reason).toBe("good");
    expect(v.agreement).toBe(0.3333);
  });
});
