import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import type { RowRecord, RowSink } from "@dataflow/core";
import { AtomicFile } from "@dataflow/storage";

/**
 * A chunk's output rows, `{"id":…,"row":…}` per line, written atomically (temp file, fsync, rename):
 * the coordinator hands each row to the pipeline's real sink, so any output format comes out
 * as a single-process run writes it, row ids included for its rejects and summaries.
 */
export class ChunkRowsSink implements RowSink {
  private constructor(private readonly file: AtomicFile) {}

  static async open(path: string): Promise<ChunkRowsSink> {
    return new ChunkRowsSink(await AtomicFile.open(path));
  }

  get description(): string {
    return this.file.path;
  }

  write(record: RowRecord): void | Promise<void> {
    return this.file.write(`${JSON.stringify({ id: record.id, row: record.row })}\n`);
  }

  commit(): Promise<void> {
    return this.file.commit();
  }

  abort(): Promise<void> {
    return this.file.abort();
  }
}

/** The rows of a chunk's rows.jsonl in order, streamed (memory: one line). */
export async function* readChunkRows(path: string): AsyncGenerator<RowRecord> {
  const lines = createInterface({
    input: createReadStream(path, "utf8"),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  let n = 0;
  for await (const line of lines) {
    n++;
    if (!line) continue;
    const parsed = JSON.parse(line) as Partial<RowRecord>;
    if (typeof parsed.id !== "string" || typeof parsed.row !== "object" || parsed.row === null)
      throw new Error(`${path}:${n}: not a chunk row ({"id":…,"row":…}); the chunk result is damaged`);
    yield { id: parsed.id, row: parsed.row };
  }
}
