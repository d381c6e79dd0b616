// SQuAD's string.punctuation is ASCII only; Unicode punctuation (curly quotes, dashes) is stripped
// too, so "Pell’s" and "Pell's" normalise alike. Characters are deleted, not replaced by spaces, as in SQuAD.
const PUNCTUATION = /[\p{P}$+<=>^`|~]/gu;
const ARTICLES = new Set(["a", "an", "the"]);

/** SQuAD answer normalisation, as tokens: lower-case, strip punctuation, drop articles, split on whitespace. */
export function answerTokens(text: string): string[] {
  return text
    .toLowerCase()
    .replace(PUNCTUATION, "")
    .split(/\s+/u)
    .filter((t) => t.length > 0 && !ARTICLES.has(t));
}

/** SQuAD answer normalisation as one string (tokens joined by single spaces). */
export function normalizeAnswer(text: string): string {
  return answerTokens(text).join(" ");
}

/**
 * SQuAD v1 token F1 between a predicted and a gold answer: the harmonic mean of token precision
 * and recall over the normalised bags of tokens. 0 when they share no token (an empty side included).
 */
export function tokenF1(prediction: string, gold: string): number {
  const predicted = answerTokens(prediction);
  const expected = answerTokens(gold);
  const counts = new Map<string, number>();
  for (const t of expected) counts.set(t, (counts.get(t) ?? 0) + 1);
  let same = 0;
  for (const t of predicted) {
    const left = counts.get(t) ?? 0;
    if (left > 0) {
      same++;
      counts.set(t, left - 1);
    }
  }
  if (same === 0) return 0;
  const precision = same / predicted.length;
  const recall = same / expected.length;
  return (2 * precision * recall) / (precision + recall);
}

/** The best token F1 against any of the gold answers (datasets such as NQ list several). */
export function maxTokenF1(prediction: string, gold: string | readonly string[]): number {
  const golds = typeof gold === "string" ? [gold] : gold;
  let best = 0;
  for (const g of golds) best = Math.max(best, tokenF1(prediction, g));
  return best;
}
