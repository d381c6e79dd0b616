import type { RejectRecord, RejectSink } from "@dataflow/core";
import { BufferedFileWriter } from "./buffered-file-writer.js";

export interface RejectsSinkOptions {
  /** Add to an existing rejects file instead of replacing it (default false). */
  append?: boolean;
}

/**
 * Writes rejects to a JSONL file, one RejectRecord per line (rowId, stepId,
 * type, message, and raw/location when there are). The file is created on the
 * first reject, with its parent directories, so a run without rejects leaves
 * no rejects file. Records are buffered and flushed by `close()`; `count` says
 * how many were written.
 *
 * Unlike the output this file is not atomic: rejects of an interrupted run are
 * still worth reading.
 */
export class RejectsSink implements RejectSink {
  readonly description: string;
  private writer: BufferedFileWriter | undefined;
  private opening: Promise<BufferedFileWriter> | undefined;
  private written = 0;
  private closed = false;

  constructor(
    readonly path: string,
    private readonly options: RejectsSinkOptions = {},
  ) {
    this.description = path;
  }

  /** Rejects written so far. */
  get count(): number {
    return this.written;
  }

  write(reject: RejectRecord): void | Promise<void> {
    if (this.closed) throw new Error(`cannot write to rejects file ${this.path}: it is closed`);
    const line = `${JSON.stringify(toJson(reject))}\n`;
    this.written++;
    if (this.writer) return this.writer.write(line);
    // First reject: open the file; rejects arriving meanwhile queue behind it, in order.
    this.opening ??= BufferedFileWriter.open(this.path, {
      flags: this.options.append ? "a" : "w",
      bufferSize: 64 * 1024,
    })
      .then((writer) => {
        this.writer = writer;
        return writer;
      })
      .catch((err: unknown) => {
        throw new Error(
          `cannot write rejects file ${this.path}: ${err instanceof Error ? err.message : String(err)}`,
          {
            cause: err,
          },
        );
      });
    return this.opening.then((writer) => writer.write(line));
  }

  /** Flushes and closes the file (if any reject was written). Safe to call again. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.opening === undefined) return;
    const writer = await this.opening;
    await writer.close();
  }
}

/** The record as written: fixed key order, no undefined fields. */
function toJson(reject: RejectRecord): RejectRecord {
  const out: RejectRecord = {
    rowId: reject.rowId,
    stepId: reject.stepId,
    type: reject.type,
    message: reject.message,
  };
  if (reject.raw !== undefined) out.raw = reject.raw;
  if (reject.location !== undefined) out.location = reject.location;
  return out;
}
