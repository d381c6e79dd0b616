import { open } from "node:fs/promises";
import { InputFileError } from "./input-file.js";

/** Sequential reads of a file's bytes (decompressed, for a compressed file). */
export interface ByteReader {
  /** Reads up to `length` bytes into `buf` at `offset`; 0 means the end of the input. */
  read(buf: Buffer, offset: number, length: number): Promise<number>;
  /** Bytes of the file itself consumed so far (compressed bytes for gzip), for progress. */
  readonly position: number;
  close(): Promise<void>;
}

/** Reads a plain file from its start. Throws an InputFileError when it cannot be opened. */
export async function openFileReader(path: string): Promise<ByteReader> {
  let fh: Awaited<ReturnType<typeof open>>;
  try {
    fh = await open(path, "r");
  } catch (err) {
    throw new InputFileError(path, err);
  }
  let position = 0;
  return {
    get position() {
      return position;
    },
    async read(buf, offset, length) {
      const { bytesRead } = await fh.read(buf, offset, length, position);
      position += bytesRead;
      return bytesRead;
    },
    close: () => fh.close(),
  };
}
