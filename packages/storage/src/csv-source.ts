import { open } from "node:fs/promises";
import type { Row, SourceItem, SourceLocation } from "@dataflow/core";
import { formatLocation } from "@dataflow/core";
import type { CsvError } from "csv-parse";
import { FileSourceBase } from "./file-source-base.js";
import { checkInputFile, InputFileError } from "./input-file.js";
import { checkMaxRecordBytes, describeBytes } from "./record-size.js";
import { RowIds } from "./row-ids.js";
import { codePointCount } from "./text-position.js";
import { completeUtf8Length, firstInvalidUtf8, isUtf8 } from "./utf8.js";

export interface CsvSourceOptions {
  /** A CSV file whose first row names the columns. */
  path: string;
  /** Take row ids from this column instead of record numbers. */
  idColumn?: string;
  /** Stop after this many rows (bad records met on the way are still reported). */
  limit?: number;
  /** Field delimiter, one character (default ","; "\t" for TSV). */
  delimiter?: string;
  /** Bytes read from the file at a time (default 256 KiB). */
  chunkSize?: number;
  /**
   * The longest record read (default 64 MiB, at most 256 MiB). A longer one ends the read with an
   * Error naming the line it starts on: the parser cannot find the next record boundary reliably
   * (a quote left open makes the rest of the file one record).
   */
  maxRecordBytes?: number;
}

const DEFAULT_CHUNK_SIZE = 256 * 1024;

/** What the parser hands over, in file order: a record, or a record it could not parse. */
type Parsed =
  | { kind: "record"; fields: string[]; line: number; end: number; raw: string }
  | { kind: "error"; error: CsvError | undefined; raw: string | undefined };

/** An ill-formed UTF-8 sequence found in the input, by byte offset (BOM excluded). */
interface BadBytes {
  offset: number;
  byte: number;
  line: number;
  column: number | undefined;
}

/**
 * Streams the rows of a CSV file on demand (csv-parse, RFC 4180 quoting), one
 * chunk at a time, so memory stays flat however large the file.
 *
 * - The first record is the header: it names the columns (duplicate names are
 *   an error). Each later record becomes a row `{ column: value }`.
 * - **Values stay strings**: CSV has no types, and guessing ("007" → 7,
 *   "true" → true) would change data silently. An empty field is "". Cast in
 *   an operator when a number is needed.
 * - Row ids: the 1-based record number, header excluded ("1" is the first
 *   data row), or the `idColumn` value. Bad records count too, so ids do not
 *   shift when a record is bad.
 * - Empty lines are skipped; a UTF-8 BOM is ignored; "\n" and "\r\n" line ends
 *   are accepted; quoted fields may span lines.
 * - A record that is not a row becomes a `bad` item (never a throw) with its
 *   file and starting line: the wrong number of fields for the header, invalid
 *   UTF-8 (with the column), a quote left open at the end of the file, or
 *   (with `idColumn`) a missing or duplicate id. A stray quote inside a field
 *   (`ab"c`, `"ab"c`) is kept as text, as most CSV readers do.
 * - A missing file: `checkReadable()` throws an InputFileError, as does the
 *   iterator's first `next()`. An empty file (no header), or an unreadable
 *   header, makes the iterator throw an Error naming the file.
 */
export class CsvSource extends FileSourceBase {
  private readonly delimiter: string;
  private readonly chunkSize: number;
  private readonly maxRecordBytes: number;

  constructor(options: CsvSourceOptions) {
    super(options);
    this.delimiter = options.delimiter ?? ",";
    this.chunkSize = Math.max(4, Math.floor(options.chunkSize ?? DEFAULT_CHUNK_SIZE));
    this.maxRecordBytes = checkMaxRecordBytes(options.maxRecordBytes);
  }

