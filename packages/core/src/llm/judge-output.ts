import type { JSONSchema } from "../contracts/json-schema.js";
import { type JudgeScale, SCALE_INFO } from "./judge-rubric.js";

/** One judge answer: a score per criterion and why. */
export interface JudgeSample {
  scores: Record<string, number>;
  reason: string;
}

/** Which of the two shown responses is better ("1" was shown first), or neither. */
export type SlotChoice = "1" | "2" | "tie";
export const SLOT_CHOICES: readonly SlotChoice[] = ["1", "2", "tie"];

/** One pairwise answer, in the order the responses were shown. */
export interface PairwiseSample {
  preferences: Record<string, SlotChoice>;
  winner: SlotChoice;
  reason: string;
}

// `reason` comes first so a model that writes keys in schema order reasons before it scores.
const REASON: JSONSchema = {
  type: "string",
  minLength: 1,
  description: "Why, in two or three sentences, before the scores",
};

/** The answer a pointwise judge must give: every criterion scored on the scale, and a reason. */
export function judgeSchema(criteria: readonly string[], scale: JudgeScale): JSONSchema {
  const { min, max } = SCALE_INFO[scale];
  // An enum, not minimum/maximum: grammar-constrained servers (llama.cpp, the local serving) enforce
  // enums while generating but not numeric bounds.
  const values = Array.from({ length: max - min + 1 }, (_, i) => min + i);
  const score: JSONSchema = { type: "integer", enum: values };
  return {
    type: "object",
    properties: {
      reason: REASON,
      scores: {
        type: "object",
        properties: Object.fromEntries(criteria.map((c) => [c, score])),
        required: [...criteria],
      },
    },
    required: ["reason", "scores"],
  };
}

/** The answer a pairwise judge must give: a preference per criterion, an overall winner, a reason. */
export function pairwiseSchema(criteria: readonly string[]): JSONSchema {
  const choice: JSONSchema = { enum: [...SLOT_CHOICES] };
  return {
    type: "object",
    properties: {
      reason: REASON,
      preferences: {
        type: "object",
        properties: Object.fromEntries(criteria.map((c) => [c, choice])),
        required: [...criteria],
      },
      winner: choice,
    },
    required: ["reason", "preferences", "winner"],
  };
}

/**
 * A pointwise answer read against the rubric, or why it cannot be used. The serving already
 * validated it against the schema; this holds for servings that do not, and keeps only the rubric's criteria.
 */
export function readJudgeSample(
  value: unknown,
  criteria: readonly string[],
  scale: JudgeScale,
): JudgeSample | string {
  const { min, max } = SCALE_INFO[scale];
  const answer = asRecord(value);
  const scoresIn = asRecord(answer?.scores);
  if (!answer || !scoresIn) return "the answer has no `scores` object";
  const reason = answer.reason;
  if (typeof reason !== "string" || !reason.trim()) return "the answer has no `reason`";
  const scores: Record<string, number> = {};
  for (const c of criteria) {
    const s = scoresIn[c];
    if (typeof s !== "number" || !Number.isInteger(s) || s < min || s > max) {
      return `scores.${c} must be a whole number from ${min} to ${max}, got ${JSON.stringify(s) ?? "nothing"}`;
    }
    scores[c] = s;
  }
  return { scores, reason: reason.trim() };
}

/** A pairwise answer read against the rubric, or why it cannot be used. */
export function readPairwiseSample(value: unknown, criteria: readonly string[]): PairwiseSample | string {
  const answer = asRecord(value);
  const prefsIn = asRecord(answer?.preferences);
  if (!answer || !prefsIn) return "the answer has no `preferences` object";
  const reason = answer.reason;
  if (typeof reason !== "string" || !reason.trim()) return "the answer has no `reason`";
  if (!isChoice(answer.winner)) return `winner must be one of "1", "2", "tie"`;
  const preferences: Record<string, SlotChoice> = {};
  for (const c of criteria) {
    const p = prefsIn[c];
    if (!isChoice(p))
      return `preferences.${c} must be one of "1", "2", "tie", got ${JSON.stringify(p) ?? "nothing"}`;
    preferences[c] = p;
  }
  return { preferences, winner: answer.winner, reason: reason.trim() };
}

function isChoice(v: unknown): v is SlotChoice {
  return v === "1" || v === "2" || v === "tie";
}

function asRecord(v: unknown): Record<string, unknown> | undefined {
  return typeof v === "object" && v !== null && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : undefined;
}
