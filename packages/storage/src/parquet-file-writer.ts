import type { FileHandle } from "node:fs/promises";
import { ByteWriter } from "hyparquet-writer";

/**
 * The byte sink hyparquet-writer encodes into, writing to an open file: the
 * writer calls `flush()` after each row group and `finish()` after the footer,
 * and each hands what has been encoded so far to the file. So at most one
 * encoded row group is held in memory, however large the file.
 */
export class ParquetFileWriter extends ByteWriter {
  constructor(private readonly fh: FileHandle) {
    super(1 << 20);
  }

  flush(): Promise<void> {
    // Copy out what is buffered, so encoding the next row group can reuse the buffer.
    const bytes = new Uint8Array(this.buffer, 0, this.index).slice();
    this.index = 0;
    return writeAll(this.fh, bytes);
  }

  override finish(): Promise<void> {
    return this.flush();
  }
}

async function writeAll(fh: FileHandle, bytes: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < bytes.length) {
    const { bytesWritten } = await fh.write(bytes, offset, bytes.length - offset);
    offset += bytesWritten;
  }
}
