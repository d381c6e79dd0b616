/**
 * Phrases by which a generated query points back at the documents it was made from ("according to
 * the passage", "document B", "both texts"). A RAG training query must stand on its own: at
 * inference the user never saw the documents, so a query that cites them teaches the wrong thing.
 *
 * Nouns that only name reading material ("passage", "excerpt") count after any determiner. Nouns
 * with everyday uses ("document", "text", "article") count only with a pointing word ("this text",
 * "the document above", "based on the article"), so "a text message" or "the text box" pass.
 */
const READING = "(?:passage|excerpt|extract|snippet|source text|reading passage)s?";
const EVERYDAY = "(?:document|text|article|paragraph|context|material|source)s?";
const POINTING =
  "(?:this|these|the above|the given|the provided|the following|the preceding|the attached|the accompanying|" +
  "the aforementioned|the previous|the supplied|the retrieved|above|given|provided|preceding|aforementioned|supplied|retrieved)";

const PATTERNS: readonly RegExp[] = [
  new RegExp(
    String.raw`\b(?:the|this|that|these|those|an?|both|each|either|above|given|provided|following|preceding|two)\s+${READING}\b`,
    "i",
  ),
  new RegExp(String.raw`\b${POINTING}\s+${EVERYDAY}\b`, "i"),
  new RegExp(
    String.raw`\bthe\s+${EVERYDAY}\s+(?:above|below|provided|given|shown|presented|supplied)\b`,
    "i",
  ),
  new RegExp(
    String.raw`\b(?:according to|based on|in light of|drawing on|as stated in|as described in)\s+the\s+(?:${EVERYDAY}|${READING}|authors?)\b`,
    "i",
  ),
  /\b(?:both|the two|these two|each of the|either of the)\s+(?:documents|texts|passages|sources|articles|excerpts)\b/i,
  // "Document A", "Passage 2": labels only a prompt gives; capitalised letters, so "document a day" passes.
  /\b(?:[Dd]ocument|[Pp]assage|[Ee]xcerpt|[Ss]ource|[Tt]ext)\s+(?:[AB12]|[Oo]ne|[Tt]wo)\b/,
  /\bas (?:mentioned|described|stated|discussed|noted|explained|shown|outlined) (?:above|earlier|before|previously)\b/i,
  /\bin (?:this|the above) (?:chapter|section|study|paper|report)\b/i,
  /\bthe author(?:s|'s)? (?:of|states?|argues?|claims?|says|describes?|mentions?|notes?|suggests?)\b/i,
];

/** The first phrase of `text` that refers to a source document, or undefined when there is none. */
export function findSourceReference(text: string): string | undefined {
  for (const pattern of PATTERNS) {
    const m = pattern.exec(text);
    if (m) return m[0];
  }
  return undefined;
}
