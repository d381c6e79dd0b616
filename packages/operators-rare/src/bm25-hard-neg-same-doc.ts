/**
 * The same-document rule of rare/bm25-hard-neg: chunks of the positive's own document within a
 * window of chunk indexes are no negatives (they share its context even when no text is copied).
 * A chunk's place comes from the `doc_id` and `chunk_index` columns (doc/chunk's contract), or from
 * an id of the form `<doc id>#<n>` when the columns are absent (a corpus file's ids).
 */

/** `all` of the document, `off`, or ±N chunk indexes (1 = the adjacent chunks). */
export type SameDocumentWindow = number | "all" | "off";

export interface ChunkPlace {
  readonly doc: string;
  /** Undefined when the chunk's index is not known: then only `all` applies to it. */
  readonly index: number | undefined;
}

const CHUNK_ID = /^(.+)#(\d+)$/;

/** A chunk's place from its doc_id / chunk_index values, else from its id; undefined when neither says. */
export function chunkPlace(
  docId: unknown,
  chunkIndex: unknown,
  id: string | undefined,
): ChunkPlace | undefined {
  if (typeof docId === "string" || typeof docId === "number") {
    const index = Number.isInteger(chunkIndex) ? (chunkIndex as number) : undefined;
    return { doc: String(docId), index };
  }
  const m = id === undefined ? null : CHUNK_ID.exec(id);
  return m ? { doc: m[1] as string, index: Number(m[2]) } : undefined;
}

/** The rule for a corpus, or undefined when it is off or no passage carries a document. */
export function sameDocumentRule(
  window: SameDocumentWindow,
  places: readonly (ChunkPlace | undefined)[],
): SameDocumentRule | undefined {
  const rule = new SameDocumentRule(window, places);
  return rule.active ? rule : undefined;
}

/** Corpus passages' places as typed arrays, and the check against a positive's place. */
export class SameDocumentRule {
  private readonly docKeys: Int32Array;
  private readonly indexes: Int32Array;
  private readonly keyOf = new Map<string, number>();

  constructor(
    readonly window: SameDocumentWindow,
    places: readonly (ChunkPlace | undefined)[],
  ) {
    this.docKeys = new Int32Array(places.length).fill(-1);
    this.indexes = new Int32Array(places.length).fill(-1);
    if (window === "off") return;
    places.forEach((place, d) => {
      if (!place) return;
      let key = this.keyOf.get(place.doc);
      if (key === undefined) {
        key = this.keyOf.size;
        this.keyOf.set(place.doc, key);
      }
      this.docKeys[d] = key;
      this.indexes[d] = place.index ?? -1;
    });
  }

  /** Whether any passage carries a document (else the rule never fires). */
  get active(): boolean {
    return this.window !== "off" && this.keyOf.size > 0;
  }

  /** Whether passage `docId` is a chunk of the positive's document within the window. */
  excludes(positive: ChunkPlace | undefined, docId: number): boolean {
    if (!positive || this.window === "off") return false;
    const key = this.keyOf.get(positive.doc);
    if (key === undefined || this.docKeys[docId] !== key) return false;
    if (this.window === "all") return true;
    const index = this.indexes[docId] as number;
    if (index < 0 || positive.index === undefined) return false;
    return Math.abs(index - positive.index) <= this.window;
  }
}
