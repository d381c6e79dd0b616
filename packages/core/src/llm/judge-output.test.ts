import { describe, expect, it } from "vitest";
import { createAjv } from "../util/ajv.js";
import { judgeSchema, pairwiseSchema, readJudgeSample, readPairwiseSample } from "./judge-output.js";

const C = ["clear", "correct"];

describe("judgeSchema", () => {
  it("requires a reason and every criterion, scored on the scale", () => {
    const valid = createAjv().compile(judgeSchema(C, "1-5"));
    expect(valid({ reason: "ok", scores: { clear: 5, correct: 1 } })).toBe(true);
    expect(valid({ reason: "ok", scores: { clear: 5 } })).toBe(false);
    expect(valid({ reason: "ok", scores: { clear: 6, correct: 3 } })).toBe(false);
    expect(valid({ reason: "ok", scores: { clear: 0, correct: 3 } })).toBe(false);
    expect(valid({ reason: "ok", scores: { clear: 2.5, correct: 3 } })).toBe(false);
    expect(valid({ reason: "", scores: { clear: 2, correct: 3 } })).toBe(false);
    expect(valid({ scores: { clear: 2, correct: 3 } })).toBe(false);
  });

  it("takes 0 or 1 on pass-fail", () => {
    const valid = createAjv().compile(judgeSchema(C, "pass-fail"));
    expect(valid({ reason: "ok", scores: { clear: 0, correct: 1 } })).toBe(true);
    expect(valid({ reason: "ok", scores: { clear: 2, correct: 1 } })).toBe(false);
  });

  it("lists the reason before the scores, so a model that follows key order reasons first", () => {
    expect(Object.keys(judgeSchema(C, "1-5").properties ?? {})).toEqual(["reason", "scores"]);
  });
});

describe("pairwiseSchema", () => {
  it("requires a choice for every criterion and a winner", () => {
    const valid = createAjv().compile(pairwiseSchema(C));
    expect(valid({ reason: "r", preferences: { clear: "1", correct: "tie" }, winner: "2" })).toBe(true);
    expect(valid({ reason: "r", preferences: { clear: "1" }, winner: "2" })).toBe(false);
    expect(valid({ reason: "r", preferences: { clear: "1", correct: "a" }, winner: "2" })).toBe(false);
    expect(valid({ reason: "r", preferences: { clear: "1", correct: "2" } })).toBe(false);
  });
});

describe("readJudgeSample", () => {
  it("keeps the rubric's criteria and a trimmed reason", () => {
    expect(
      readJudgeSample({ reason: " fine ", scores: { clear: 4, correct: 5, extra: 1 } }, C, "1-5"),
    ).toEqual({
      scores: { clear: 4, correct: 5 },
      reason: "fine",
    });
  });

  it("says why an answer cannot be used", () => {
    expect(readJudgeSample("text", C, "1-5")).toBe("the answer has no `scores` object");
    expect(readJudgeSample({ scores: { clear: 4, correct: 5 } }, C, "1-5")).toBe(
      "the answer has no `reason`",
    );
    expect(readJudgeSample({ reason: "r", scores: { clear: 4 } }, C, "1-5")).toBe(
      "scores.correct must be a whole number from 1 to 5, got nothing",
    );
    expect(readJudgeSample({ reason: "r", scores: { clear: 1, correct: "1" } }, C, "pass-fail")).toBe(
      'scores.correct must be a whole number from 0 to 1, got "1"',
    );
  });
});

describe("readPairwiseSample", () => {
  it("reads choices and says why an answer cannot be used", () => {
    const ok = { reason: "r", preferences: { clear: "1", correct: "tie" }, winner: "1" };
    expect(readPairwiseSample(ok, C)).toEqual(ok);
    expect(readPairwiseSample({ ...ok, winner: "a" }, C)).toBe('winner must be one of "1", "2", "tie"');
    expect(readPairwiseSample({ ...ok, preferences: { clear: "2" } }, C)).toBe(
      'preferences.correct must be one of "1", "2", "tie", got nothing',
    );
  });
});
