import type { Row } from "@dataflow/core";

export type RowIdResult =
  | { readonly ok: true; readonly id: string }
  | { readonly ok: false; readonly reason: string };

/**
 * Gives each source record its row id.
 *
 * - Without an id column, the id is the record's 1-based ordinal in the file
 *   (its line number for JSONL, its index for a JSON array), e.g. "17".
 * - With `idColumn`, it is that column's value (a string, or a finite number
 *   written as a string). A record without one, or whose id was already seen,
 *   cannot be given an id: it becomes a bad item. Seen ids are kept in a Set,
 *   so memory grows with the number of rows (ids only, not rows).
 *
 * Bad items need an id too: the ordinal without an id column; with one,
 * "<unit>:<ordinal>" (e.g. "line:17"), which cannot be mistaken for a value of
 * the id column that some other row holds.
 */
export class RowIds {
  private readonly seen = new Set<string>();

  constructor(
    private readonly idColumn: string | undefined,
    private readonly unit: "line" | "record",
  ) {}

  assign(row: Row, ordinal: number): RowIdResult {
    const column = this.idColumn;
    if (column === undefined) return { ok: true, id: String(ordinal) };
    const value = row[column];
    let id: string;
    if (typeof value === "string") {
      id = value;
    } else if (typeof value === "number" && Number.isFinite(value)) {
      id = String(value);
    } else if (value === undefined || value === null) {
      return { ok: false, reason: `missing id column "${column}"` };
    } else {
      return {
        ok: false,
        reason: `id column "${column}" must be a string or a number, found ${describeJsonType(value)}`,
      };
    }
    if (id === "") return { ok: false, reason: `empty id in column "${column}"` };
    if (this.seen.has(id))
      return { ok: false, reason: `duplicate id ${JSON.stringify(id)} in column "${column}"` };
    this.seen.add(id);
    return { ok: true, id };
  }

  /** The id of a record that is not a row (unreadable, or no usable id). */
  badId(ordinal: number): string {
    return this.idColumn === undefined ? String(ordinal) : `${this.unit}:${ordinal}`;
  }
}

/** "an array", "a string", "null", ... for messages about JSON values. */
export function describeJsonType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  switch (typeof value) {
    case "object":
      return "an object";
    case "string":
      return "a string";
    case "number":
      return "a number";
    case "boolean":
      return "a boolean";
    default:
      return typeof value;
  }
}
