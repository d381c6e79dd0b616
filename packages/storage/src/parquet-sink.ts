import { mkdir, open, rename, rm } from "node:fs/promises";
import { dirname } from "node:path";
import type { Row, RowRecord, RowSink } from "@dataflow/core";
import type { ColumnSource, ParquetWriter } from "hyparquet-writer";
import { describeValue, PARQUET_COLUMN_TYPES, type ParquetColumnType } from "./parquet-columns.js";
import {
  type ColumnShape,
  describeShape,
  fitsShape,
  inferColumnShape,
  shapeSchema,
  writerValue,
} from "./parquet-shape.js";
import { removeStaleTemps, tempPathFor } from "./stale-temps.js";

type FileHandle = Awaited<ReturnType<typeof open>>;

export interface ParquetSinkOptions {
  /** Rows per row group (default 10,000): the rows held in memory before a group is encoded and written. */
  rowGroupSize?: number;
  /** Column types to use instead of inferring them (see ParquetColumnType); other columns are inferred. */
  columnTypes?: Readonly<Record<string, ParquetColumnType>>;
  /** The whole schema, instead of inferring it: every shard of a dataset gets the first shard's. */
  columns?: readonly { name: string; shape: ColumnShape }[];
}

interface Column {
  name: string;
  shape: ColumnShape;
}

const DEFAULT_ROW_GROUP_SIZE = 10_000;

/**
 * Writes rows to a Parquet file (hyparquet-writer, snappy-compressed),
 * atomically: rows go to a temp file beside `path`, which `commit()` fsyncs
 * and renames; `abort()` removes it.
 *
 * Rows are buffered into row groups of `rowGroupSize`; each full group is
 * encoded and written out, so memory holds one group of rows (plus its
 * encoded bytes), however many rows there are.
 *
 * Schema: fixed by the first row group. Its columns are the keys of its rows
 * (first-seen order), each shaped from the group's values (see
 * inferColumnShape): string, int64, double, boolean; arrays as native LIST
 * and objects as native STRUCT columns (nested to any depth); or json (JSON
 * text, read back as values by ParquetSource) for a column whose values
 * disagree in kind at any depth. Every column, field and item is nullable. A later row with a key the schema
 * lacks, or a value its column cannot hold (1.5 in an int64 column), makes
 * `write()` throw an Error naming the row id and the column; set
 * `columnTypes` (e.g. `{ score: "double" }`) when the first rows are not
 * representative. No rows: a file with no columns and no row groups (or
 * `columnTypes`' columns).
 *
 * `write()` returns a promise when a group is being written: awaiting it is
 * the backpressure that keeps memory bounded.
 */
export class ParquetSink implements RowSink {
  readonly description: string;
  private readonly rowGroupSize: number;
  private readonly columnTypes: Readonly<Record<string, ParquetColumnType>>;
  private readonly fixedColumns: readonly Column[] | undefined;
  private rows: RowRecord[] = [];
  private columns: Column[] | undefined;
  private columnNames = new Set<string>();
  private writer: ParquetWriter | undefined;
  private count = 0;
  private state: "open" | "committed" | "aborted" = "open";
  private writing: Promise<void> = Promise.resolve();
  private failure: { error: unknown } | undefined;

  private constructor(
    readonly path: string,
    readonly tempPath: string,
    private readonly fh: FileHandle,
    options: ParquetSinkOptions,
    private readonly lib: WriterLib,
  ) {
    this.description = path;
    this.rowGroupSize = checkRowGroupSize(options.rowGroupSize);
    this.columnTypes = checkColumnTypes(options.columnTypes);
    this.fixedColumns = options.columns;
  }

  /** The schema's columns and their shapes, once the first row group fixed them. */
  get schemaColumns(): readonly { name: string; shape: ColumnShape }[] | undefined {
    return this.columns;
  }