  protected async *items(signal: AbortSignal | undefined): AsyncGenerator<SourceItem> {
    signal?.throwIfAborted();
    this.bytesRead = 0;
    this.bytesTotal = await checkInputFile(this.path);
    if (this.limit === 0) return;
    let fh: Awaited<ReturnType<typeof open>>;
    try {
      fh = await open(this.path, "r");
    } catch (err) {
      throw new InputFileError(this.path, err);
    }

    // The parser calls back synchronously as it parses a chunk; records are
    // queued (never pushed into its stream buffer) and handed out in order.
    const queue: Parsed[] = [];
    // Loaded when a CSV file is read: it costs every other start-up otherwise.
    const { Parser } = await import("csv-parse");
    const parser = new Parser({
      delimiter: this.delimiter,
      relax_column_count: true, // a short or long record is a bad item, not the end of the file
      relax_quotes: true, // a stray quote is text, rather than a lost record and a confused parser
      skip_empty_lines: true,
      skip_records_with_error: true,
      raw: true,
      // With `raw`, the parser hands over { record, raw }.
      on_record: (record: unknown, info) => {
        const { record: fields, raw } = record as { record: string[]; raw: string };
        queue.push({ kind: "record", fields, line: info.lines, end: info.bytes, raw });
        return null;
      },
      on_skip: (error, raw) => {
        queue.push({ kind: "error", error, raw });
        return undefined;
      },
    });
    let parseFailure: { error: unknown } | undefined;
    parser.on("error", (error) => {
      parseFailure = { error };
    });
    const feed = (chunk: Buffer | undefined) =>
      new Promise<void>((resolve) => {
        if (chunk === undefined) parser.end(() => resolve());
        else parser.write(chunk, () => resolve());
      });

    const ids = new RowIds(this.idColumn, "record");
    const badBytes: BadBytes[] = [];
    let header: string[] | undefined;
    let safeKeys = true; // false when a column is named "__proto__"
    let ordinal = 0; // data records so far, bad ones included
    let rows = 0;
    let recordStart = 0; // byte offset where the next record starts
    let recordLine = 1; // the line it starts on (blank lines before it aside)
    let position = 0; // file offset of the next read
    let fed = 0; // bytes given to the parser (BOM excluded)
    let lines = 0; // newlines in what was given to the parser
    let carry: Buffer | undefined; // a UTF-8 sequence cut off at the end of the last chunk
    let eof = false;
    try {
      while (!eof) {
        const buf = Buffer.allocUnsafe(this.chunkSize + (carry?.length ?? 0));
        let filled = carry === undefined ? 0 : carry.copy(buf);
        const { bytesRead } = await fh.read(buf, filled, this.chunkSize, position);
        signal?.throwIfAborted();
        position += bytesRead;
        this.bytesRead = position;
        filled += bytesRead;
        eof = bytesRead === 0;
        let start = 0;
        if (fed === 0 && position === bytesRead && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf)
          start = 3;
        // Each chunk is checked as UTF-8 here (csv-parse would replace bad bytes silently).
        const end = eof ? filled : completeUtf8Length(buf, filled);
        carry = end < filled ? Buffer.from(buf.subarray(end, filled)) : undefined;
        const chunk = buf.subarray(start, end);
        if (!isUtf8(chunk)) badBytes.push(...findBadBytes(chunk, fed, lines, fed === 0));
        lines += countNewlines(chunk);
        fed += chunk.length;
        // The parser may keep a view of the chunk: each chunk has its own buffer.
        if (chunk.length > 0) await feed(chunk);
        if (eof) await feed(undefined);
        if (parseFailure) throw this.parseError(parseFailure.error);

        for (const parsed of queue.splice(0)) {
          if (header === undefined) {
            header = this.header(parsed, badBytes);
            safeKeys = !header.includes("__proto__");
            if (parsed.kind === "record") [recordStart, recordLine] = [parsed.end, parsed.line + 1];
            continue;
          }
          ordinal++;
          const item =
            parsed.kind === "error"
              ? this.parseErrorItem(parsed, ids, ordinal)
              : this.recordItem(parsed, header, safeKeys, ids, ordinal, recordStart, badBytes);
          if (parsed.kind === "record") [recordStart, recordLine] = [parsed.end, parsed.line + 1];
          signal?.throwIfAborted();
          yield item;
          if (item.kind === "row" && ++rows >= this.limit) return;
        }
        // The record the parser is still gathering: bounded, so memory stays bounded.
        if (fed - recordStart > this.maxRecordBytes) throw this.oversized(recordLine, fed - recordStart);
      }
      if (header === undefined)
        throw new Error(`${this.path}: the file is empty; expected a CSV header row naming the columns`);
    } finally {
      parser.destroy();
      await fh.close();
    }
  }

