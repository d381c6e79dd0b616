// Wrappers a model puts around a short answer: "Answer: …", "The correct answer is …", "**…**", \boxed{…}.
const LEAD =
  /^(?:(?:so|thus|therefore|hence|overall|in conclusion)\s*,?\s+)?(?:the\s+|my\s+)?(?:final\s+|correct\s+|best\s+|right\s+)?(?:answer|option|choice)(?:\s+is|\s*[:：=-])\s*/i;
const BOXED = /\\boxed\{([^{}]*)\}/;
const QUOTES = /^["'“‘`]+|["'”’`]+$/g;

/**
 * The answer without the words and markup models wrap it in, so "**Answer:** (B)." reads as "(B)".
 * Only the wrapping goes: the answer's own words stay for the matchers to judge.
 */
export function cleanAnswer(text: string): string {
  let s = text.trim();
  const boxed = BOXED.exec(s);
  if (boxed) s = boxed[1] ?? "";
  for (let before = ""; before !== s; ) {
    before = s;
    s = s
      .replace(/\*\*|__|\$/g, "")
      .replace(LEAD, "")
      .replace(QUOTES, "")
      .trim();
  }
  // A full stop ends the sentence; a decimal point ("2.") is rare enough after the answer to drop too.
  return s.replace(/[.;!]+$/, "").trim();
}
