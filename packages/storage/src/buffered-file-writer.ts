import { mkdir, open } from "node:fs/promises";
import { dirname } from "node:path";
import { promisify } from "node:util";
import { gzip as gzipCallback } from "node:zlib";

const gzip = promisify(gzipCallback);

type FileHandle = Awaited<ReturnType<typeof open>>;

export interface BufferedFileWriterOptions {
  /** "w" truncate, "wx" create a new file (fail if it exists), "a" append. */
  flags: "w" | "wx" | "a";
  /** Bytes buffered before a write to the file starts (default 256 KiB). */
  bufferSize?: number;
  /**
   * Gzip what is written: each buffer becomes one gzip member, compressed off
   * the main thread. Concatenated members are one valid gzip stream (RFC 1952)
   * that gunzip, zcat, Python and Node read whole; deflate looks back only 32
   * KiB, so compressing 256 KiB buffers apart costs almost nothing in size.
   */
  gzip?: boolean;
}

const DEFAULT_BUFFER_SIZE = 256 * 1024;

/**
 * Writes text to a file through a buffer, one file write in flight at a time.
 *
 * Backpressure: `write()` returns nothing while the buffer has room. When the
 * buffer is full it starts writing it out and returns a promise for the write
 * before it, so producing the next buffer overlaps writing this one and at most
 * two buffers are ever held. A caller that awaits what `write()` returns keeps
 * memory bounded however fast it produces.
 *
 * A failed file write is kept and thrown by every later `write`/`close`.
 */
export class BufferedFileWriter {
  /** Text is encoded straight into this buffer (no joined string, no second copy). */
  private buf: Buffer;
  private buffered = 0; // bytes used in `buf`
  /** A buffer whose write has finished, reused next: no new buffer (and garbage) per flush. */
  private spare: Buffer | undefined;
  private inFlight: Promise<void> = Promise.resolve();
  private failure: { error: unknown } | undefined;
  private closed = false;

  private constructor(
    readonly path: string,
    private readonly fh: FileHandle,
    private readonly bufferSize: number,
    private readonly gzip: boolean,
  ) {
    // UTF-8 takes at most 3 bytes per UTF-16 unit, so bufferSize characters always fit.
    this.buf = Buffer.allocUnsafe(bufferSize * 3);
  }

  /** Opens `path` (creating its parent directories). */
  static async open(path: string, options: BufferedFileWriterOptions): Promise<BufferedFileWriter> {
    await mkdir(dirname(path), { recursive: true });
    const fh = await open(path, options.flags);
    return new BufferedFileWriter(
      path,
      fh,
      Math.max(1, options.bufferSize ?? DEFAULT_BUFFER_SIZE),
      options.gzip ?? false,
    );
  }

  write(text: string): void | Promise<void> {
    if (this.failure) throw this.failure.error;
    if (this.closed) throw new Error(`cannot write to ${this.path}: it is closed`);
    if (text.length * 3 > this.buf.length - this.buffered) {
      // It might not fit: write out what is buffered first; a text larger than a buffer goes out alone.
      const previous = this.inFlight;
      this.startFlush();
      if (text.length * 3 > this.buf.length) this.enqueue(Buffer.from(text, "utf8"));
      else this.buffered += this.buf.write(text, this.buffered, "utf8");
      return previous.then(() => this.check());
    }
    this.buffered += this.buf.write(text, this.buffered, "utf8");
    if (this.buffered < this.bufferSize) return;
    const previous = this.inFlight;
    this.startFlush();
    return previous.then(() => this.check());
  }

  /** Writes out everything buffered. */
  async flush(): Promise<void> {
    this.startFlush();
    await this.inFlight;
    this.check();
  }

  /** Flushes, optionally fsyncs, and closes the file. Safe to call again. */
  async close(options?: { sync?: boolean }): Promise<void> {
    if (this.closed) return;
    try {
      await this.flush();
      if (options?.sync) await this.fh.sync();
    } finally {
      this.closed = true;
      await this.fh.close();
    }
  }

  /** Closes the file without flushing, ignoring errors: for a file about to be removed. */
  async discard(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.buffered = 0;
    await this.inFlight;
    await this.fh.close().catch(() => {});
  }

  private startFlush(): void {
    if (this.buffered === 0) return;
    const full = this.buf;
    // The full buffer is handed to the write; the next text goes to the spare, or a fresh one.
    this.buf = this.spare ?? Buffer.allocUnsafe(full.length);
    this.spare = undefined;
    const bytes = full.subarray(0, this.buffered);
    this.buffered = 0;
    this.enqueue(bytes, full);
  }

  /** Writes `bytes` after the writes before it; `recycle` becomes the spare once written. */
  private enqueue(bytes: Buffer, recycle?: Buffer): void {
    // The chain itself never rejects: a failure is recorded and rethrown by check().
    this.inFlight = this.inFlight.then(async () => {
      if (this.failure) return;
      try {
        await writeAll(this.fh, this.gzip ? await gzip(bytes) : bytes);
        if (recycle) this.spare = recycle;
      } catch (error) {
        this.failure = { error };
      }
    });
  }

  private check(): void {
    if (this.failure) throw this.failure.error;
  }
}

async function writeAll(fh: FileHandle, bytes: Buffer): Promise<void> {
  let offset = 0;
  while (offset < bytes.length) {
    const { bytesWritten } = await fh.write(bytes, offset, bytes.length - offset);
    offset += bytesWritten;
  }
}
