import { open } from "node:fs/promises";
import type { Row, SourceItem } from "@dataflow/core";
import type { AsyncBuffer, FileMetaData } from "hyparquet";
import { FileSourceBase } from "./file-source-base.js";
import { checkInputFile, InputFileError } from "./input-file.js";
import { RowIds } from "./row-ids.js";
import { firstInvalidUtf8 } from "./utf8.js";

type FileHandle = Awaited<ReturnType<typeof open>>;

export interface ParquetSourceOptions {
  /** A Parquet file. */
  path: string;
  /** Take row ids from this column instead of row numbers. */
  idColumn?: string;
  /** Stop after this many rows (bad rows met on the way are still reported). */
  limit?: number;
}

/** A string column value whose bytes are not UTF-8: the row becomes a bad item. */
class InvalidUtf8 {
  constructor(readonly byte: number) {}
}

const strict = new TextDecoder("utf-8", { fatal: true });

/**
 * Streams the rows of a Parquet file (hyparquet), one row group at a time:
 * memory holds one decoded row group (10,000 rows for files ParquetSink
 * writes), never the whole file. Every compression codec but LZO is read
 * (hyparquet-compressors: snappy, gzip, zstd, brotli, lz4).
 *
 * - Row ids: the 1-based row number ("1" is the first row), or the
 *   `idColumn` value.
 * - Values become JSON: strings, numbers, booleans, null; JSON columns and
 *   nested lists and structs as arrays and objects. INT64 values are numbers
 *   when they fit exactly (|n| ≤ 2^53 - 1), decimal strings otherwise;
 *   timestamps are ISO 8601 strings, dates "YYYY-MM-DD".
 * - A row with a string (or binary) value that is not UTF-8, or (with
 *   `idColumn`) a missing or duplicate id, is a `bad` item; Parquet has no
 *   lines, so its location is the file and its reason names the 1-based row
 *   number (and the column).
 * - A missing file: `checkReadable()` throws an InputFileError, as does the
 *   iterator's first `next()`. An empty file, or one that is not Parquet,
 *   makes the iterator throw an Error naming the file.
 */
export class ParquetSource extends FileSourceBase {
  constructor(options: ParquetSourceOptions) {
    super(options);
  }

  protected async *items(signal: AbortSignal | undefined): AsyncGenerator<SourceItem> {
    signal?.throwIfAborted();
    this.bytesRead = 0;
    const size = await checkInputFile(this.path);
    this.bytesTotal = size;
    if (this.limit === 0) return;
    if (size === 0) throw new Error(`${this.path}: the file is empty; expected a Parquet file`);
    let fh: FileHandle;
    try {
      fh = await open(this.path, "r");
    } catch (err) {
      throw new InputFileError(this.path, err);
    }
    try {
      const file = fileBuffer(fh, size);
      // Loaded when a Parquet file is read: they cost every other start-up otherwise.
      const [{ parquetMetadataAsync, parquetReadObjects }, { compressors }] = await Promise.all([
        import("hyparquet"),
        import("hyparquet-compressors"),
      ]);
      let metadata: FileMetaData;
      try {
        metadata = await parquetMetadataAsync(file);
      } catch (err) {
        throw new Error(`${this.path}: not a readable Parquet file (${(err as Error).message})`, {
          cause: err,
        });
      }
      const ids = new RowIds(this.idColumn, "record");
      let rows = 0;
      let groupStart = 0;
      let compressed = 0;
      for (const group of metadata.row_groups) {
        const groupRows = Number(group.num_rows);
        let decoded: Record<string, unknown>[];
        try {
          decoded = await parquetReadObjects({
            file,
            metadata,
            rowStart: groupStart,
            rowEnd: groupStart + groupRows,
            rowFormat: "object",
            compressors, // every Parquet codec but LZO: zstd (Polars' default), gzip, brotli, lz4
            parsers: { stringFromBytes, dateFromDays },
          });
        } catch (err) {
          const at = `row group ${metadata.row_groups.indexOf(group) + 1}`;
          throw new Error(`${this.path}: cannot read Parquet ${at}: ${(err as Error).message}`, {
            cause: err,
          });
        }
        signal?.throwIfAborted();
        compressed += Number(group.total_compressed_size ?? 0n);
        this.bytesRead = Math.min(compressed, size);
        for (let i = 0; i < decoded.length; i++) {
          const ordinal = groupStart + i + 1;
          const item = this.toItem(decoded[i] as Row, ordinal, ids);
          decoded[i] = {}; // let the row go once handed out
          signal?.throwIfAborted();
          yield item;
          if (item.kind === "row" && ++rows >= this.limit) return;
        }
        groupStart += groupRows;
      }
      this.bytesRead = size;
    } finally {
      await fh.close();
    }
  }

