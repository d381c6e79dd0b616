import type { RowRecord, RowSink } from "@dataflow/core";
import type { stringify as Stringify } from "csv-stringify/sync";
import { AtomicFile } from "./atomic-file.js";

export interface CsvSinkOptions {
  /** Field delimiter, one character (default ","). */
  delimiter?: string;
}

/** Records stringified together: amortises csv-stringify's per-call setup. */
const BATCH = 512;

/**
 * Writes rows to a CSV file (csv-stringify, RFC 4180 quoting, "\n" line
 * ends), atomically: nothing is at `path` until `commit()` (see AtomicFile).
 *
 * - The header is the first row's keys, in order, and **fixed**: CSV cannot
 *   add a column later. A later row with a key the header lacks makes
 *   `write()` throw an Error naming the row id and the columns (nothing is
 *   dropped silently); a missing key is an empty cell.
 * - Cells: strings as they are; numbers and booleans as text; null and
 *   undefined as an empty cell (so null and "" read back alike, as ""); objects
 *   and arrays JSON-encoded (`{"a":1}` in one quoted cell). Everything reads
 *   back as strings (see CsvSource).
 * - No rows: an empty file (no header, since there are no columns to name).
 *
 * `write()` returns a promise when the caller should wait before writing more
 * (backpressure); awaiting it keeps memory bounded.
 */
export class CsvSink implements RowSink {
  readonly description: string;
  private columns: string[] | undefined;
  private columnSet = new Set<string>();
  private batch: string[][] = [];
  private count = 0;

  private constructor(
    private readonly file: AtomicFile,
    private readonly delimiter: string,
    private readonly stringify: typeof Stringify,
  ) {
    this.description = file.path;
  }

  /** Opens the temp file beside `path`, creating parent directories. */
  static async open(path: string, options?: CsvSinkOptions): Promise<CsvSink> {
    // Loaded when a CSV output is opened: it costs every other start-up otherwise.
    const { stringify } = await import("csv-stringify/sync");
    return new CsvSink(await AtomicFile.open(path), options?.delimiter ?? ",", stringify);
  }

  get path(): string {
    return this.file.path;
  }

  /** Rows written so far. */
  get rowsWritten(): number {
    return this.count;
  }

  write(record: RowRecord): void | Promise<void> {
    const row = record.row;
    let columns = this.columns;
    if (columns === undefined) {
      columns = Object.keys(row);
      if (columns.length === 0)
        throw new Error(
          `cannot write row ${record.id} to ${this.path}: a CSV header needs at least one column`,
        );
      this.columns = columns;
      this.columnSet = new Set(columns);
      this.batch.push(columns);
    }
    for (const key in row) {
      if (!this.columnSet.has(key)) throw this.extraColumns(record, columns);
    }
    const cells = new Array<string>(columns.length);
    for (let i = 0; i < columns.length; i++) cells[i] = cell(row[columns[i] as string]);
    this.batch.push(cells);
    this.count++;
    if (this.batch.length >= BATCH) return this.flushBatch();
  }

  async commit(): Promise<void> {
    if (this.batch.length > 0) await this.flushBatch();
    await this.file.commit();
  }

  abort(): Promise<void> {
    this.batch = [];
    return this.file.abort();
  }

  private flushBatch(): void | Promise<void> {
    const text = this.stringify(this.batch, { delimiter: this.delimiter, record_delimiter: "unix" });
    this.batch = [];
    return this.file.write(text);
  }

  private extraColumns(record: RowRecord, columns: string[]): Error {
    const extra = Object.keys(record.row).filter((key) => !this.columnSet.has(key));
    const list = (keys: string[]) => keys.map((k) => JSON.stringify(k)).join(", ");
    return new Error(
      `cannot write row ${record.id} to ${this.path}: it has ${extra.length === 1 ? "a column" : "columns"} ` +
        `${list(extra)} not in the CSV header (${list(columns)}); CSV columns are fixed by the first row, ` +
        "so select the same columns in every row or write JSONL/Parquet",
    );
  }
}

/** One cell's text (see CsvSink). */
function cell(value: unknown): string {
  switch (typeof value) {
    case "string":
      return value;
    case "number":
    case "boolean":
    case "bigint":
      return String(value);
    case "undefined":
      return "";
    default:
      return value === null ? "" : JSON.stringify(value);
  }
}
