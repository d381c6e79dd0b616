import type { SourceItem } from "@dataflow/core";
import { type ByteReader, openFileReader } from "./byte-reader.js";
import { FileSourceBase } from "./file-source-base.js";
import { openGunzipReader } from "./gunzip-reader.js";
import { checkInputFile } from "./input-file.js";
import { jsonErrorOffset } from "./json-error-position.js";
import { checkMaxRecordBytes, oversizedReason, rawPrefix } from "./record-size.js";
import { describeJsonType, RowIds } from "./row-ids.js";
import { codePointCount } from "./text-position.js";
import { describeInvalidUtf8, isUtf8 } from "./utf8.js";

export interface JsonlSourceOptions {
  /** The JSONL (newline-delimited JSON) file: one JSON object per line. */
  path: string;
  /** Take row ids from this column instead of line numbers. */
  idColumn?: string;
  /** Stop after this many rows (bad lines met on the way are still reported). */
  limit?: number;
  /** Bytes read from the file at a time (default 256 KiB). Lines may be longer: the buffer grows to hold one. */
  chunkSize?: number;
  /** "gzip" for a gzip-compressed file (`.jsonl.gz`), decompressed as it streams. Default: none. */
  compression?: "gzip";
  /**
   * The longest line read (default 64 MiB, at most 256 MiB). A longer line is a `bad` item (file,
   * line, size) and is skipped without being held in memory.
   */
  maxRecordBytes?: number;
}

const DEFAULT_CHUNK_SIZE = 256 * 1024;
const NEWLINE = 0x0a;

/**
 * Streams the rows of a JSONL file on demand.
 *
 * Each `read()` opens the file and reads it a chunk at a time as the consumer
 * pulls, so memory stays flat however large the file (one chunk plus the
 * longest line). Lines are split on bytes; a chunk of complete lines is checked
 * as UTF-8 and decoded in one go, falling back to line by line only when it
 * holds invalid bytes.
 *
 * - Row ids: the 1-based line number ("17"), or the `idColumn` value.
 * - Blank (whitespace-only) lines are skipped; they still count as lines.
 * - A UTF-8 byte order mark at the start of the file is ignored; "\r\n" line
 *   ends are accepted.
 * - A line that is not a row becomes a `bad` item (never a throw) with its
 *   file:line:column: invalid JSON, a JSON value that is not an object,
 *   invalid UTF-8, or (with `idColumn`) a missing or duplicate id.
 *
 * A missing or unreadable file: `checkReadable()` throws an InputFileError,
 * and so does the iterator's first `next()` if nobody called it first. Nothing
 * is yielded before the check. An aborted `signal` makes the iterator throw the
 * signal's reason (an AbortError), so a cancelled read never looks like the end
 * of the input.
 *
 * With `compression: "gzip"` the file is gunzipped as it is read (same memory
 * bound); corrupt or truncated gzip data makes the iterator throw an Error
 * naming the path, after the rows before the damage. Progress then counts
 * compressed bytes, so it still compares with the file size.
 */
export class JsonlSource extends FileSourceBase {
  private readonly chunkSize: number;
  private readonly compression: "gzip" | undefined;
  private readonly maxRecordBytes: number;

  constructor(options: JsonlSourceOptions) {
    super(options);
    this.chunkSize = Math.max(1, Math.floor(options.chunkSize ?? DEFAULT_CHUNK_SIZE));
    this.compression = options.compression;
    this.maxRecordBytes = checkMaxRecordBytes(options.maxRecordBytes);
  }

  protected async *items(signal: AbortSignal | undefined): AsyncGenerator<SourceItem> {
    for await (const batch of this.batches(signal)) {
      for (const item of batch) {
        signal?.throwIfAborted();
        yield item;
      }
    }
  }

  /** The items of each chunk read, as one array: the runner takes them without a promise per row. */
  readBatches(options?: { signal?: AbortSignal }): AsyncIterable<readonly SourceItem[]> {
    return this.batches(options?.signal);
  }

