import { type Analyzer, defaultAnalyzer } from "./analyzer.js";
import { ChunkedArray } from "./chunked-array.js";
import {
  type Bm25Engine,
  type Bm25Hit,
  type Bm25Params,
  type Bm25SearchOptions,
  normalizeK,
  resolveBm25Params,
} from "./engine.js";
import { createRankScratch, type PostingArrays, type RankScratch, type RankStats } from "./rank-query.js";
import { postingStats } from "./posting-stats.js";
import { rankTerms } from "./rank-terms.js";
import { scoreDoc } from "./score-doc.js";
import { shared } from "./shared-array.js";

export interface CompactBm25Options extends Partial<Bm25Params> {
  /** Defaults to the shared `defaultAnalyzer()`. */
  readonly analyzer?: Analyzer;
}

/**
 * Collects documents for a `CompactBm25Index`. Per document it stores only (termId, tf) pairs in
 * chunked typed arrays plus its length; `build()` turns them into term-sorted postings in one pass.
 */
export class CompactBm25Builder {
  readonly params: Bm25Params;
  readonly analyzer: Analyzer;
  private readonly dictionary = new Map<string, number>();
  private docFreq = new Int32Array(1024);
  // Per-term scratch for counting tf within one document without a Map per document.
  private lastDoc = new Int32Array(1024);
  private slot = new Int32Array(1024);
  private docTerms = new Int32Array(256);
  private docTfs = new Int32Array(256);
  private postingTerms = new ChunkedArray((n) => new Int32Array(n));
  private postingTfs = new ChunkedArray((n) => new Uint16Array(n));
  // tf above Uint16's range is vanishingly rare; keep it exact without widening every posting.
  private readonly bigTfs = new Map<number, number>();
  private docLengths = new ChunkedArray((n) => new Int32Array(n), 16);
  private docUniqueTerms = new ChunkedArray((n) => new Int32Array(n), 16);
  private totalLength = 0;
  private built = false;

  constructor(options: CompactBm25Options = {}) {
    this.params = resolveBm25Params(options);
    this.analyzer = options.analyzer ?? defaultAnalyzer();
  }

  /** Documents added so far. */
  get size(): number {
    return this.docLengths.length;
  }

  /** Analyses and adds one document; returns its docId (insertion order, from 0). */
  add(text: string): number {
    const docId = this.startDocument();
    this.analyzer.forEachTerm(text, this.addTerm);
    this.finishDocument();
    return docId;
  }

  /** Adds a document given as analysed terms (the analyzer's output); returns its docId. */
  addTerms(terms: readonly string[]): number {
    const docId = this.startDocument();
    for (const term of terms) this.addTerm(term);
    this.finishDocument();
    return docId;
  }

  // The document being added: its id, its distinct terms so far, and its length.
  private current = -1;
  private unique = 0;
  private length = 0;

  private startDocument(): number {
    if (this.built) throw new Error("CompactBm25Builder: add() after build()");
    const docId = this.docLengths.length;
    if (docId >= 2 ** 31 - 1) throw new RangeError("CompactBm25Builder: too many documents");
    this.current = docId;
    this.unique = 0;
    this.length = 0;
    return docId;
  }

  /**
   * Adds documents analysed elsewhere (analyze-worker.ts): `terms` are their distinct terms in
   * order of first appearance, `ids` every token as an index into `terms`, document after
   * document, and `ends[i]` where document i's tokens end. Term ids come out as add() gives them.
   */
  addAnalysed(terms: readonly string[], ids: Int32Array, ends: Int32Array): void {
    const global = new Int32Array(terms.length);
    for (let t = 0; t < terms.length; t++) global[t] = this.termIdOf(terms[t] as string);
    let at = 0;
    for (let d = 0; d < ends.length; d++) {
      this.startDocument();
      const end = ends[d] as number;
      for (; at < end; at++) this.countTerm(global[ids[at] as number] as number);
      this.finishDocument();
    }
  }

