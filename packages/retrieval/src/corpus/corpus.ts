import { statSync } from "node:fs";
import { readJsonlCorpus } from "./jsonl-corpus.js";

/** Where a retriever's passages come from: a JSONL file, or texts already in memory. */
export type CorpusSource =
  | { readonly file: string; readonly textField?: string; readonly idField?: string }
  | { readonly ids: readonly string[]; readonly texts: readonly string[] };

/** Passages by docId (their 0-based position), with their ids. */
export class Corpus {
  private docOf: Map<string, number> | undefined;

  constructor(
    readonly ids: readonly string[],
    readonly texts: readonly string[],
    /** Records of the file that held no text (skipped). */
    readonly skipped = 0,
  ) {
    if (ids.length !== texts.length) {
      throw new RangeError(`corpus has ${ids.length} ids but ${texts.length} texts`);
    }
  }

  static async load(source: CorpusSource, signal?: AbortSignal): Promise<Corpus> {
    if ("file" in source) {
      const file = await readJsonlCorpus(source.file, {
        textField: source.textField ?? "text",
        idField: source.idField ?? "id",
        ...(signal ? { signal } : {}),
      });
      return new Corpus(file.ids, file.texts, file.skipped);
    }
    return new Corpus(source.ids, source.texts);
  }

  get size(): number {
    return this.texts.length;
  }

  passage(docId: number): { id: string; text: string } | undefined {
    const text = this.texts[docId];
    return text === undefined ? undefined : { id: this.ids[docId] as string, text };
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
