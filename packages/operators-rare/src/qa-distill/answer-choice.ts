import { normalizeAnswer, type QaOption, tokenF1 } from "@dataflow/exports";
import { cleanAnswer } from "./answer-text.js";

// "B", "(B)", "[B]", "B.", "B)", "b" — the whole answer is a key.
const BARE = /^[([]?([A-Za-z0-9]{1,3})[)\]]?[.:)]?$/;
// "B. Replace the cassette", "(B) Replace …", "B) Replace …", "B: Replace …" — a key, then its text.
const KEYED = /^(?:[([]([A-Za-z0-9]{1,3})[)\]]|([A-Z0-9]{1,3})[.:)])\s*(.*)$/s;
// "the answer is B", "Answer: (B)", "option C", "choice D is right" anywhere in a longer answer.
const MENTION =
  /\b(answer|option|choice)\s*(?:is\s*|[:：=]\s*)?(option\s+|choice\s+)?([([])?([A-Z0-9]{1,3})(?![\w-])/gi;

/** The key of `options` that `key` names, case aside; undefined when none. */
export function optionKey(key: string, options: readonly QaOption[]): string | undefined {
  const k = key.toUpperCase();
  return options.find((o) => o.key.toUpperCase() === k)?.key;
}

/** The option whose text the answer is (normalised), or, failing that, the only one within `minF1`. */
function byText(text: string, options: readonly QaOption[], minF1: number): string | undefined {
  const norm = normalizeAnswer(text);
  if (!norm) return undefined;
  const exact = options.filter((o) => normalizeAnswer(o.text) === norm);
  if (exact.length === 1) return exact[0]?.key;
  const close = options.filter((o) => tokenF1(text, o.text) >= minF1);
  return close.length === 1 ? close[0]?.key : undefined;
}

/**
 * The option an answer picks: its key alone ("B", "(B)", "B."), a key before the option's text, a
 * key named as "the answer is B" / "option B" (only if it names one key), or the option's text.
 * Undefined when it picks none, or several.
 */
export function chosenOption(
  answer: string,
  options: readonly QaOption[],
  minF1: number,
): string | undefined {
  const s = cleanAnswer(answer);
  const bare = optionKey(BARE.exec(s)?.[1] ?? "", options);
  if (bare) return bare;
  const keyed = KEYED.exec(s);
  if (keyed) {
    const key = optionKey(keyed[1] ?? keyed[2] ?? "", options);
    // "B. <text of C>" contradicts itself: no pick.
    const rest = keyed[3]?.trim() ?? "";
    const named = rest ? byText(rest, options, minF1) : undefined;
    if (key && (named === undefined || named === key)) return key;
  }
  const mentioned = new Set<string>();
  for (const [, word, option, bracket, raw] of s.matchAll(MENTION)) {
    const key = optionKey(raw ?? "", options);
    // A lower-case letter after "answer is" is an article ("the answer is a worn cassette"), not a key.
    const keyLike = /^[A-Z0-9]+$/.test(raw ?? "") || bracket || option || !/^answer$/i.test(word ?? "");
    if (key && keyLike) mentioned.add(key);
  }
  if (mentioned.size === 1) return [...mentioned][0];
  if (mentioned.size > 1) return undefined;
  return byText(s, options, minF1);
}

/** The key a gold answer names: a key (case aside) or an option's text; undefined when neither. */
export function goldOption(gold: string, options: readonly QaOption[]): string | undefined {
  const s = gold.trim();
  return optionKey(BARE.exec(s)?.[1] ?? s, options) ?? byText(s, options, 1);
}
