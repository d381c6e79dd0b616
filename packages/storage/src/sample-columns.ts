import type { RowSource } from "@dataflow/core";
import { DOCUMENT_COLUMNS } from "./documents/document-file.js";
import { DocumentSource } from "./documents/document-source.js";
import { type FileSourceOptions, openFileSource } from "./open-source.js";

/**
 * The columns of a source, for key-flow checks before a run: the union of the
 * keys of its first `n` rows, in first-seen order. Bad items are skipped.
 * Reads only as far as needed, then stops the source.
 */
export async function sampleColumns(source: RowSource, n = 100): Promise<string[]> {
  const columns = new Set<string>();
  if (n <= 0) return [];
  let rows = 0;
  for await (const item of source.read()) {
    if (item.kind !== "row") continue;
    for (const key of Object.keys(item.row)) columns.add(key);
    if (++rows >= n) break;
  }
  return [...columns];
}

/**
 * The columns of a file's first `n` rows, read through a source opened for just that (the
 * compiler's key-flow check, before any storage exists). Throws on an unsupported format or a
 * file that cannot be read.
 */
export async function sampleFileColumns(options: FileSourceOptions, n = 100): Promise<string[]> {
  const source = openFileSource(options);
  // Document rows always have the same columns: check that something matches, but parse no PDFs.
  if (source instanceof DocumentSource) {
    await source.checkReadable();
    return [...DOCUMENT_COLUMNS];
  }
  return sampleColumns(source, n);
}
