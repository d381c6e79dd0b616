import {
  type LLMServingABC,
  type Logger,
  type RetrievedPassage,
  type RetrieveOptions,
  silentLogger,
} from "@dataflow/core";
import { normalizeK } from "../bm25/engine.js";
import { Corpus, type CorpusSource, corpusIdentity } from "../corpus/corpus.js";
import type { CorpusLoader } from "../corpus/shared-corpus.js";
import { FlatCosineIndex } from "../dense/flat-index.js";
import { QueryBatcher } from "../dense/query-batcher.js";
import { DenseSearchPool } from "../dense/search-pool.js";
import { CorpusRetriever } from "./corpus-retriever.js";
import { rankingThreads } from "./default-workers.js";
import { LazyOpen } from "./lazy-open.js";

export interface DenseRetrieverOptions {
  name: string;
  corpus: CorpusSource;
  /** Embeds the passages (at `open`) and each query (at `search`). */
  serving: LLMServingABC;
  /** Passages per `embed` call while indexing (1024 by default): bounds memory, paces the progress log. */
  embedBatchSize?: number;
  logger?: Logger;
  /** Loads `corpus` when it is shared with another retriever (a hybrid's); a load of its own by default. */
  loadCorpus?: CorpusLoader;
  /**
   * Threads that score query groups over the vectors (held once, in shared memory); 1 scores on
   * the calling thread. Default: $DATAFLOW_RETRIEVER_WORKERS, else every core from 1000 passages.
   * Hits are the same either way.
   */
  workers?: number;
}

const DEFAULT_EMBED_BATCH = 1024;
const PROGRESS_EVERY_MS = 10_000;

/**
 * Dense retrieval: the corpus embedded through a serving into an exact cosine index, each query
 * embedded the same way. The serving's response cache keeps the vectors, so a rerun over the same
 * corpus and model sends no embedding requests.
 */
export class DenseRetriever extends CorpusRetriever {
  readonly name: string;
  readonly kind = "dense";
  private readonly options: DenseRetrieverOptions;
  private readonly batchSize: number;
  private readonly lazy: LazyOpen;
  private index: FlatCosineIndex | undefined;
  private batcher: QueryBatcher | undefined;
  private pool: DenseSearchPool | undefined;

  constructor(options: DenseRetrieverOptions) {
    super();
    const batch = options.embedBatchSize ?? DEFAULT_EMBED_BATCH;
    if (!Number.isInteger(batch) || batch < 1) {
      throw new RangeError(
        `retriever "${options.name}": embedBatchSize must be a whole number ≥ 1, got ${batch}`,
      );
    }
    this.name = options.name;
    this.options = options;
    this.batchSize = batch;
    this.lazy = new LazyOpen((o) => this.build(o));
  }

  /** Vector length of the index (after `open`; undefined for an empty corpus). */
  get dims(): number | undefined {
    return this.index?.dims;
  }

  open(options?: { signal?: AbortSignal; tag?: string }): Promise<void> {
    return this.lazy.open(options);
  }

  /** An empty or blank query finds nothing (there is nothing to embed). */
  async search(query: string, k: number, options: RetrieveOptions = {}): Promise<RetrievedPassage[]> {
    await this.open(options);
    const limit = Math.min(normalizeK(k), this.corpus.size);
    const index = this.index;
    if (!index || !this.batcher || limit === 0 || query.trim() === "") return [];
    const { vectors } = await this.options.serving.embed([query], this.embedOptions(options));
    const vector = vectors[0];
    if (vector?.length !== index.dims) {
      throw new Error(
        `retriever "${this.name}": the query embedding has ${vector?.length ?? 0} dimensions but the passages have ${index.dims}; ` +
          `were they embedded with another model? (serving "${this.options.serving.name}", model ${this.options.serving.embeddingModel})`,
      );
    }
    const hits = await this.batcher.search(vector, limit, options.exclude);
    return hits.map((h) => this.toPassage(h));
  }

  fingerprint(): Record<string, unknown> {
    const serving = this.options.serving;
    return {
      kind: this.kind,
      corpus: corpusIdentity(this.options.corpus),
      embeddingModel: serving.embeddingModel,
      serving: serving.fingerprint(),
    };
  }