  /** The row hyparquet decoded, its values made JSON in place (it is a fresh object per row). */
  private toItem(row: Row, ordinal: number, ids: RowIds): SourceItem {
    for (const key of Object.keys(row)) {
      const value = toJsonValue(row[key]);
      if (value instanceof InvalidUtf8) {
        const byte = value.byte.toString(16).padStart(2, "0");
        return this.bad(
          ids,
          ordinal,
          `invalid UTF-8 in column ${JSON.stringify(key)} (unexpected byte 0x${byte})`,
        );
      }
      row[key] = value;
    }
    const id = ids.assign(row, ordinal);
    if (!id.ok) return this.bad(ids, ordinal, id.reason);
    return { kind: "row", id: id.id, row };
  }

  /** Parquet has no lines: the location is the file, and the reason names the row number. */
  private bad(ids: RowIds, ordinal: number, reason: string): SourceItem {
    return {
      kind: "bad",
      id: ids.badId(ordinal),
      location: { file: this.path },
      reason: `row ${ordinal}: ${reason}`,
    };
  }
}

/** An AsyncBuffer (what hyparquet reads from) over an open file: positioned reads of the ranges it asks for. */
function fileBuffer(fh: FileHandle, size: number): AsyncBuffer {
  return {
    byteLength: size,
    async slice(start: number, end = size): Promise<ArrayBuffer> {
      const bytes = new Uint8Array(Math.max(0, end - start));
      let done = 0;
      while (done < bytes.length) {
        const { bytesRead } = await fh.read(bytes, done, bytes.length - done, start + done);
        if (bytesRead === 0) break;
        done += bytesRead;
      }
      return bytes.buffer;
    },
  };
}

/** Strings are decoded strictly, so bad bytes are reported rather than replaced. */
function stringFromBytes(bytes: Uint8Array | undefined): string | InvalidUtf8 | undefined {
  if (bytes === undefined) return undefined;
  try {
    return strict.decode(bytes);
  } catch {
    return new InvalidUtf8(bytes[Math.max(0, firstInvalidUtf8(bytes))] ?? 0);
  }
}

/** A DATE as "YYYY-MM-DD" (a timestamp would claim a time of day it does not have). */
function dateFromDays(days: number): string | null {
  const date = new Date(days * 86_400_000);
  return Number.isNaN(date.getTime()) ? null : date.toISOString().slice(0, 10);
}

/**
 * A decoded Parquet value as JSON: bigint → number (or a decimal string when
 * it does not fit exactly), Date → ISO string, typed arrays → arrays; nested
 * arrays and objects converted in place. An InvalidUtf8 anywhere is returned
 * as is, so the row can be rejected.
 */
function toJsonValue(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case "string":
    case "number":
    case "boolean":
      return value;
    case "bigint":
      return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER)
        ? Number(value)
        : value.toString();
    case "object":
      break;
    default:
      return null;
  }
  if (value instanceof InvalidUtf8) return value;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<unknown>, toJsonValue);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const v = toJsonValue(value[i]);
      if (v instanceof InvalidUtf8) return v;
      value[i] = v;
    }
    return value;
  }
  const obj = value as Record<string, unknown>;
  for (const key of Object.keys(obj)) {
    const v = toJsonValue(obj[key]);
    if (v instanceof InvalidUtf8) return v;
    obj[key] = v;
  }
  return obj;
}