  private termIdOf(term: string): number {
    let termId = this.dictionary.get(term);
    if (termId === undefined) {
      termId = this.dictionary.size;
      this.dictionary.set(term, termId);
      this.ensureTermCapacity(termId + 1);
      this.lastDoc[termId] = -1;
    }
    return termId;
  }

  // An arrow property, so the analyzer can call it without a closure per document.
  private readonly addTerm = (term: string): void => {
    this.countTerm(this.termIdOf(term));
  };

  private countTerm(termId: number): void {
    this.length++;
    if (this.lastDoc[termId] !== this.current) {
      this.lastDoc[termId] = this.current;
      if (this.unique === this.docTerms.length) this.growDocScratch();
      this.slot[termId] = this.unique;
      this.docTerms[this.unique] = termId;
      this.docTfs[this.unique] = 1;
      this.unique++;
    } else {
      const s = this.slot[termId] as number;
      this.docTfs[s] = (this.docTfs[s] as number) + 1;
    }
  }

  private finishDocument(): void {
    for (let i = 0; i < this.unique; i++) {
      const termId = this.docTerms[i] as number;
      const tf = this.docTfs[i] as number;
      if (tf > 0xffff) this.bigTfs.set(this.postingTerms.length, tf);
      this.postingTerms.push(termId);
      this.postingTfs.push(Math.min(tf, 0xffff));
      this.docFreq[termId] = (this.docFreq[termId] as number) + 1;
    }
    this.docLengths.push(this.length);
    this.docUniqueTerms.push(this.unique);
    this.totalLength += this.length;
    this.current = -1;
  }

  /**
   * Freezes the collected documents into an index. The builder's buffers are released, so it cannot
   * be used afterwards.
   */
  build(): CompactBm25Index {
    if (this.built) throw new Error("CompactBm25Builder: build() called twice");
    this.built = true;
    const { k1, b, scoring } = this.params;
    const docCount = this.docLengths.length;
    const termCount = this.dictionary.size;
    const postingCount = this.postingTerms.length;
    if (postingCount > 0xffffffff) throw new RangeError("CompactBm25Builder: more than 2^32-1 postings");
    const avgLength = docCount > 0 ? this.totalLength / docCount : 0;

    // CSR offsets: term t's postings are docIds[offsets[t] .. offsets[t + 1]).
    const offsets = shared(Uint32Array, termCount + 1);
    const idf = new Float64Array(termCount);
    for (let t = 0; t < termCount; t++) {
      const df = this.docFreq[t] as number;
      offsets[t + 1] = (offsets[t] as number) + df;
      // lunr.idf's exact expression (its Math.abs is a no-op since df <= N); equal to Lucene's idf.
      idf[t] = Math.log(1 + Math.abs((docCount - df + 0.5) / (df + 0.5)));
    }

    const docIds = shared(Int32Array, postingCount);
    const impacts = shared(Float32Array, postingCount);
    const cursor = offsets.slice(0, termCount);
    const docLengths = this.docLengths.toArray();
    const docUnique = this.docUniqueTerms.toArray();
    const chunkSize = this.postingTerms.chunkSize;
    const lunrScoring = scoring === "lunr";
    let doc = 0;
    let leftInDoc = docCount > 0 ? (docUnique[0] as number) : 0;
    let norm = 0;
    // Postings were appended document by document, so one sequential pass yields docId-sorted lists.
    for (let c = 0; c < this.postingTerms.chunkCount; c++) {
      const terms = this.postingTerms.chunk(c);
      const tfs = this.postingTfs.chunk(c);
      for (let i = 0; i < terms.length; i++) {
        while (leftInDoc === 0) leftInDoc = docUnique[++doc] as number;
        if (leftInDoc === (docUnique[doc] as number)) {
          norm = k1 * (1 - b + b * ((docLengths[doc] as number) / avgLength));
        }
        leftInDoc--;
        const termId = terms[i] as number;
        let tf = tfs[i] as number;
        if (tf === 0xffff) tf = this.bigTfs.get(c * chunkSize + i) ?? tf;
        const at = cursor[termId] as number;
        cursor[termId] = at + 1;
        docIds[at] = doc;
        const w = idf[termId] as number;
        impacts[at] = lunrScoring
          ? // lunr's weight in its own operation order, kept as an integer number of thousandths
            // so that sums are exact and ties are real ties.
            Math.round(((w * ((k1 + 1) * tf)) / (norm + tf)) * 1000)
          : (w * tf) / (tf + norm);
      }
      // Done with this chunk: free it now rather than after the loop (1M passages: ~500 MiB).
      this.postingTerms.dropChunk(c);
      this.postingTfs.dropChunk(c);
    }

    const dictionary = this.dictionary;
    this.postingTerms.release();
    this.postingTfs.release();
    this.docLengths.release();
    this.docUniqueTerms.release();
    this.bigTfs.clear();
    this.docFreq = new Int32Array(0);
    this.lastDoc = new Int32Array(0);
    this.slot = new Int32Array(0);
    return new CompactBm25Index({
      params: this.params,
      analyzer: this.analyzer,
      dictionary,
      offsets,
      docIds,
      impacts,
      idf,
      docLengths,
      avgLength,
    });
  }

