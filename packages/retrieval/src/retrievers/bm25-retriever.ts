import { type Logger, type RetrievedPassage, type RetrieveOptions, silentLogger } from "@dataflow/core";
import { buildBm25Engine } from "../bm25/build-engine.js";
import { buildOnThreads } from "../bm25/build-on-threads.js";
import { CompactBm25Index } from "../bm25/compact-index.js";
import { type Bm25Engine, type Bm25EngineKind, resolveBm25Params } from "../bm25/engine.js";
import { Bm25RankPool } from "../bm25/rank-pool.js";
import { Corpus, type CorpusSource, corpusIdentity } from "../corpus/corpus.js";
import type { CorpusLoader } from "../corpus/shared-corpus.js";
import { CorpusRetriever } from "./corpus-retriever.js";
import { rankingThreads } from "./default-workers.js";
import { LazyOpen } from "./lazy-open.js";

export interface Bm25RetrieverOptions {
  name: string;
  corpus: CorpusSource;
  k1?: number;
  b?: number;
  /** `compact` (default) scales to millions of passages; `lunr` is the small-corpus reference. */
  engine?: Bm25EngineKind;
  logger?: Logger;
  /** Loads `corpus` when it is shared with another retriever (a hybrid's); a load of its own by default. */
  loadCorpus?: CorpusLoader;
  /**
   * Worker threads that build the compact index and rank queries over it (held once, in
   * SharedArrayBuffers); 1 ranks on the calling thread. Default: $DATAFLOW_RETRIEVER_WORKERS, else
   * every core from 1000 passages.
   * Hits are the same either way.
   */
  workers?: number;
}

/** Sparse retrieval: lunr's English analysis and Lucene BM25 over the compact index (or lunr's own). */
export class Bm25Retriever extends CorpusRetriever {
  readonly name: string;
  readonly kind = "bm25";
  private readonly options: Bm25RetrieverOptions;
  private readonly lazy: LazyOpen;
  private engine: Bm25Engine | undefined;
  private pool: Bm25RankPool | undefined;

  constructor(options: Bm25RetrieverOptions) {
    super();
    // Bad k1/b fail here, when the pipeline is set up, not at the first search.
    resolveBm25Params({
      ...(options.k1 !== undefined ? { k1: options.k1 } : {}),
      ...(options.b !== undefined ? { b: options.b } : {}),
    });
    this.name = options.name;
    this.options = options;
    this.lazy = new LazyOpen(({ signal }) => this.build(signal));
  }

  open(options?: { signal?: AbortSignal; tag?: string }): Promise<void> {
    return this.lazy.open(options);
  }

  async search(query: string, k: number, options: RetrieveOptions = {}): Promise<RetrievedPassage[]> {
    await this.open(options);
    const engine = this.engine as Bm25Engine;
    // An exclude callback cannot cross threads: such searches rank here.
    const hits =
      this.pool && !options.exclude
        ? await this.pool.search(query, k)
        : engine.search(query, k, options.exclude ? { exclude: options.exclude } : {});
    return hits.map((h) => this.toPassage(h));
  }

  /**
   * Passage `docId`'s score for `query` (what search returns for it with every other passage
   * excluded), or undefined when it shares no term with the query.
   */
  async scoreOf(query: string, docId: number, options: RetrieveOptions = {}): Promise<number | undefined> {
    await this.open(options);
    const engine = this.engine as Bm25Engine;
    if (engine instanceof CompactBm25Index) return engine.scoreOf(query, docId);
    return engine.search(query, 1, { exclude: (d) => d !== docId })[0]?.score;
  }

  override async close(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    await Promise.all([pool?.close(), super.close()]);
  }

  fingerprint(): Record<string, unknown> {
    const o = this.options;
    return {
      kind: this.kind,
      corpus: corpusIdentity(o.corpus),
      engine: o.engine ?? "compact",
      ...resolveBm25Params({
        ...(o.k1 !== undefined ? { k1: o.k1 } : {}),
        ...(o.b !== undefined ? { b: o.b } : {}),
      }),
    };
  }

  private async build(signal: AbortSignal | undefined): Promise<void> {
    const o = this.options;
    const logger = o.logger ?? silentLogger;
    const corpus = await (o.loadCorpus ?? ((s) => Corpus.load(o.corpus, s)))(signal);
    const started = performance.now();
    const engine = o.engine ?? "compact";
    const params = {
      ...(o.k1 !== undefined ? { k1: o.k1 } : {}),
      ...(o.b !== undefined ? { b: o.b } : {}),
    };
    const workers = rankingThreads(o.workers, corpus.size);
    // With threads, they analyse the texts too: the same index, built sooner.
    this.engine =
      engine === "compact" && workers > 1
        ? await buildOnThreads(corpus.texts, params, workers)
        : // lunr scores only the lunr way.
          buildBm25Engine(corpus.texts, {
            engine,
            ...params,
            ...(engine === "lunr" ? { scoring: "lunr" as const } : {}),
          });
    this.corpus = corpus;
    if (workers > 1 && this.engine instanceof CompactBm25Index)
      this.pool = new Bm25RankPool(this.engine, workers);
    if (corpus.skipped)
      logger.warn(`retriever "${this.name}": ${corpus.skipped} corpus records had no text and were skipped`);
    logger.info(
      `retriever "${this.name}": ${engine} BM25 index over ${corpus.size} passages in ${Math.round(performance.now() - started)} ms` +
        (this.pool ? `, ranked on ${this.pool.size} threads` : ""),
    );
  }
}
