import { createReadStream } from "node:fs";
import { resolve } from "node:path";
import { createInterface } from "node:readline";
import { createGunzip } from "node:zlib";
import { type CorpusFields, parseCorpusLine } from "./corpus-line.js";

export interface CorpusFile {
  /** Each document's id: its `idField` value as a string, else its 1-based line number. */
  ids: string[];
  texts: string[];
  /** Lines that held no string in `textField`. */
  skipped: number;
}

export interface ReadCorpusOptions extends CorpusFields {
  signal?: AbortSignal;
}

/**
 * Reads a JSONL (or gzip'd `.jsonl.gz`) corpus line by line. Only the id and the text of each record
 * are kept. A relative path is resolved against the process's working directory. A line that is not
 * JSON fails the read with its line number; a record without a string text is skipped and counted.
 */
export async function readJsonlCorpus(path: string, options: ReadCorpusOptions): Promise<CorpusFile> {
  const file = resolve(path);
  const raw = createReadStream(file);
  const input = file.endsWith(".gz") ? raw.pipe(createGunzip()) : raw;
  raw.on("error", (err) => input.destroy(err));
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  const out: CorpusFile = { ids: [], texts: [], skipped: 0 };
  let lineNo = 0;
  try {
    for await (const line of lines) {
      lineNo++;
      if (options.signal?.aborted) throw options.signal.reason ?? new Error("aborted");
      const passage = parseCorpusLine(line, lineNo, file, options);
      if (passage === "skipped") out.skipped++;
      else if (passage !== "blank") {
        out.ids.push(passage.id);
        out.texts.push(passage.text);
      }
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") throw new Error(`corpus file not found: ${file}`);
    throw err;
  } finally {
    lines.close();
    input.destroy();
  }
  return out;
}
