import { documentLabel } from "./prompts.js";

/** One option of a multiple-choice question: its key (a letter, as shown) and its text. */
export interface QaOption {
  key: string;
  text: string;
}

/** What an `options` cell may hold: a list (lettered A, B, …) or a map of keys to texts. */
export type QaOptionsValue = readonly string[] | Readonly<Record<string, string>>;

export type QaOptionsRead = { ok: true; options: QaOption[] } | { ok: false; problem: string };

const KEY = /^[A-Za-z0-9]{1,3}$/;
const LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

/**
 * The options of a question, from a list (keys A, B, … in order) or a map of keys to texts (keys
 * as written, in the map's order). Absent, null and empty mean a question without options.
 */
export function readQaOptions(value: unknown): QaOptionsRead {
  if (value === undefined || value === null) return { ok: true, options: [] };
  if (typeof value !== "object") {
    return {
      ok: false,
      problem: `must be a list of option texts or a map of letters to texts, got a ${typeof value}`,
    };
  }
  const pairs: [string, unknown][] = Array.isArray(value)
    ? value.map((text, i) => [LETTERS[i] ?? "", text])
    : Object.entries(value);
  if (pairs.length > LETTERS.length) {
    return { ok: false, problem: `holds ${pairs.length} options; at most ${LETTERS.length} can be lettered` };
  }
  const options: QaOption[] = [];
  const seen = new Set<string>();
  for (const [key, text] of pairs) {
    if (!KEY.test(key))
      return { ok: false, problem: `has the option key ${JSON.stringify(key)}; use letters` };
    if (seen.has(key.toUpperCase())) return { ok: false, problem: `repeats the option key "${key}"` };
    seen.add(key.toUpperCase());
    if (typeof text !== "string" || !text.trim()) {
      return { ok: false, problem: `option ${key} must be a non-empty string` };
    }
    options.push({ key, text: text.trim() });
  }
  return { ok: true, options };
}

export interface RareQaInstructionInput {
  /** The field the expert works in, e.g. "bicycle maintenance"; default: the question's own subject. */
  domain?: string;
  /** The question has options: the answer is the correct option's key. */
  multipleChoice: boolean;
  /** Tag names around the reasoning and the answer (default think / answer). */
  thinkTag?: string;
  answerTag?: string;
}

/**
 * RARE's verified-mode instruction in our own words: an expert persona, step-by-step reasoning over
 * the retrieved documents, and a final answer in a fixed form a regexp can read back.
 */
export function rareQaInstruction(input: RareQaInstructionInput): string {
  const think = input.thinkTag ?? "think";
  const answer = input.answerTag ?? "answer";
  const field = input.domain?.trim() ? input.domain.trim() : "the field the question comes from";
  const form = input.multipleChoice
    ? `then give only the key of the one correct option inside <${answer}></${answer}>.`
    : `then give only your final answer, as short as it can be, inside <${answer}></${answer}>.`;
  return [
    `You are an expert in ${field}. Answer the question below with the help of the retrieved documents.`,
    "Think it through step by step: say which documents bear on the question and what they establish,",
    "set aside those that do not help, and connect the facts to what is asked.",
    `Write your reasoning inside <${think}></${think}>, ${form}`,
  ].join(" ");
}

export interface RareQaPromptInput {
  instruction: string;
  documents: readonly string[];
  question: string;
  options: readonly QaOption[];
}

/** The verified-mode prompt: the instruction, the labelled documents, then the question and its options. */
export function rareQaPrompt(input: RareQaPromptInput): string {
  const documents = input.documents.map((d, i) => `${documentLabel(i)}\n${d.trim()}`).join("\n\n");
  return [
    input.instruction.trim(),
    "",
    "# Retrieved documents",
    documents,
    "",
    "# Question",
    input.question.trim(),
    ...(input.options.length ? ["", "# Options", ...input.options.map((o) => `${o.key}. ${o.text}`)] : []),
  ].join("\n");
}

/** The verified-mode target: the reasoning in <think>, the answer in <answer>. */
export function rareQaTarget(reasoning: string, answer: string): string {
  return `<think>\n${reasoning.trim()}\n</think>\n<answer>${answer.trim()}</answer>`;
}
