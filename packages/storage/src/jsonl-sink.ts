import type { RowRecord, RowSink } from "@dataflow/core";
import { AtomicFile } from "./atomic-file.js";

/**
 * Writes rows to a JSONL file, one `JSON.stringify(row)` per line, atomically:
 * nothing is at `path` until `commit()` (see AtomicFile). Row ids are not
 * written: they travel beside rows, not inside them.
 *
 * `write()` returns a promise when the caller should wait before writing more
 * (backpressure); awaiting it keeps memory bounded.
 *
 * With `compression: "gzip"` (for `.jsonl.gz`) the file is gzip-compressed as
 * it is written, off the main thread, still atomically.
 */
export class JsonlSink implements RowSink {
  readonly description: string;
  private count = 0;

  private constructor(private readonly file: AtomicFile) {
    this.description = file.path;
  }

  /** Opens the temp file beside `path`, creating parent directories. */
  static async open(path: string, options?: { compression?: "gzip" }): Promise<JsonlSink> {
    return new JsonlSink(await AtomicFile.open(path, { gzip: options?.compression === "gzip" }));
  }

  get path(): string {
    return this.file.path;
  }

  /** Rows written so far. */
  get rowsWritten(): number {
    return this.count;
  }

  write(record: RowRecord): void | Promise<void> {
    const line = `${JSON.stringify(record.row)}\n`;
    const result = this.file.write(line);
    this.count++;
    return result;
  }

  commit(): Promise<void> {
    return this.file.commit();
  }

  abort(): Promise<void> {
    return this.file.abort();
  }
}
