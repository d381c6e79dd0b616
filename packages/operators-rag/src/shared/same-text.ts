/**
 * What makes two passages "the same text": equal after trimming and collapsing whitespace, so a
 * passage copied with other line breaks is still recognised as a duplicate.
 */
export function sameTextKey(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}