  /** Throws an Error for a bad `rowGroupSize` or an unknown column type, before any file is opened. */
  static checkOptions(options: ParquetSinkOptions): void {
    checkRowGroupSize(options.rowGroupSize);
    checkColumnTypes(options.columnTypes);
  }

  /** Opens the temp file beside `path`, creating parent directories. */
  static async open(path: string, options: ParquetSinkOptions = {}): Promise<ParquetSink> {
    ParquetSink.checkOptions(options);
    const tempPath = tempPathFor(path);
    try {
      await mkdir(dirname(path), { recursive: true });
      await removeStaleTemps(path);
      const lib = await writerLib();
      return new ParquetSink(path, tempPath, await open(tempPath, "wx"), options, lib);
    } catch (err) {
      throw outputError(path, err);
    }
  }

  /** Rows written so far. */
  get rowsWritten(): number {
    return this.count;
  }

  write(record: RowRecord): void | Promise<void> {
    if (this.state !== "open")
      throw new Error(`cannot write to ${this.path}: the output was already ${this.state}`);
    this.throwIfFailed();
    if (this.columns !== undefined) this.check(record);
    this.rows.push(record);
    this.count++;
    if (this.rows.length >= this.rowGroupSize) return this.writeGroup();
  }

  /** Writes the last group and the footer, fsyncs, and renames the temp file onto `path`. */
  async commit(): Promise<void> {
    if (this.state !== "open")
      throw new Error(`cannot commit ${this.path}: the output was already ${this.state}`);
    if (this.failure) {
      await this.abort();
      throw this.failure.error;
    }
    try {
      if (this.rows.length > 0 || this.writer === undefined) await this.writeGroup();
      await this.writing;
      this.throwIfFailed();
      await (this.writer as ParquetWriter).finish();
      await this.fh.sync();
      await this.fh.close();
      await rename(this.tempPath, this.path);
      this.state = "committed";
    } catch (err) {
      await this.abort();
      throw outputError(this.path, err);
    }
  }

  /** Discards what was written. Does nothing once committed or aborted. */
  async abort(): Promise<void> {
    if (this.state !== "open") return;
    this.state = "aborted";
    this.rows = [];
    await this.writing.catch(() => {});
    await this.fh.close().catch(() => {});
    await rm(this.tempPath, { force: true });
  }

  /** Encodes the buffered rows as one row group and starts writing it out. */
  private writeGroup(): Promise<void> {
    const records = this.rows;
    this.rows = [];
    // The schema is fixed now, not when the group's turn to be written comes,
    // so every row written after this one is checked against it in write().
    if (this.columns === undefined) {
      try {
        this.startFile(records);
      } catch (error) {
        this.failure = { error };
        throw error;
      }
    }
    const columns = this.columns as Column[];
    this.writing = this.writing.then(async () => {
      if (this.failure || records.length === 0) return;
      try {
        const columnData: ColumnSource[] = columns.map((column) => ({
          name: column.name,
          data: columnValues(records, column),
        }));
        await (this.writer as ParquetWriter).write({ columnData, rowGroupSize: records.length });
      } catch (error) {
        this.failure = { error };
      }
    });
    return this.writing.then(() => this.throwIfFailed());
  }

  /** A failed group write fails every later write and the commit. */
  private throwIfFailed(): void {
    if (this.failure) throw this.failure.error;
  }

  /** Fixes the schema from the first group, checks the group against it, and writes the file header. */
  private startFile(records: readonly RowRecord[]): void {
    const names = new Set<string>(Object.keys(this.columnTypes));
    for (const c of this.fixedColumns ?? []) names.add(c.name);
    if (!this.fixedColumns) for (const { row } of records) for (const key of Object.keys(row)) names.add(key);
    this.columns = this.fixedColumns
      ? [...this.fixedColumns]
      : [...names].map((name) => {
          const type = this.columnTypes[name];
          return { name, shape: type ? { kind: type } : inferColumnShape(values(records, name)) };
        });
    this.columnNames = names;
    for (const record of records) this.check(record);
    this.writer = new this.lib.ParquetWriter({
      writer: new this.lib.ParquetFileWriter(this.fh),
      schema: [
        { name: "root", num_children: this.columns.length },
        ...this.columns.flatMap((c) => shapeSchema(c.name, c.shape)),
      ],
      createdBy: "@dataflow/storage (hyparquet-writer)",
    });
  }