  /** The header's column names; throws when the first record cannot be one. */
  private header(parsed: Parsed, badBytes: BadBytes[]): string[] {
    if (parsed.kind === "error") {
      throw new Error(`${this.path}: cannot read the header row: ${parsed.error?.message ?? "parse error"}`);
    }
    const bad = takeBadBytes(badBytes, 0, parsed.end);
    if (bad !== undefined) {
      const where = formatLocation({ file: this.path, line: bad.line, column: bad.column });
      throw new Error(`${where}: invalid UTF-8 in the header row (unexpected byte ${hex(bad.byte)})`);
    }
    const seen = new Set<string>();
    for (const name of parsed.fields) {
      if (seen.has(name))
        throw new Error(
          `${this.path}:${parsed.line}: duplicate column name ${JSON.stringify(name)} in the header row`,
        );
      seen.add(name);
    }
    return parsed.fields;
  }

  private recordItem(
    parsed: Extract<Parsed, { kind: "record" }>,
    header: string[],
    safeKeys: boolean,
    ids: RowIds,
    ordinal: number,
    start: number,
    badBytes: BadBytes[],
  ): SourceItem {
    const { fields, raw } = parsed;
    const line = parsed.line - internalNewlines(raw);
    const raw_ = raw.replace(/\r?\n?$/, "");
    const bad = takeBadBytes(badBytes, start, parsed.end);
    if (bad !== undefined) {
      const location =
        bad.column === undefined
          ? { file: this.path, line: bad.line }
          : { file: this.path, line: bad.line, column: bad.column };
      return {
        kind: "bad",
        id: ids.badId(ordinal),
        location,
        reason: `invalid UTF-8 (unexpected byte ${hex(bad.byte)})`,
        raw: raw_,
      };
    }
    if (fields.length !== header.length) {
      return {
        kind: "bad",
        id: ids.badId(ordinal),
        location: { file: this.path, line },
        reason: `expected ${header.length} ${plural(header.length, "field")} (one per header column), found ${fields.length}`,
        raw: raw_,
      };
    }
    const row: Row = {};
    for (let i = 0; i < header.length; i++) {
      const key = header[i] as string;
      if (safeKeys) row[key] = fields[i];
      else
        Object.defineProperty(row, key, {
          value: fields[i],
          enumerable: true,
          writable: true,
          configurable: true,
        });
    }
    const id = ids.assign(row, ordinal);
    if (!id.ok)
      return {
        kind: "bad",
        id: ids.badId(ordinal),
        location: { file: this.path, line },
        reason: id.reason,
        raw: raw_,
      };
    return { kind: "row", id: id.id, row };
  }

