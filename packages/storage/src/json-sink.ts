import type { RowRecord, RowSink } from "@dataflow/core";
import { AtomicFile } from "./atomic-file.js";

/**
 * Writes rows to a JSON file holding one array, atomically: nothing is at
 * `path` until `commit()` (see AtomicFile). The file is `[\n` + one
 * `JSON.stringify(row)` per line joined by `,\n` + `\n]\n` (`[]\n` when there
 * are no rows), so it stays valid JSON and easy to diff.
 *
 * `write()` returns a promise when the caller should wait before writing more
 * (backpressure); awaiting it keeps memory bounded.
 */
export class JsonSink implements RowSink {
  readonly description: string;
  private count = 0;

  private constructor(private readonly file: AtomicFile) {
    this.description = file.path;
  }

  /** Opens the temp file beside `path`, creating parent directories. */
  static async open(path: string): Promise<JsonSink> {
    return new JsonSink(await AtomicFile.open(path));
  }

  get path(): string {
    return this.file.path;
  }

  /** Rows written so far. */
  get rowsWritten(): number {
    return this.count;
  }

  write(record: RowRecord): void | Promise<void> {
    const text = `${this.count === 0 ? "[\n" : ",\n"}${JSON.stringify(record.row)}`;
    const result = this.file.write(text);
    this.count++;
    return result;
  }

  async commit(): Promise<void> {
    await this.file.write(this.count === 0 ? "[]\n" : "\n]\n");
    await this.file.commit();
  }

  abort(): Promise<void> {
    return this.file.abort();
  }
}
