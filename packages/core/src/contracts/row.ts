/** A row is a plain JSON object. */
export type Row = Record<string, unknown>;

/**
 * A row travelling through a pipeline, with its stable id carried beside it
 * (never inside the row) so ordering, caches, resume and rejects stay exact.
 */
export interface RowRecord {
  readonly id: string;
  readonly row: Row;
}

/** Id of the k-th row an operator derives from one input row (0-based). */
export function childRowId(parentId: string, index: number): string {
  return `${parentId}.${index}`;
}