  private ensureTermCapacity(n: number): void {
    if (n <= this.docFreq.length) return;
    const size = Math.max(n, this.docFreq.length * 2);
    this.docFreq = grow(this.docFreq, size);
    this.lastDoc = grow(this.lastDoc, size);
    this.slot = grow(this.slot, size);
  }

  private growDocScratch(): void {
    const size = this.docTerms.length * 2;
    this.docTerms = grow(this.docTerms, size);
    this.docTfs = grow(this.docTfs, size);
  }
}

function grow(array: Int32Array, size: number): Int32Array<ArrayBuffer> {
  const out = new Int32Array(size);
  out.set(array);
  return out;
}

interface CompactParts {
  readonly params: Bm25Params;
  readonly analyzer: Analyzer;
  readonly dictionary: Map<string, number>;
  readonly offsets: Uint32Array;
  readonly docIds: Int32Array;
  readonly impacts: Float32Array;
  readonly idf: Float64Array;
  readonly docLengths: Int32Array;
  readonly avgLength: number;
}

/**
 * An immutable BM25 inverted index on typed arrays: a term dictionary, postings as CSR arrays
 * (Int32Array docIds sorted ascending within a term, Float32Array precomputed impacts), and document
 * lengths. Search is term-at-a-time into a per-document accumulator with exact MaxScore pruning
 * (see rank-query.ts), then a bounded heap picks the top k.
 *
 * Memory: 8 bytes per posting, 12 per term plus the dictionary's strings; the per-query working set
 * costs 16 bytes per document and is allocated on the first search.
 */
export class CompactBm25Index implements Bm25Engine {
  readonly kind = "compact" as const;
  readonly params: Bm25Params;
  readonly analyzer: Analyzer;
  readonly size: number;
  /** Mean document length in terms. */
  readonly avgLength: number;
  private readonly dictionary: Map<string, number>;
  private readonly postings: PostingArrays;
  private readonly idf: Float64Array;
  private readonly docLengths: Int32Array;
  private scratch: RankScratch | undefined;
  private busy = false;
  /** How many searches ran, and how many of them could skip posting lists (diagnostics). */
  readonly rankStats: RankStats = { queries: 0, prunedQueries: 0 };

  /** Use `CompactBm25Builder` or `CompactBm25Index.fromTexts`. */
  constructor(parts: CompactParts) {
    this.params = parts.params;
    this.analyzer = parts.analyzer;
    this.dictionary = parts.dictionary;
    this.idf = parts.idf;
    this.docLengths = parts.docLengths;
    this.avgLength = parts.avgLength;
    this.size = parts.docLengths.length;
    this.postings = {
      offsets: parts.offsets,
      docIds: parts.docIds,
      impacts: parts.impacts,
      ...postingStats(parts.offsets, parts.impacts),
      size: this.size,
    };
  }

  static fromTexts(texts: Iterable<string>, options: CompactBm25Options = {}): CompactBm25Index {
    const builder = new CompactBm25Builder(options);
    for (const text of texts) builder.add(text);
    return builder.build();
  }

