import { readFile } from "node:fs/promises";
import type { SourceItem, SourceLocation } from "@dataflow/core";
import { formatLocation } from "@dataflow/core";
import { FileSourceBase } from "./file-source-base.js";
import { checkInputFile, InputFileError } from "./input-file.js";
import { jsonArrayElementOffsets } from "./json-array-offsets.js";
import { jsonErrorOffset } from "./json-error-position.js";
import { describeBytes, MAX_RECORD_BYTES_LIMIT } from "./record-size.js";
import { describeJsonType, RowIds } from "./row-ids.js";
import { LineCursor, lineColumnAt } from "./text-position.js";
import { firstInvalidUtf8, isUtf8 } from "./utf8.js";

export interface JsonSourceOptions {
  /** A JSON file holding one array of objects. */
  path: string;
  /** Take row ids from this column instead of record indexes. */
  idColumn?: string;
  /** Stop after this many rows (bad records met on the way are still reported). */
  limit?: number;
}

/**
 * The rows of a JSON file whose top-level value is an array of objects.
 *
 * It reads and parses the whole file at once: a JSON array has no record
 * boundaries a reader can find without a streaming parser, and files in this
 * format are small in practice. JSONL is the streaming format, for data of any
 * size (see JsonlSource).
 *
 * - Row ids: the 1-based index of the record in the array ("1", "2", ...), or
 *   the `idColumn` value.
 * - An element that is not an object (or, with `idColumn`, lacks a usable id)
 *   becomes a `bad` item located at the element's line:column in the file.
 * - A file that is not valid JSON (or UTF-8), or whose top-level value is not
 *   an array, cannot be read at all: the iterator throws an Error naming
 *   file:line:column before any item.
 * - A missing file: `checkReadable()` throws an InputFileError, as does the
 *   iterator's first `next()`.
 */
export class JsonSource extends FileSourceBase {
  constructor(options: JsonSourceOptions) {
    super(options);
  }

  protected async *items(signal: AbortSignal | undefined): AsyncGenerator<SourceItem> {
    signal?.throwIfAborted();
    this.bytesRead = 0;
    this.bytesTotal = await checkInputFile(this.path);
    // Read whole, so bounded up front: past this Node or V8 would fail with their own wording.
    if (this.bytesTotal > MAX_RECORD_BYTES_LIMIT)
      throw new Error(
        `${this.path} is ${describeBytes(this.bytesTotal)}; a .json array is read whole, and files over ` +
          `${describeBytes(MAX_RECORD_BYTES_LIMIT)} are not read: convert it to JSONL (one object per line), which streams`,
      );
    let bytes: Buffer;
    try {
      bytes = await readFile(this.path);
    } catch (err) {
      throw new InputFileError(this.path, err);
    }
    signal?.throwIfAborted();
    const { text, records } = this.parse(bytes);
    const total = bytes.length;
    const ids = new RowIds(this.idColumn, "record");
    // Element positions are needed only for bad records: found on the first one.
    let offsets: number[] | undefined;
    let cursor: LineCursor | undefined;
    const locate = (index: number): SourceLocation => {
      offsets ??= jsonArrayElementOffsets(text);
      cursor ??= new LineCursor(text);
      const { line, column } = cursor.at(offsets[index] ?? 0);
      return { file: this.path, line, column };
    };

    let rows = 0;
    for (let i = 0; i < records.length && rows < this.limit; i++) {
      signal?.throwIfAborted();
      this.bytesRead = Math.round((total * (i + 1)) / records.length);
      const value: unknown = records[i];
      const ordinal = i + 1;
      if (typeof value !== "object" || value === null || Array.isArray(value)) {
        yield {
          kind: "bad",
          id: ids.badId(ordinal),
          location: locate(i),
          reason: `expected a JSON object, found ${describeJsonType(value)}`,
          raw: JSON.stringify(value),
        };
        continue;
      }
      const row = value as Record<string, unknown>;
      const id = ids.assign(row, ordinal);
      if (!id.ok) {
        yield {
          kind: "bad",
          id: ids.badId(ordinal),
          location: locate(i),
          reason: id.reason,
          raw: JSON.stringify(row),
        };
        continue;
      }
      rows++;
      yield { kind: "row", id: id.id, row };
    }
    this.bytesRead = total;
  }

  /** The decoded text (without a byte order mark) and its top-level array; throws when it is not one. */
  private parse(bytes: Buffer): { text: string; records: unknown[] } {
    const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
    if (!isUtf8(bytes.subarray(bom))) {
      const bad = firstInvalidUtf8(bytes, bom);
      const before = bytes.toString("utf8", bom, Math.max(bad, bom));
      const where = this.where(before, before.length);
      throw new Error(
        `${where}: invalid UTF-8 (unexpected byte 0x${(bytes[bad] ?? 0).toString(16).padStart(2, "0")})`,
      );
    }
    const text = bytes.toString("utf8", bom);
    if (text.trim() === "")
      throw new Error(`${this.path}: the file is empty; expected a JSON array of objects`);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      const message = (err as Error).message;
      const where = this.where(text, jsonErrorOffset(text, err));
      // Several objects one after another: most likely JSONL under a .json name.
      const hint =
        /after JSON/.test(message) && text.trimStart().startsWith("{")
          ? " (one JSON object per line is JSONL: name the file .jsonl or set format: jsonl)"
          : "";
      throw new Error(`${where}: invalid JSON: ${message}${hint}`, { cause: err });
    }
    if (!Array.isArray(value)) {
      const where = this.where(text, text.length - text.trimStart().length);
      throw new Error(`${where}: expected a JSON array of objects, found ${describeJsonType(value)}`);
    }
    return { text, records: value };
  }

  private where(text: string, offset: number): string {
    const { line, column } = lineColumnAt(text, offset);
    return formatLocation({ file: this.path, line, column });
  }
}
