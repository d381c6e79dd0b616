import { describe, expect, it } from "vitest";
import type { PairwiseSample, SlotChoice } from "./judge-output.js";
import { agreeOrders, candidateOf, pairwiseVerdict } from "./pairwise-verdict.js";

const said = (winner: SlotChoice, clarity: SlotChoice = winner): PairwiseSample => ({
  winner,
  preferences: { clarity },
  reason: `picked ${winner}`,
});

describe("candidateOf", () => {
  it("maps the shown position back to the candidate", () => {
    expect(candidateOf("1", "ab")).toBe("a");
    expect(candidateOf("2", "ab")).toBe("b");
    expect(candidateOf("1", "ba")).toBe("b");
    expect(candidateOf("2", "ba")).toBe("a");
    expect(candidateOf("tie", "ba")).toBe("tie");
  });
});

describe("agreeOrders", () => {
  it("keeps a choice both orders make, ties a win against a tie, and flags opposite wins", () => {
    expect(agreeOrders("a", "a")).toBe("a");
    expect(agreeOrders("b", "b")).toBe("b");
    expect(agreeOrders("tie", "tie")).toBe("tie");
    expect(agreeOrders("a", "tie")).toBe("tie");
    expect(agreeOrders("tie", "b")).toBe("tie");
    expect(agreeOrders("a", "b")).toBe("inconsistent");
    expect(agreeOrders("b", "a")).toBe("inconsistent");
  });
});

describe("pairwiseVerdict", () => {
  it("counts a win when both orders name the same candidate at different positions", () => {
    // a shown first and picked; then a shown second and picked.
    expect(pairwiseVerdict(said("1"), said("2"), ["clarity"])).toEqual({
      winner: "a",
      preferences: { clarity: "a" },
      ordersAgree: true,
    });
    expect(pairwiseVerdict(said("2"), said("1"), ["clarity"]).winner).toBe("b");
  });

  it("calls a judge that always picks the same position inconsistent, and names the position", () => {
    expect(pairwiseVerdict(said("1"), said("1"), ["clarity"])).toEqual({
      winner: "inconsistent",
      preferences: { clarity: "inconsistent" },
      ordersAgree: false,
      positionBias: "first",
    });
    expect(pairwiseVerdict(said("2"), said("2"), ["clarity"]).positionBias).toBe("second");
  });

  it("combines each criterion on its own, and a half-tie is a tie without agreement", () => {
    const v = pairwiseVerdict(said("1", "tie"), said("tie", "2"), ["clarity"]);
    expect(v).toEqual({ winner: "tie", preferences: { clarity: "tie" }, ordersAgree: false });
    const both = pairwiseVerdict(said("tie", "1"), said("tie", "2"), ["clarity"]);
    expect(both).toEqual({ winner: "tie", preferences: { clarity: "a" }, ordersAgree: true });
  });
});
