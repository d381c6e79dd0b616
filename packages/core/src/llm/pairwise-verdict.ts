import type { PairwiseSample, SlotChoice } from "./judge-output.js";

/** Which candidate is better once both orders are heard: a win needs both orders to agree. */
export type PairOutcome = "a" | "b" | "tie" | "inconsistent";
export type Choice = "a" | "b" | "tie";

/** The order the candidates were shown in: `ab` shows a as response 1, `ba` shows b as response 1. */
export type ShowOrder = "ab" | "ba";

export interface PairwiseVerdict {
  winner: PairOutcome;
  preferences: Record<string, PairOutcome>;
  /** Whether both orders made the same overall choice (a win against a tie is not agreement). */
  ordersAgree: boolean;
  /**
   * When the orders named opposite candidates as winner, the position both times chosen: the judge
   * preferred whatever it was shown first (or second), not either candidate.
   */
  positionBias?: "first" | "second";
}

/** A choice between the shown responses, as a choice between the candidates. */
export function candidateOf(choice: SlotChoice, order: ShowOrder): Choice {
  if (choice === "tie") return "tie";
  const first = order === "ab" ? "a" : "b";
  const second = order === "ab" ? "b" : "a";
  return choice === "1" ? first : second;
}

/**
 * Two orders' choices combined: the same choice stands; a win in one order and a tie in the other
 * is a tie (the judge is not sure); opposite wins are inconsistent (the position decided, not the content).
 */
export function agreeOrders(ab: Choice, ba: Choice): PairOutcome {
  if (ab === ba) return ab;
  if (ab === "tie" || ba === "tie") return "tie";
  return "inconsistent";
}

/** The verdict of one pair judged in both orders. */
export function pairwiseVerdict(
  ab: PairwiseSample,
  ba: PairwiseSample,
  criteria: readonly string[],
): PairwiseVerdict {
  const combine = (x: SlotChoice, y: SlotChoice) => agreeOrders(candidateOf(x, "ab"), candidateOf(y, "ba"));
  const preferences: Record<string, PairOutcome> = {};
  for (const c of criteria) preferences[c] = combine(ab.preferences[c] ?? "tie", ba.preferences[c] ?? "tie");
  const winner = combine(ab.winner, ba.winner);
  const ordersAgree = candidateOf(ab.winner, "ab") === candidateOf(ba.winner, "ba");
  // Opposite candidates means the same shown position both times.
  const positionBias = winner === "inconsistent" ? (ab.winner === "1" ? "first" : "second") : undefined;
  return { winner, preferences, ordersAgree, ...(positionBias ? { positionBias } : {}) };
}