  private async *batches(signal: AbortSignal | undefined): AsyncGenerator<SourceItem[]> {
    signal?.throwIfAborted();
    this.bytesRead = 0;
    this.bytesTotal = await checkInputFile(this.path);
    // An empty file holds no rows, compressed or not (zlib would call a 0-byte .gz truncated).
    if (this.limit === 0 || this.bytesTotal === 0) return;
    const reader: ByteReader =
      this.compression === "gzip" ? await openGunzipReader(this.path) : await openFileReader(this.path);
    const ids = new RowIds(this.idColumn, "line");
    let rows = 0;
    let lineNo = 0;
    let buf = Buffer.allocUnsafe(this.chunkSize);
    let filled = 0; // buf[0, filled) holds bytes read but not yet split into lines
    let eof = false;
    // A line over the limit being skipped: where it started, its bytes so far and its first bytes.
    let skipping: { line: number; bytes: number; head: string } | undefined;
    try {
      while (!eof || filled > 0) {
        if (!eof) {
          if (filled === buf.length) {
            // One line longer than the buffer: grow it (never past the limit: see `skipping`).
            const bigger = Buffer.allocUnsafe(Math.min(buf.length * 2, this.maxRecordBytes + 1));
            buf.copy(bigger, 0, 0, filled);
            buf = bigger;
          }
          const bytesRead = await reader.read(buf, filled, buf.length - filled);
          signal?.throwIfAborted();
          if (bytesRead === 0) {
            eof = true;
          } else {
            filled += bytesRead;
            this.bytesRead = reader.position;
          }
        }
        if (
          skipping === undefined &&
          filled > this.maxRecordBytes &&
          buf.subarray(0, filled).indexOf(NEWLINE) === -1
        ) {
          lineNo++;
          skipping = { line: lineNo, bytes: 0, head: buf.toString("utf8", 0, Math.min(filled, 1024)) };
        }
        if (skipping !== undefined) {
          // Drop the oversized line's bytes as they come; report it once its end is found.
          const nl = buf.subarray(0, filled).indexOf(NEWLINE);
          if (nl === -1) {
            skipping.bytes += filled;
            filled = 0;
            if (!eof) continue;
          } else {
            skipping.bytes += nl;
            buf.copy(buf, 0, nl + 1, filled);
            filled -= nl + 1;
          }
          yield [this.oversized(ids, skipping.line, skipping.bytes, skipping.head)];
          skipping = undefined;
          continue;
        }
        // Complete lines end at the last newline; at end of file the rest is the last line.
        const lastNewline = filled > 0 ? buf.lastIndexOf(NEWLINE, filled - 1) : -1;
        const end = lastNewline !== -1 ? lastNewline + 1 : eof ? filled : 0;
        if (end === 0) continue;

        const batch: SourceItem[] = [];
        if (isUtf8(buf.subarray(0, end))) {
          const text = buf.toString("utf8", 0, end);
          let start = 0;
          while (start < text.length) {
            const nl = text.indexOf("\n", start);
            const lineEnd = nl === -1 ? text.length : nl;
            lineNo++;
            const line = text.slice(start, lineEnd);
            const item =
              line.length * 3 > this.maxRecordBytes && Buffer.byteLength(line) > this.maxRecordBytes
                ? this.oversized(ids, lineNo, Buffer.byteLength(line), line)
                : this.parseLine(line, lineNo, ids);
            start = lineEnd + 1;
            if (item === undefined) continue;
            batch.push(item);
            if (item.kind === "row" && ++rows >= this.limit) break;
          }
        } else {
          let start = 0;
          while (start < end) {
            const nl = buf.indexOf(NEWLINE, start);
            const lineEnd = nl === -1 || nl >= end ? end : nl;
            lineNo++;
            const item =
              lineEnd - start > this.maxRecordBytes
                ? this.oversized(ids, lineNo, lineEnd - start, buf.toString("utf8", start, start + 1024))
                : this.parseLineBytes(buf, start, lineEnd, lineNo, ids);
            start = lineEnd + 1;
            if (item === undefined) continue;
            batch.push(item);
            if (item.kind === "row" && ++rows >= this.limit) break;
          }
        }
        signal?.throwIfAborted();
        if (batch.length) yield batch;
        if (rows >= this.limit) return;
        buf.copy(buf, 0, end, filled);
        filled -= end;
      }
    } finally {
      await reader.close();
    }
  }

  /** A line's bytes that may not be UTF-8. */
  private parseLineBytes(
    buf: Buffer,
    start: number,
    end: number,
    lineNo: number,
    ids: RowIds,
  ): SourceItem | undefined {
    if (lineNo === 1 && buf[start] === 0xef && buf[start + 1] === 0xbb && buf[start + 2] === 0xbf) start += 3;
    if (end > start && buf[end - 1] === 0x0d) end--;
    if (isUtf8(buf.subarray(start, end)))
      return this.parseLine(buf.toString("utf8", start, end), lineNo, ids);
    const { column, reason } = describeInvalidUtf8(buf, start, end);
    return {
      kind: "bad",
      id: ids.badId(lineNo),
      location: { file: this.path, line: lineNo, column },
      reason,
      raw: buf.toString("utf8", start, end),
    };
  }

  private parseLine(line: string, lineNo: number, ids: RowIds): SourceItem | undefined {
    if (lineNo === 1 && line.charCodeAt(0) === 0xfeff) line = line.slice(1);
    if (line.charCodeAt(line.length - 1) === 0x0d) line = line.slice(0, -1);
    if (line.length === 0 || (line.charCodeAt(0) <= 0x20 && line.trim() === "")) return undefined;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      const offset = jsonErrorOffset(line, err);
      return this.bad(
        ids,
        lineNo,
        codePointCount(line, 0, offset) + 1,
        `invalid JSON: ${(err as Error).message}`,
        line,
      );
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      const column = line.length - line.trimStart().length + 1;
      return this.bad(ids, lineNo, column, `expected a JSON object, found ${describeJsonType(value)}`, line);
    }
    const row = value as Record<string, unknown>;
    const id = ids.assign(row, lineNo);
    if (!id.ok) return this.bad(ids, lineNo, undefined, id.reason, line);
    return { kind: "row", id: id.id, row };
  }

  /** A line over `maxRecordBytes`: rejected with its size and a short prefix, never parsed. */
  private oversized(ids: RowIds, line: number, bytes: number, head: string): SourceItem {
    const reason = oversizedReason("line", bytes, this.maxRecordBytes);
    return this.bad(ids, line, undefined, reason, rawPrefix(head, bytes));
  }

  private bad(
    ids: RowIds,
    line: number,
    column: number | undefined,
    reason: string,
    raw: string,
  ): SourceItem {
    const location = column === undefined ? { file: this.path, line } : { file: this.path, line, column };
    return { kind: "bad", id: ids.badId(line), location, reason, raw };
  }
}