  private parseErrorItem(
    parsed: Extract<Parsed, { kind: "error" }>,
    ids: RowIds,
    ordinal: number,
  ): SourceItem {
    const error = parsed.error;
    let line = typeof error?.lines === "number" ? error.lines : undefined;
    let location: SourceLocation | undefined;
    let reason = error ? `invalid CSV: ${error.message.replace(/ at line \d+/, "")}` : "invalid CSV";
    if (error?.code === "CSV_QUOTE_NOT_CLOSED" && line !== undefined && parsed.raw !== undefined) {
      // csv-parse names the last line; the record (and its open quote) starts this many lines earlier.
      line -= internalNewlines(parsed.raw);
      const column = openingQuoteColumn(parsed.raw, this.delimiter);
      if (column !== undefined) location = { file: this.path, line, column };
      reason = `invalid CSV: a quoted field opened in this record is never closed (it runs to the end of the file); close the quote, or write "" for a quote inside a quoted field`;
    }
    location ??= line === undefined ? { file: this.path } : { file: this.path, line };
    return {
      kind: "bad",
      id: ids.badId(ordinal),
      location,
      reason,
      ...(parsed.raw === undefined ? {} : { raw: parsed.raw }),
    };
  }

  private oversized(line: number, bytes: number): Error {
    return new Error(
      `${this.path}:${line}: the CSV record starting here is at least ${describeBytes(bytes)}, over the ` +
        `${describeBytes(this.maxRecordBytes)} limit (maxRecordBytes, at most 256 MiB); a quote left open ` +
        `makes the rest of the file one record: close it, or write "" for a quote inside a quoted field`,
    );
  }

  private parseError(error: unknown): Error {
    const message = error instanceof Error ? error.message : String(error);
    return new Error(`${this.path}: cannot read CSV: ${message}`, { cause: error });
  }
}

/**
 * Every ill-formed UTF-8 sequence in a chunk, with its line and column. The
 * column is known when the line starts in this chunk (or the chunk starts the
 * file); a line longer than a chunk gets none.
 */
function findBadBytes(chunk: Buffer, base: number, linesBefore: number, startsFile: boolean): BadBytes[] {
  const found: BadBytes[] = [];
  let from = 0;
  for (;;) {
    const at = firstInvalidUtf8(chunk, from);
    if (at === -1) return found;
    const lineStart = chunk.lastIndexOf(0x0a, at - 1) + 1;
    const known = lineStart > 0 || startsFile;
    const prefix = known ? chunk.toString("utf8", lineStart, at) : "";
    found.push({
      offset: base + at,
      byte: chunk[at] as number,
      line: linesBefore + countNewlines(chunk.subarray(0, at)) + 1,
      column: known ? codePointCount(prefix, 0, prefix.length) + 1 : undefined,
    });
    from = at + 1;
  }
}

/** The first bad sequence in bytes [start, end); drops those before `end`. */
function takeBadBytes(badBytes: BadBytes[], start: number, end: number): BadBytes | undefined {
  let first: BadBytes | undefined;
  while (badBytes.length > 0 && (badBytes[0] as BadBytes).offset < end) {
    const bad = badBytes.shift() as BadBytes;
    if (first === undefined && bad.offset >= start) first = bad;
  }
  return first;
}

function countNewlines(bytes: Buffer): number {
  let n = 0;
  for (let i = bytes.indexOf(0x0a); i !== -1; i = bytes.indexOf(0x0a, i + 1)) n++;
  return n;
}

/** Newlines inside a record's quoted fields: its raw text's, less the one that ends it. */
function internalNewlines(raw: string): number {
  let n = 0;
  for (let i = raw.indexOf("\n"); i !== -1; i = raw.indexOf("\n", i + 1)) n++;
  return raw.endsWith("\n") ? n - 1 : n;
}

/** The 1-based column of the first quote that opens a field on a record's first line. */
function openingQuoteColumn(raw: string, delimiter: string): number | undefined {
  const firstLine = raw.split("\n", 1)[0] ?? "";
  for (let i = firstLine.indexOf('"'); i !== -1; i = firstLine.indexOf('"', i + 1)) {
    if (i === 0 || firstLine[i - 1] === delimiter) return codePointCount(firstLine, 0, i) + 1;
  }
  return undefined;
}

function hex(byte: number): string {
  return `0x${byte.toString(16).padStart(2, "0")}`;
}

function plural(n: number, word: string): string {
  return n === 1 ? word : `${word}s`;
}
