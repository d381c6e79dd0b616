import { rename, rm } from "node:fs/promises";
import { BufferedFileWriter } from "./buffered-file-writer.js";
import { removeStaleTemps, tempPathFor } from "./stale-temps.js";

export { tempPathFor } from "./stale-temps.js";

/**
 * A file written atomically: text goes to a temp file in the same directory
 * (so the rename cannot cross file systems), which `commit()` fsyncs and
 * renames over `path`. Until then nothing appears at `path` (an existing file
 * there is untouched); `abort()` removes the temp file. Parent directories are
 * created on open, and temp files of `path` left by a killed writer on this host are removed.
 */
export class AtomicFile {
  private state: "open" | "committed" | "aborted" = "open";

  private constructor(
    readonly path: string,
    readonly tempPath: string,
    private readonly writer: BufferedFileWriter,
  ) {}

  /** `gzip`: compress what is written (see BufferedFileWriter). */
  static async open(path: string, options?: { gzip?: boolean }): Promise<AtomicFile> {
    const tempPath = tempPathFor(path);
    try {
      await removeStaleTemps(path);
      const writer = await BufferedFileWriter.open(tempPath, { flags: "wx", gzip: options?.gzip ?? false });
      return new AtomicFile(path, tempPath, writer);
    } catch (err) {
      throw outputError(path, err);
    }
  }

  /** Buffers `text`; returns a promise when the caller should wait (backpressure). */
  write(text: string): void | Promise<void> {
    if (this.state !== "open")
      throw new Error(`cannot write to ${this.path}: the output was already ${this.state}`);
    return this.writer.write(text);
  }

  /** Flushes, fsyncs and renames the temp file onto `path`. On failure the temp file is removed. */
  async commit(): Promise<void> {
    if (this.state !== "open")
      throw new Error(`cannot commit ${this.path}: the output was already ${this.state}`);
    try {
      await this.writer.close({ sync: true });
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
    await this.writer.discard();
    await rm(this.tempPath, { force: true });
  }
}

function outputError(path: string, err: unknown): Error {
  const reason = err instanceof Error ? err.message : String(err);
  return new Error(`cannot write output file ${path}: ${reason}`, { cause: err });
}
