import type { Row } from "./row.js";

const DROP = Symbol.for("dataflow.drop");
const ROWS = Symbol.for("dataflow.rows");

/** The row is removed on purpose; `reason` is counted in the run summary. */
export interface Drop {
  readonly [DROP]: true;
  readonly reason: string;
}

/** The row becomes these rows (each a full row, not a patch). */
export interface Rows {
  readonly [ROWS]: true;
  readonly rows: readonly Row[];
  /**
   * Row i's id is the input row's id + `idSuffixes[i]` (e.g. `#0`, `#1` for a document's chunks).
   * Without it: the input row's id for one row, `<id>.0`, `<id>.1`, … for several.
   */
  readonly idSuffixes?: readonly string[];
}

export interface RowsOptions {
  /** One distinct, non-empty suffix per row, appended to the input row's id (even for a single row). */
  idSuffixes?: readonly string[];
}

/**
 * What `process` returns: a patch merged into the row (a key set to
 * `undefined` removes that column), `undefined` for "unchanged", several
 * rows, or a drop.
 */
export type ProcessResult = Row | undefined | Drop | Rows;

export function drop(reason: string): Drop {
  return { [DROP]: true, reason };
}

export function rows(list: readonly Row[], options: RowsOptions = {}): Rows {
  return options.idSuffixes
    ? { [ROWS]: true, rows: list, idSuffixes: options.idSuffixes }
    : { [ROWS]: true, rows: list };
}

export function isDrop(v: unknown): v is Drop {
  return typeof v === "object" && v !== null && DROP in v;
}

export function isRows(v: unknown): v is Rows {
  return typeof v === "object" && v !== null && ROWS in v;
}

/** Merge a patch into a row; `undefined` values delete keys. */
export function applyPatch(row: Row, patch: Row): Row {
  const out: Row = { ...row };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) delete out[key];
    else out[key] = value;
  }
  return out;
}
