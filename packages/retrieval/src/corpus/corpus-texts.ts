/**
 * A corpus's passage texts by docId: an array of strings, or a store that reads them when asked
 * (jsonl-file-texts.ts), so a million passages need not sit in memory.
 */
export interface CorpusTexts extends Iterable<string> {
  readonly length: number;
  /** Passage `docId`'s text; undefined outside 0 .. length - 1. */
  at(docId: number): string | undefined;
  /** The texts of passages start .. end - 1, in order. */
  slice(start?: number, end?: number): string[];
}