  private embedOptions(options: { signal?: AbortSignal; tag?: string }): {
    signal?: AbortSignal;
    tag: string;
  } {
    return {
      tag: options.tag ?? `retriever:${this.name}`,
      ...(options.signal ? { signal: options.signal } : {}),
    };
  }

  private async build(options: { signal?: AbortSignal; tag?: string }): Promise<void> {
    const o = this.options;
    const logger = o.logger ?? silentLogger;
    const corpus = await (o.loadCorpus ?? ((s) => Corpus.load(o.corpus, s)))(options.signal);
    if (corpus.skipped) {
      logger.warn(`retriever "${this.name}": ${corpus.skipped} corpus records had no text and were skipped`);
    }
    const started = performance.now();
    const embed = this.embedOptions(options);
    let index: FlatCosineIndex | undefined;
    let cached = 0;
    let promptTokens = 0;
    let empty = 0;
    let lastLog = started;
    for (let first = 0; first < corpus.size; first += this.batchSize) {
      options.signal?.throwIfAborted();
      const texts = corpus.texts.slice(first, first + this.batchSize);
      // The serving refuses empty texts: such passages keep a zero vector (they score 0).
      const toEmbed = texts.filter((t) => t.length > 0);
      const result = toEmbed.length > 0 ? await o.serving.embed(toEmbed, embed) : undefined;
      if (result && result.vectors.length !== toEmbed.length) {
        throw new Error(
          `retriever "${this.name}": serving "${o.serving.name}" returned ${result.vectors.length} embeddings for ${toEmbed.length} passages`,
        );
      }
      cached += result?.cached ?? 0;
      promptTokens += result?.promptTokens ?? 0;
      let next = 0;
      for (const [i, text] of texts.entries()) {
        const vector = text.length > 0 ? result?.vectors[next++] : undefined;
        if (vector === undefined) {
          empty++;
          if (index) index.add(new Float32Array(index.dims));
          continue;
        }
        index ??= this.createIndex(vector.length, empty);
        if (vector.length !== index.dims) {
          throw new Error(
            `retriever "${this.name}": passage "${corpus.ids[first + i]}" embedded to ${vector.length} dimensions, earlier passages to ${index.dims}`,
          );
        }
        index.add(vector);
      }
      const now = performance.now();
      if (now - lastLog >= PROGRESS_EVERY_MS && first + texts.length < corpus.size) {
        lastLog = now;
        logger.info(`retriever "${this.name}": embedded ${first + texts.length} of ${corpus.size} passages`);
      }
    }
    this.corpus = corpus;
    this.index = index;
    const workers = rankingThreads(o.workers, corpus.size);
    this.pool = index && workers > 1 ? new DenseSearchPool(index, workers) : undefined;
    this.batcher = index ? new QueryBatcher(index, this.pool) : undefined;
    if (empty > 0)
      logger.warn(
        `retriever "${this.name}": ${empty} passages have empty text and are never close to a query`,
      );
    logger.info(
      `retriever "${this.name}": dense index over ${corpus.size} passages` +
        (index
          ? ` (${index.dims} dimensions, ${index.kernel} kernel${this.pool ? `, ${this.pool.size} threads` : ""})`
          : "") +
        ` with ${o.serving.embeddingModel} in ${Math.round(performance.now() - started)} ms; ` +
        `${cached} embeddings from the cache, ${promptTokens} prompt tokens`,
    );
  }

  override async close(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    if (this.index) this.batcher = new QueryBatcher(this.index);
    await Promise.all([pool?.close(), super.close()]);
  }

  /** The index, once the first vector gives its length; the passages before it (all empty) get zeros. */
  private createIndex(dims: number, emptyBefore: number): FlatCosineIndex {
    if (dims < 1)
      throw new Error(
        `retriever "${this.name}": serving "${this.options.serving.name}" returned empty embeddings`,
      );
    const index = new FlatCosineIndex(dims);
    for (let i = 0; i < emptyBefore; i++) index.add(new Float32Array(dims));
    return index;
  }
}
