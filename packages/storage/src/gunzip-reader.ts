import { createReadStream } from "node:fs";
import { pipeline } from "node:stream";
import { createGunzip } from "node:zlib";
import type { ByteReader } from "./byte-reader.js";
import { InputFileError } from "./input-file.js";

/**
 * Reads a gzip file's decompressed bytes as they are pulled (streaming: one
 * compressed and one decompressed chunk in memory). Concatenated gzip members
 * read as one stream, as with `gunzip`. Corrupt or truncated data makes `read`
 * throw an Error naming the path; rows decoded before it have been delivered.
 */
export async function openGunzipReader(path: string): Promise<ByteReader> {
  const file = createReadStream(path, { highWaterMark: 256 * 1024 });
  // Wait for the open so a missing file fails here, as it does for a plain file.
  await new Promise<void>((resolve, reject) => {
    file.once("open", () => resolve());
    file.once("error", (err) => reject(new InputFileError(path, err)));
  });
  const gunzip = createGunzip({ chunkSize: 64 * 1024 });
  // Errors of either stream destroy both and surface from the iterator below.
  pipeline(file, gunzip, () => {});
  const chunks = gunzip[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let pending: Buffer | undefined;
  let done = false;

  const next = async (): Promise<Buffer | undefined> => {
    try {
      const r = await chunks.next();
      return r.done ? undefined : r.value;
    } catch (err) {
      throw gzipError(path, err);
    }
  };

  return {
    get position() {
      return file.bytesRead;
    },
    async read(buf, offset, length) {
      // Fill as much as asked, so the caller splits large batches of lines at a time.
      let copied = 0;
      while (copied < length && !done) {
        if (pending === undefined || pending.length === 0) {
          pending = await next();
          if (pending === undefined) {
            done = true;
            break;
          }
        }
        const n = pending.copy(buf, offset + copied, 0, Math.min(pending.length, length - copied));
        pending = pending.subarray(n);
        copied += n;
      }
      return copied;
    },
    async close() {
      done = true;
      gunzip.destroy();
      file.destroy();
    },
  };
}

function gzipError(path: string, err: unknown): Error {
  const code = (err as { code?: unknown } | undefined)?.code;
  const message = err instanceof Error ? err.message : String(err);
  if (typeof code === "string" && code.startsWith("Z_")) {
    const what = /unexpected end/i.test(message) ? "truncated gzip data" : "corrupt gzip data";
    return new Error(`${path}: ${what} (${message}); is it a complete .gz file?`, { cause: err });
  }
  return new InputFileError(path, err);
}
