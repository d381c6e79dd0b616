import { statSync } from "node:fs";
import type { CorpusTexts } from "./corpus-texts.js";
import { readJsonlCorpus } from "./jsonl-corpus.js";
import { JsonlFileTexts } from "./jsonl-file-texts.js";
import { scanJsonlCorpus } from "./scan-jsonl-corpus.js";

/** Where a retriever's passages come from: a JSONL file, or texts already in memory. */
export type CorpusSource =
  | { readonly file: string; readonly textField?: string; readonly idField?: string }
  | { readonly ids: readonly string[]; readonly texts: readonly string[] };

/**
 * Passages by docId (their 0-based position), with their ids. The texts of a JSONL file larger than
 * $DATAFLOW_CORPUS_MEMORY_MIB (default 256) stay in the file and are read when asked for
 * (JsonlFileTexts); smaller files', gzip'd files' and texts given in memory are held.
 */
export class Corpus {
  private docOf: Map<string, number> | undefined;

  constructor(
    readonly ids: readonly string[],
    readonly texts: CorpusTexts,
    /** Records of the file that held no text (skipped). */
    readonly skipped = 0,
  ) {
    if (ids.length !== texts.length) {
      throw new RangeError(`corpus has ${ids.length} ids but ${texts.length} texts`);
    }
  }

  static async load(source: CorpusSource, signal?: AbortSignal): Promise<Corpus> {
    if ("file" in source) {
      const options = {
        textField: source.textField ?? "text",
        idField: source.idField ?? "id",
        ...(signal ? { signal } : {}),
      };
      const read = leaveInFile(source.file) ? scanJsonlCorpus : readJsonlCorpus;
      const file = await read(source.file, options);
      return new Corpus(file.ids, file.texts, file.skipped);
    }
    return new Corpus(source.ids, source.texts);
  }

  get size(): number {
    return this.texts.length;
  }

  passage(docId: number): { id: string; text: string } | undefined {
    // Array.at counts negative indexes from the end: not a docId.
    const text = docId >= 0 ? this.texts.at(docId) : undefined;
    return text === undefined ? undefined : { id: this.ids[docId] as string, text };
  }

  /** Releases the file a file-backed corpus reads from (it opens again when read). */
  close(): void {
    if (this.texts instanceof JsonlFileTexts) this.texts.close();
  }

  /** The first passage with this id (ids need not be unique). */
  docIdOf(id: string): number | undefined {
    if (!this.docOf) {
      this.docOf = new Map();
      this.ids.forEach((x, i) => {
        if (!this.docOf?.has(x)) this.docOf?.set(x, i);
      });
    }
    return this.docOf.get(id);
  }
}

const DEFAULT_MEMORY_MIB = 256;

/** Whether a corpus file's texts stay in the file: uncompressed (readable at an offset) and large. */
function leaveInFile(file: string, env: NodeJS.ProcessEnv = process.env): boolean {
  if (file.endsWith(".gz")) return false;
  const set = env.DATAFLOW_CORPUS_MEMORY_MIB?.trim();
  const mib = set ? Number(set) : DEFAULT_MEMORY_MIB;
  if (!Number.isFinite(mib) || mib < 0) {
    throw new Error(
      `DATAFLOW_CORPUS_MEMORY_MIB must be a number of MiB ≥ 0 (corpus files larger than it keep their texts on disk), got "${set}"`,
    );
  }
  try {
    return statSync(file).size > mib * 2 ** 20;
  } catch {
    return false; // the read names a missing file
  }
}

/** What identifies a corpus in a fingerprint without reading it: the file's path, size and mtime, or the passage count. */
export function corpusIdentity(source: CorpusSource): Record<string, unknown> {
  if (!("file" in source)) return { passages: source.texts.length };
  const identity: Record<string, unknown> = {
    file: source.file,
    textField: source.textField ?? "text",
    idField: source.idField ?? "id",
  };
  try {
    const st = statSync(source.file);
    identity.size = st.size;
    identity.mtimeMs = st.mtimeMs;
  } catch {
    // A missing file fails at open with a clear message; here it only leaves the identity shorter.
  }
  return identity;
}
