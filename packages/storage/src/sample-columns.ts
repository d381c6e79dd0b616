import type { RowSource } from "@dataflow/core";

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
