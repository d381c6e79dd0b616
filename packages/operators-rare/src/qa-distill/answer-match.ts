import { normalizeAnswer, type QaOption, tokenF1 } from "@dataflow/exports";
import { chosenOption, goldOption } from "./answer-choice.js";
import { isNumericAnswer, numbersMatch, singleNumber } from "./answer-number.js";
import { cleanAnswer } from "./answer-text.js";

/** How answers are compared: an option's key, yes/no/maybe, a number, or free text. */
export type AnswerKind = "choice" | "yes-no" | "number" | "text";

export const ANSWER_KINDS: readonly (AnswerKind | "auto")[] = ["auto", "choice", "yes-no", "number", "text"];

/** A gold answer ready to compare against: its kind and the accepted values (aliases). */
export type Gold =
  | { kind: "choice"; keys: string[]; options: readonly QaOption[] }
  | { kind: "yes-no"; values: string[] }
  | { kind: "number"; values: number[] }
  | { kind: "text"; texts: string[] };

export interface MatchSettings {
  /** Numbers: the largest |predicted − gold| / |gold| that still counts as equal. */
  relTol: number;
  /** Free text (and option texts): the least token F1 that counts as the same answer. */
  minF1: number;
}

/** What was read from a predicted answer and whether it matches. */
export interface MatchResult {
  correct: boolean;
  /** The option key, yes/no/maybe, number or normalised text read from the answer; null when none. */
  read: string | null;
}

const YES_NO = ["yes", "no", "maybe"];

/** The kind a gold answer's text implies: options make it a choice; then yes/no/maybe, a number, text. */
export function detectKind(gold: string, options: readonly QaOption[]): AnswerKind {
  if (options.length > 0) return "choice";
  if (YES_NO.includes(normalizeAnswer(gold))) return "yes-no";
  return isNumericAnswer(gold) ? "number" : "text";
}

/**
 * Reads a row's gold answer (a text, a number, a boolean, or a list of accepted texts) as `kind`
 * ("auto": detected from the first). Throws an Error saying what is wrong with it.
 */
export function readGold(value: unknown, options: readonly QaOption[], kind: AnswerKind | "auto"): Gold {
  const list = Array.isArray(value) ? value : [value];
  const texts = list.map((v) =>
    typeof v === "boolean" ? (v ? "yes" : "no") : typeof v === "number" && Number.isFinite(v) ? String(v) : v,
  );
  if (!texts.length || !texts.every((t): t is string => typeof t === "string" && t.trim().length > 0)) {
    throw new Error("must hold the gold answer: a non-empty text, a number, a boolean or a list of texts");
  }
  const k = kind === "auto" ? detectKind(texts[0] as string, options) : kind;
  const bad = (why: string) => new Error(`${JSON.stringify(value)} ${why}`);
  switch (k) {
    case "choice": {
      if (!options.length) throw bad("is compared as a choice, but the row has no options");
      const keys = texts.map((t) => goldOption(t, options));
      if (keys.some((key) => key === undefined)) throw bad("names no option by key or text");
      return { kind: k, keys: keys as string[], options };
    }
    case "yes-no": {
      const values = texts.map((t) => normalizeAnswer(t));
      if (!values.every((v) => YES_NO.includes(v))) throw bad("is not yes, no or maybe");
      return { kind: k, values };
    }
    case "number": {
      const values = texts.map((t) => singleNumber(t));
      if (values.some((v) => v === undefined)) throw bad("does not state one number");
      return { kind: k, values: values as number[] };
    }
    case "text":
      return { kind: k, texts };
  }
}

/** Whether a predicted answer says the same as the gold answer, by the gold answer's kind. */
export function matchAnswer(predicted: string, gold: Gold, s: MatchSettings): MatchResult {
  switch (gold.kind) {
    case "choice": {
      const key = chosenOption(predicted, gold.options, s.minF1);
      return { correct: key !== undefined && gold.keys.includes(key), read: key ?? null };
    }
    case "yes-no": {
      const first = normalizeAnswer(cleanAnswer(predicted)).split(" ")[0] ?? "";
      const read = YES_NO.includes(first) ? first : null;
      return { correct: read !== null && gold.values.includes(read), read };
    }
    case "number": {
      const n = singleNumber(cleanAnswer(predicted));
      const correct = n !== undefined && gold.values.some((g) => numbersMatch(n, g, s.relTol));
      return { correct, read: n === undefined ? null : String(n) };
    }
    case "text": {
      const text = cleanAnswer(predicted);
      const norm = normalizeAnswer(text);
      const correct =
        norm.length > 0 && gold.texts.some((g) => normalizeAnswer(g) === norm || tokenF1(text, g) >= s.minF1);
      return { correct, read: norm || null };
    }
  }
}