  /** Distinct terms in the index. */
  get termCount(): number {
    return this.dictionary.size;
  }

  /** (term, document) pairs in the index. */
  get postingCount(): number {
    return this.postings.docIds.length;
  }

  /** Bytes held in typed arrays (the dictionary's strings are not counted). */
  get typedArrayBytes(): number {
    const { offsets, docIds, impacts, maxImpacts, zeroImpactTerms } = this.postings;
    const scratch = this.scratch ? this.size * 16 : 0;
    return (
      offsets.byteLength +
      docIds.byteLength +
      impacts.byteLength +
      maxImpacts.byteLength +
      (zeroImpactTerms?.byteLength ?? 0) +
      this.idf.byteLength +
      this.docLengths.byteLength +
      scratch
    );
  }

  /** Number of documents containing the analysed `term`. */
  docFreq(term: string): number {
    const t = this.dictionary.get(term);
    const { offsets } = this.postings;
    return t === undefined ? 0 : (offsets[t + 1] as number) - (offsets[t] as number);
  }

  /** Length in terms of document `docId`. */
  docLength(docId: number): number {
    const n = this.docLengths[docId];
    if (n === undefined) throw new RangeError(`docId ${docId} outside 0..${this.size - 1}`);
    return n;
  }

  search(query: string, k: number, options: Bm25SearchOptions = {}): Bm25Hit[] {
    return this.searchTerms(this.analyzer.analyze(query), k, options);
  }

  searchTerms(terms: readonly string[], k: number, options: Bm25SearchOptions = {}): Bm25Hit[] {
    const limit = Math.min(normalizeK(k), this.size);
    if (limit === 0) return [];
    const queryCounts = this.queryCounts(terms);
    if (queryCounts.size === 0) return [];
    let taken: RankScratch | undefined;
    try {
      return rankTerms(
        this.postings,
        this.params.scoring === "lunr",
        queryCounts,
        limit,
        options.exclude,
        () => {
          taken = this.takeScratch();
          return taken;
        },
        this.rankStats,
      );
    } finally {
      if (taken !== undefined && taken === this.scratch) this.busy = false;
    }
  }

  /**
   * Document `docId`'s score for `query`: what search gives it with every other document excluded,
   * found by a few probes per term instead of a ranking; undefined when it shares no query term.
   */
  scoreOf(query: string, docId: number): number | undefined {
    return this.scoreCounts(this.queryCounts(this.analyzer.analyze(query)), docId);
  }

  /** scoreOf for a query already turned into term counts (queryCounts). */
  scoreCounts(queryCounts: ReadonlyMap<number, number>, docId: number): number | undefined {
    if (!Number.isInteger(docId) || docId < 0 || docId >= this.size || queryCounts.size === 0)
      return undefined;
    return scoreDoc(this.postings, this.params.scoring === "lunr", queryCounts, docId);
  }

  /**
   * termId -> occurrences for analysed query terms that are in the index: each occurrence counts
   * once, so a repeated term is weighted by its count (see engine.ts).
   */
  queryCounts(terms: readonly string[]): Map<number, number> {
    const counts = new Map<number, number>();
    for (const term of terms) {
      const t = this.dictionary.get(term);
      if (t !== undefined) counts.set(t, (counts.get(t) ?? 0) + 1);
    }
    return counts;
  }

  /**
   * The index arrays ranking reads, all on SharedArrayBuffers: another thread can rank over them
   * (rankTerms) without a copy.
   */
  get postingArrays(): PostingArrays {
    return this.postings;
  }

  private takeScratch(): RankScratch {
    // A search started from inside another one's exclude callback gets its own memory.
    if (this.busy) return createRankScratch(this.size);
    this.busy = true;
    this.scratch ??= createRankScratch(this.size);
    // An exclude callback threw mid-search last time: values may be left over.
    if (this.scratch.dirty) {
      this.scratch.acc.fill(0);
      this.scratch.dirty = false;
    }
    return this.scratch;
  }
}
