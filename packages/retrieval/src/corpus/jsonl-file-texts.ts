import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { parseCorpusLine } from "./corpus-line.js";
import type { CorpusTexts } from "./corpus-texts.js";

/** The file as it was when its lines were located; a read from a changed file fails. */
export interface FileIdentity {
  readonly size: number;
  readonly mtimeMs: number;
}

// A slice reads its lines in pieces of about this many bytes.
const READ_BYTES = 4 << 20;

/**
 * Passage texts that stay in their JSONL file: only each passage's line (byte offset, length, line
 * number) is held, 16 bytes a passage, and a text is read and parsed when asked for. A 1M-passage
 * corpus of ~1 KB texts then costs 16 MB instead of ~1 GB of strings. The file is opened on the first
 * read and checked against its size and modification time at load: a corpus changed under a running
 * step fails with a message instead of yielding the wrong passages.
 */
export class JsonlFileTexts implements CorpusTexts {
  private fd: number | undefined;
  private buffer = Buffer.allocUnsafe(64 << 10);

  constructor(
    readonly file: string,
    private readonly textField: string,
    private readonly starts: Float64Array,
    private readonly lengths: Int32Array,
    private readonly lineNos: Int32Array,
    private readonly identity: FileIdentity,
  ) {}

  get length(): number {
    return this.starts.length;
  }

  at(docId: number): string | undefined {
    if (!(docId >= 0 && docId < this.length)) return undefined;
    const length = this.lengths[docId] as number;
    const bytes = this.read(this.starts[docId] as number, length);
    return this.textOf(bytes.toString("utf8", 0, length), docId);
  }

  slice(start = 0, end = this.length): string[] {
    const from = Math.max(0, start);
    const to = Math.min(this.length, end);
    const out: string[] = [];
    for (let first = from; first < to; ) {
      // One read for as many whole lines as fit in READ_BYTES (at least one).
      const base = this.starts[first] as number;
      let last = first + 1;
      while (last < to && this.endOf(last) - base <= READ_BYTES) last++;
      const bytes = this.read(base, this.endOf(last - 1) - base);
      for (let d = first; d < last; d++) {
        const at = (this.starts[d] as number) - base;
        out.push(this.textOf(bytes.toString("utf8", at, at + (this.lengths[d] as number)), d));
      }
      first = last;
    }
    return out;
  }

  *[Symbol.iterator](): Iterator<string> {
    for (let first = 0; first < this.length; first += 1024) yield* this.slice(first, first + 1024);
  }

  /** Closes the file; a later read opens it again. */
  close(): void {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
  }

  /** Where passage d's line ends (exclusive), in bytes. */
  private endOf(d: number): number {
    return (this.starts[d] as number) + (this.lengths[d] as number);
  }

  private read(position: number, length: number): Buffer {
    if (length > this.buffer.length)
      this.buffer = Buffer.allocUnsafe(Math.max(length, this.buffer.length * 2));
    const fd = this.open();
    let done = 0;
    while (done < length) {
      const n = readSync(fd, this.buffer, done, length - done, position + done);
      if (n === 0) throw this.changed();
      done += n;
    }
    return this.buffer;
  }

  private open(): number {
    if (this.fd !== undefined) return this.fd;
    const fd = openSync(this.file, "r");
    const st = fstatSync(fd);
    if (st.size !== this.identity.size || st.mtimeMs !== this.identity.mtimeMs) {
      closeSync(fd);
      throw this.changed();
    }
    this.fd = fd;
    return fd;
  }

  private textOf(line: string, docId: number): string {
    const lineNo = this.lineNos[docId] as number;
    const passage = parseCorpusLine(line, lineNo, this.file, { textField: this.textField, idField: "" });
    if (typeof passage === "string") throw this.changed(lineNo);
    return passage.text;
  }

  private changed(lineNo?: number): Error {
    return new Error(
      `corpus ${this.file}${lineNo === undefined ? "" : `:${lineNo}`} changed after it was read (its size, ` +
        "modification time or lines differ): passages are read from the file when needed, so leave a corpus " +
        "unchanged while a run uses it, then run again",
    );
  }
}
