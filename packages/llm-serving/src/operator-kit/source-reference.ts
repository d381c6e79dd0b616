/**
 * Phrases by which a generated question points back at the text it was made from ("according to
 * the passage", "the document above"). Such a question is not self-contained: without its source
 * it cannot be understood, which is exactly what Doc2Query must avoid.
 *
 * Nouns that only name reading material ("passage", "excerpt") count after any determiner. Nouns
 * with everyday uses ("document", "text", "article") count only with a pointing word ("this text",
 * "the document above", "based on the article"), so "a text message" or "the text box" pass.
 */
const READING = "(?:passage|excerpt|extract|snippet|source text|reading passage)s?";
const EVERYDAY = "(?:document|text|article|paragraph)s?";
const POINTING =
  "(?:this|these|the above|the given|the provided|the following|the preceding|the attached|the accompanying|the aforementioned|the previous|above|given|provided|preceding|aforementioned)";

const PATTERNS: readonly RegExp[] = [
  new RegExp(
    String.raw`\b(?:the|this|that|these|those|an?|above|given|provided|following|preceding)\s+${READING}\b`,
    "i",
  ),
  new RegExp(String.raw`\b${POINTING}\s+${EVERYDAY}\b`, "i"),
  new RegExp(String.raw`\bthe\s+${EVERYDAY}\s+(?:above|below|provided|given|shown|presented)\b`, "i"),
  new RegExp(
    String.raw`\b(?:according to|based on|in light of|drawing on)\s+the\s+(?:${EVERYDAY}|${READING}|authors?)\b`,
    "i",
  ),
  /\bas (?:mentioned|described|stated|discussed|noted|explained|shown|outlined) (?:above|earlier|before|previously)\b/i,
  /\bin (?:this|the above) (?:chapter|section|study|paper|report)\b/i,
  /\bthe author(?:s|'s)? (?:of|states?|argues?|claims?|says|describes?|mentions?|notes?|suggests?)\b/i,
];

/** The first phrase of `text` that refers to a source text, or undefined when there is none. */
export function findSourceReference(text: string): string | undefined {
  for (const pattern of PATTERNS) {
    const m = pattern.exec(text);
    if (m) return m[0];
  }
  return undefined;
}