  /** Throws an Error naming the row and column when the row does not fit the schema. */
  private check(record: RowRecord): void {
    const row: Row = record.row;
    for (const key in row) {
      if (!this.columnNames.has(key)) {
        const known = [...this.columnNames].map((c) => JSON.stringify(c)).join(", ");
        throw new Error(
          `cannot write row ${record.id} to ${this.path}: column ${JSON.stringify(key)} is not in the Parquet schema ` +
            `(${known}), which the first row group fixed; write the same columns in every row`,
        );
      }
    }
    for (const column of this.columns as Column[]) {
      const value = row[column.name];
      if (fitsShape(column.shape, value)) continue;
      const wider = column.shape.kind === "int64" && typeof value === "number" ? "double" : "json";
      throw new Error(
        `cannot write row ${record.id} to ${this.path}: column ${JSON.stringify(column.name)} is ${describeShape(column.shape)} ` +
          `(from the first row group) but the row has ${describeValue(value)}; ` +
          `set its type (columnTypes: { ${JSON.stringify(column.name)}: "${wider}" }) to write such values`,
      );
    }
  }
}

/** A column's values for the writer: null for a missing key; int64 as bigint, as it expects. */
function columnValues(records: readonly RowRecord[], column: Column): unknown[] {
  const out = new Array<unknown>(records.length);
  const { name, shape } = column;
  const plain = shape.kind !== "int64" && shape.kind !== "list" && shape.kind !== "struct";
  for (let i = 0; i < records.length; i++) {
    const value = (records[i] as RowRecord).row[name] ?? null;
    out[i] = plain ? value : writerValue(shape, value);
  }
  return out;
}

function* values(records: readonly RowRecord[], name: string): Iterable<unknown> {
  for (const { row } of records) yield row[name];
}

function checkRowGroupSize(size: number | undefined): number {
  if (size === undefined) return DEFAULT_ROW_GROUP_SIZE;
  if (!Number.isInteger(size) || size < 1)
    throw new Error(`rowGroupSize must be a positive integer, got ${String(size)}`);
  return size;
}

function checkColumnTypes(
  types: Readonly<Record<string, ParquetColumnType>> | undefined,
): Readonly<Record<string, ParquetColumnType>> {
  for (const [name, type] of Object.entries(types ?? {})) {
    if (!PARQUET_COLUMN_TYPES.includes(type))
      throw new Error(
        `unknown Parquet column type "${String(type)}" for column ${JSON.stringify(name)}; ` +
          `use one of ${PARQUET_COLUMN_TYPES.join(", ")}`,
      );
  }
  return types ?? {};
}

function outputError(path: string, err: unknown): Error {
  const reason = err instanceof Error ? err.message : String(err);
  return new Error(`cannot write output file ${path}: ${reason}`, { cause: err });
}

type WriterLib = {
  ParquetWriter: typeof import("hyparquet-writer").ParquetWriter;
  ParquetFileWriter: typeof import("./parquet-file-writer.js").ParquetFileWriter;
};

/** hyparquet-writer, loaded when a Parquet output is opened: it costs every other start-up otherwise. */
async function writerLib(): Promise<WriterLib> {
  const [{ ParquetWriter }, { ParquetFileWriter }] = await Promise.all([
    import("hyparquet-writer"),
    import("./parquet-file-writer.js"),
  ]);
  return { ParquetWriter, ParquetFileWriter };
}
