/** Which fields of a corpus record hold a passage's text and id. */
export interface CorpusFields {
  textField: string;
  idField: string;
}

/** One corpus line: a passage, a record without text (`skipped`), or a blank line. */
export type CorpusLine = { readonly id: string; readonly text: string } | "skipped" | "blank";

/**
 * Reads one JSONL corpus line. A record's id is its `idField` (a string or number), else its line
 * number; a line that is not JSON fails with the file and line.
 */
export function parseCorpusLine(
  line: string,
  lineNo: number,
  file: string,
  fields: CorpusFields,
): CorpusLine {
  if (line.trim() === "") return "blank";
  let record: unknown;
  try {
    record = JSON.parse(line);
  } catch (err) {
    throw new Error(`corpus ${file}:${lineNo}: not valid JSON (${(err as Error).message})`);
  }
  const values = typeof record === "object" && record !== null ? (record as Record<string, unknown>) : {};
  const text = values[fields.textField];
  if (typeof text !== "string") return "skipped";
  const id = values[fields.idField];
  return { id: typeof id === "string" || typeof id === "number" ? String(id) : String(lineNo), text };
}
