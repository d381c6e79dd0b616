import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import { ChunkedArray } from "../bm25/chunked-array.js";
import { type CorpusFields, parseCorpusLine } from "./corpus-line.js";
import { type FileIdentity, JsonlFileTexts } from "./jsonl-file-texts.js";

export interface ScannedCorpus {
  ids: string[];
  /** The texts, left in the file. */
  texts: JsonlFileTexts;
  skipped: number;
}

/** Where each passage's line is, gathered while the file streams past. */
class LineTable {
  readonly ids: string[] = [];
  readonly starts = new ChunkedArray((n) => new Float64Array(n), 16);
  readonly lengths = new ChunkedArray((n) => new Int32Array(n), 16);
  readonly lineNos = new ChunkedArray((n) => new Int32Array(n), 16);
  skipped = 0;
  private lineNo = 0;

  constructor(
    private readonly file: string,
    private readonly fields: CorpusFields,
  ) {}

  /** Bytes start .. end of `buf` are one line (without its newline) at `offset` in the file. */
  line(buf: Buffer, start: number, end: number, offset: number): void {
    this.lineNo++;
    const stop = end > start && buf[end - 1] === 13 ? end - 1 : end;
    const passage = parseCorpusLine(buf.toString("utf8", start, stop), this.lineNo, this.file, this.fields);
    if (passage === "skipped") this.skipped++;
    else if (passage !== "blank") {
      this.ids.push(passage.id);
      this.starts.push(offset);
      this.lengths.push(stop - start);
      this.lineNos.push(this.lineNo);
    }
  }
}

/**
 * readJsonlCorpus for an uncompressed file, keeping the texts in the file (JsonlFileTexts): the same
 * ids, texts, skipped count and errors, with 16 bytes held per passage instead of its text.
 */
export async function scanJsonlCorpus(
  path: string,
  options: CorpusFields & { signal?: AbortSignal },
): Promise<ScannedCorpus> {
  const file = resolve(path);
  const before = await identityOf(file);
  const table = new LineTable(file, options);
  let carry: Buffer | undefined;
  let carryAt = 0;
  let position = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    if (options.signal?.aborted) throw options.signal.reason ?? new Error("aborted");
    const buf = carry ? Buffer.concat([carry, chunk]) : chunk;
    const base = carry ? carryAt : position;
    position += chunk.length;
    let start = 0;
    for (let nl = buf.indexOf(10, start); nl !== -1; nl = buf.indexOf(10, start)) {
      table.line(buf, start, nl, base + start);
      start = nl + 1;
    }
    carry = start < buf.length ? buf.subarray(start) : undefined;
    carryAt = base + start;
  }
  if (carry) table.line(carry, 0, carry.length, carryAt);
  const after = await identityOf(file);
  if (after.size !== before.size || after.mtimeMs !== before.mtimeMs) {
    throw new Error(`corpus ${file} changed while it was being read; leave it unchanged during a run`);
  }
  const texts = new JsonlFileTexts(
    file,
    options.textField,
    table.starts.toArray(),
    table.lengths.toArray(),
    table.lineNos.toArray(),
    after,
  );
  return { ids: table.ids, texts, skipped: table.skipped };
}

async function identityOf(file: string): Promise<FileIdentity> {
  try {
    const st = await stat(file);
    return { size: st.size, mtimeMs: st.mtimeMs };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") throw new Error(`corpus file not found: ${file}`);
    throw err;
  }
}
