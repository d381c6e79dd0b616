import { createReadStream } from "node:fs";
import { basename } from "node:path";
import { createInterface } from "node:readline";
import { createGunzip } from "node:zlib";
import { ngramHash } from "../text/hash32.js";
import { TokenHasher } from "../text/tokens.js";
import { NgramHashSet } from "./ngram-hash-set.js";

export interface ReferenceOptions {
  /** JSONL files (.jsonl, .ndjson, .jsonl.gz), absolute paths. */
  files: readonly string[];
  /** Fields whose strings are indexed; undefined: every string in the item but the id. */
  fields?: readonly string[];
  idField: string;
  ngram: number;
}

/** A reference item a row matched. */
export interface ReferenceItem {
  file: string;
  id: string;
}

export interface ReferenceStats {
  items: number;
  /** Distinct n-grams indexed. */
  ngrams: number;
  /** Strings shorter than one n-gram: they can never match. */
  shortStrings: number;
}

const NGRAM_SEED_A = 0x1b873593;
const NGRAM_SEED_B = 0xcc9e2d51;

/** 64-bit hashed n-grams of every reference item, read once; rows are then checked n-gram by n-gram. */
export class ReferenceIndex {
  readonly items: ReferenceItem[] = [];
  readonly stats: ReferenceStats = { items: 0, ngrams: 0, shortStrings: 0 };
  private readonly set = new NgramHashSet();
  private readonly hasher = new TokenHasher();

  private constructor(readonly ngram: number) {}

  static async build(options: ReferenceOptions, signal?: AbortSignal): Promise<ReferenceIndex> {
    const index = new ReferenceIndex(options.ngram);
    for (const file of options.files) await index.addFile(file, options, signal);
    index.stats.items = index.items.length;
    index.stats.ngrams = index.set.size;
    return index;
  }

  /** The first n-gram of `text` found in a reference item: its word offset and the item. */
  find(text: string): { start: number; item: ReferenceItem } | undefined {
    const n = this.hasher.hash(text);
    const { a, b } = this.hasher;
    for (let i = 0; i + this.ngram <= n; i++) {
      const item = this.set.get(
        ngramHash(a, i, this.ngram, NGRAM_SEED_A),
        ngramHash(b, i, this.ngram, NGRAM_SEED_B),
      );
      if (item >= 0) return { start: i, item: this.items[item] as ReferenceItem };
    }
    return undefined;
  }

  bytes(): number {
    return this.set.bytes();
  }

  private async addFile(file: string, options: ReferenceOptions, signal?: AbortSignal): Promise<void> {
    const name = basename(file);
    const raw = createReadStream(file);
    const input = file.endsWith(".gz") ? raw.pipe(createGunzip()) : raw;
    raw.on("error", (err) => input.destroy(err));
    const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
    let lineNo = 0;
    for await (const line of lines) {
      lineNo++;
      signal?.throwIfAborted();
      if (!line.trim()) continue;
      let item: unknown;
      try {
        item = JSON.parse(line);
      } catch (err) {
        throw new Error(`${file}:${lineNo}: not valid JSON (${(err as Error).message})`);
      }
      if (typeof item !== "object" || item === null || Array.isArray(item)) {
        throw new Error(`${file}:${lineNo}: a reference item must be a JSON object`);
      }
      this.addItem(
        item as Record<string, unknown>,
        { file: name, id: itemId(item, options.idField, name, lineNo) },
        options,
      );
    }
  }

  private addItem(item: Record<string, unknown>, ref: ReferenceItem, options: ReferenceOptions): void {
    const index = this.items.length;
    this.items.push(ref);
    const values = options.fields
      ? options.fields.map((f) => item[f])
      : Object.entries(item).flatMap(([k, v]) => (k === options.idField ? [] : [v]));
    for (const text of stringsIn(values)) this.addText(text, index);
  }

  private addText(text: string, item: number): void {
    const n = this.hasher.hash(text);
    if (n < this.ngram) {
      if (n > 0) this.stats.shortStrings++;
      return;
    }
    const { a, b } = this.hasher;
    for (let i = 0; i + this.ngram <= n; i++) {
      this.set.add(
        ngramHash(a, i, this.ngram, NGRAM_SEED_A),
        ngramHash(b, i, this.ngram, NGRAM_SEED_B),
        item,
      );
    }
  }
}

function itemId(item: object, idField: string, file: string, lineNo: number): string {
  const id = (item as Record<string, unknown>)[idField];
  return typeof id === "string" || typeof id === "number" ? String(id) : `${file}:${lineNo}`;
}

/** Every string in a value, looking into arrays and objects (answer choices, nested fields). */
function* stringsIn(value: unknown): Generator<string> {
  if (typeof value === "string") yield value;
  else if (Array.isArray(value)) for (const v of value) yield* stringsIn(v);
  else if (typeof value === "object" && value !== null)
    for (const v of Object.values(value)) yield* stringsIn(v);
}
