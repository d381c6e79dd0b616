import lunr from "lunr";
import { type Analyzer, defaultAnalyzer } from "./analyzer.js";
import {
  type Bm25Engine,
  type Bm25Hit,
  type Bm25SearchOptions,
  normalizeK,
  resolveBm25Params,
} from "./engine.js";

export interface LunrBm25Options {
  readonly k1?: number;
  readonly b?: number;
  /** Defaults to the shared `defaultAnalyzer()`. */
  readonly analyzer?: Analyzer;
}

/**
 * The reference engine: lunr's own index (one field, `text`), fed by the same analyzer as the compact
 * index and configured with the same k1 and b. Its ranking equals `CompactBm25Index` with
 * `scoring: "lunr"` exactly. It is slow and memory-hungry (about 27 KB of heap per 150-word
 * passage, and every query scores every matching document), so keep it to small corpora (~10k).
 *
 * Queries never go through lunr's query parser, which throws on ordinary questions (`3:1`,
 * `Title: …`, `e^x`) and turns `*` or `~5` into whole-index scans. Terms are analysed here and
 * passed with `usePipeline: false` (they are already analysed), no wildcard and no edit distance.
 */
export class LunrBm25Engine implements Bm25Engine {
  readonly kind = "lunr" as const;
  readonly analyzer: Analyzer;
  readonly index: lunr.Index;
  readonly size: number;
  private readonly vocabulary: Record<string, unknown>;

  private constructor(index: lunr.Index, size: number, analyzer: Analyzer) {
    this.index = index;
    this.size = size;
    this.analyzer = analyzer;
    // lunr.Index keeps its inverted index (a null-prototype object keyed by term) as a public property.
    this.vocabulary = (index as unknown as { invertedIndex: Record<string, unknown> }).invertedIndex;
  }

  static build(texts: Iterable<string>, options: LunrBm25Options = {}): LunrBm25Engine {
    const { k1, b } = resolveBm25Params({ k1: options.k1, b: options.b });
    const analyzer = options.analyzer ?? defaultAnalyzer();
    const builder = new lunr.Builder();
    builder.ref("id");
    builder.field("text");
    builder.k1(k1);
    builder.b(b);
    // The whole analysis happens in our analyzer; lunr's index and search pipelines stay empty, so
    // lunr indexes exactly the terms the compact index sees.
    builder.tokenizer = Object.assign(
      (value?: unknown) =>
        analyzer.analyze(typeof value === "string" ? value : "").map((t) => new lunr.Token(t, {})),
      { separator: lunr.tokenizer.separator },
    );
    let size = 0;
    for (const text of texts) {
      builder.add({ id: String(size), text });
      size++;
    }
    return new LunrBm25Engine(builder.build(), size, analyzer);
  }

  search(query: string, k: number, options: Bm25SearchOptions = {}): Bm25Hit[] {
    return this.searchTerms(this.analyzer.analyze(query), k, options);
  }

  searchTerms(terms: readonly string[], k: number, options: Bm25SearchOptions = {}): Bm25Hit[] {
    const limit = normalizeK(k);
    if (limit === 0) return [];
    // `*` would be a wildcard inside lunr's TokenSet; the analyzer never emits it, and such a term
    // cannot be in the index, so dropping it changes nothing but the cost.
    const usable = terms.filter((t) => t.length > 0 && !t.includes("*"));
    // lunr's query norm covers the clauses whose term is in the index, counted with repeats.
    const counts = new Map<string, number>();
    for (const term of usable) {
      if (Object.hasOwn(this.vocabulary, term)) counts.set(term, (counts.get(term) ?? 0) + 1);
    }
    // With no clause at all lunr treats the query as "negated" and returns every document.
    if (counts.size === 0) return [];
    let squares = 0;
    for (const c of counts.values()) squares += c * c;
    const norm = Math.sqrt(squares);

    const results = this.index.query((q) => {
      q.term(usable, {
        usePipeline: false,
        presence: lunr.Query.presence.OPTIONAL,
        wildcard: lunr.Query.wildcard.NONE,
        boost: 1,
      });
    });

    const exclude = options.exclude;
    const ranked: { docId: number; thousandths: number }[] = [];
    for (const r of results) {
      const docId = Number(r.ref);
      if (exclude?.(docId)) continue;
      // score = dot / norm, where dot is an integer number of thousandths (query counts times
      // weights rounded to 3 decimals). Recovering that integer removes float noise, so equal
      // scores are real ties, broken by docId like the compact engine does.
      ranked.push({ docId, thousandths: Math.round(r.score * norm * 1000) });
    }
    ranked.sort((a, b) => b.thousandths - a.thousandths || a.docId - b.docId);
    return ranked.slice(0, limit).map((r) => ({ docId: r.docId, score: r.thousandths / 1000 / norm }));
  }
}
