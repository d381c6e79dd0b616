import { resolve } from "node:path";
import {
  DatasetOperator,
  describeValue,
  type OperatorContext,
  type OperatorSpec,
  type ProcessResult,
  type RetrievedPassage,
  type RetrieverABC,
  type Row,
  type RowContext,
  RowError,
  type RowRecord,
} from "@dataflow/core";
import {
  Bm25Retriever,
  DEFAULT_BM25_PARAMS,
  OverlapIndex,
  type OverlapProbe,
  type OverlapRule,
  overlapRuleSchema,
} from "@dataflow/retrieval";
import { type CorpusFrom, rowCorpus } from "./bm25-hard-neg-corpus.js";
import { precomputeOnce, retrieverOverlap } from "./bm25-hard-neg-overlap-cache.js";
import {
  type ChunkPlace,
  chunkPlace,
  type SameDocumentRule,
  type SameDocumentWindow,
  sameDocumentRule,
} from "./bm25-hard-neg-same-doc.js";
import { miningThreads } from "./bm25-hard-neg-threads.js";

export interface Bm25HardNegParams {
  numNeg: number;
  minNeg: number;
  skipTop: number;
  minScore?: number;
  query: "question" | "question+scenario";
  engine: "auto" | "compact" | "lunr";
  k1: number;
  b: number;
  overlap: OverlapRule;
  corpus?: string;
  corpusTextField: string;
  corpusIdField: string;
  corpusFrom: CorpusFrom;
  sameDocument: SameDocumentWindow;
  workers?: number;
}

/**
 * RARE step 2: BM25 hard negatives for each row's question, mined from the corpus (by default the
 * `text` column of every source row, re-read from the source: see bm25-hard-neg-corpus.ts). A candidate is no negative when it is the positive itself
 * (same row id), the same text, or overlaps the positive under `overlap` (a sliding-window chunker
 * makes neighbouring chunks share long runs: they answer the question too). No LLM.
 */
export class Bm25HardNegOperator extends DatasetOperator<Bm25HardNegParams> {
  static readonly spec: OperatorSpec<Bm25HardNegParams> = {
    name: "rare/bm25-hard-neg",
    version: "1.0.0",
    description:
      "Mine BM25 hard negatives for each row's question (or question + scenario) from the corpus: the `text` " +
      "column of every source row (corpusFrom: source, whatever later steps filter or reject; the rows reaching " +
      "the step when the column is made by a step, or with corpusFrom: upstream), or the JSONL file `corpus`. Lucene BM25 (k1 0.9, b 0.4) over lunr's English analysis, " +
      "on a compact typed-array index (engine `lunr` is the small-corpus reference). The positive is excluded " +
      "by row id and by content: identical text, or overlap under `overlap` (a shared run of minSharedChars " +
      "characters, or shingle containment ≥ maxContainment); exclusions are counted. Takes `numNeg` negatives " +
      "after skipping the `skipTop` best; only documents sharing a query term (and scoring ≥ minScore) qualify. " +
      "A row with fewer than `minNeg` is rejected; fewer than numNeg but at least minNeg is kept and counted. " +
      "With a step `retriever:` (bm25, dense or hybrid, declared under `retrievers:`) the negatives come from " +
      "that retriever's corpus and ranking instead; the positive is the passage whose id is the row id.",
    params: {
      type: "object",
      additionalProperties: false,
      properties: {
        numNeg: { type: "integer", minimum: 1, default: 3, description: "Negatives per row" },
        minNeg: {
          type: "integer",
          minimum: 0,
          default: 1,
          description: "Rows that get fewer negatives are rejected (too-few-negatives); at most numNeg",
        },
        skipTop: {
          type: "integer",
          minimum: 0,
          default: 0,
          description:
            "Skip this many of the best-ranked candidates (after exclusions) to avoid false negatives",
        },
        minScore: { type: "number", minimum: 0, description: "Lowest BM25 score a negative may have" },
        query: {
          enum: ["question", "question+scenario"],
          default: "question",
          description: "What is searched: the question, or the scenario followed by the question",
        },
        engine: {
          enum: ["auto", "compact", "lunr"],
          default: "auto",
          description:
            "auto = compact, the typed-array index that scales to millions of passages; lunr = lunr's own " +
            "index (scores the lunr way; for small corpora and cross-checks)",
        },
        k1: {
          type: "number",
          minimum: 0,
          default: DEFAULT_BM25_PARAMS.k1,
          description: "BM25 term-frequency saturation",
        },
        b: {
          type: "number",
          minimum: 0,
          maximum: 1,
          default: DEFAULT_BM25_PARAMS.b,
          description: "BM25 length normalisation",
        },
        overlap: overlapRuleSchema(
          "When a candidate counts as a copy of the positive (and so is no negative)",
        ),
        corpus: {
          type: "string",
          minLength: 1,
          pattern: "\\.(jsonl|ndjson|jsonl\\.gz)$",
          description:
            "Mine from this JSONL file (.jsonl, .jsonl.gz) instead of the dataset's own texts. An absolute path, " +
            "or relative to the pipeline file's folder. A row is its own positive when a corpus id equals its row id",
        },
        corpusTextField: {
          type: "string",
          minLength: 1,
          default: "text",
          description: "Field holding a corpus document's text",
        },
        corpusIdField: {
          type: "string",
          minLength: 1,
          default: "id",
          description: "Field holding a corpus document's id (else its line number)",
        },
        corpusFrom: {
          enum: ["source", "upstream"],
          default: "source",
          description:
            "Without `corpus` or a retriever: mine from every source row's text (source: the same negatives " +
            "whatever other rows were rejected, so a resume re-pays nothing; used when the text column is a " +
            "source column), or from the rows reaching this step (upstream)",
        },
        sameDocument: {
          anyOf: [{ enum: ["all", "off"] }, { type: "integer", minimum: 1 }],
          default: 1,
          description:
            "Chunks of the positive's own document are no negatives: within ±N chunk_index (1 = the adjacent " +
            "chunks), `all` of the document, or `off`. Applies to rows and passages with a doc_id column (or ids " +
            "`<doc id>#<n>`); counted as excluded_same_document",
        },
        workers: {
          type: "integer",
          minimum: 1,
          description:
            "Threads that build the index and rank the queries over it, held once in shared memory (1 = none; " +
            "the negatives are the same). Default: $DATAFLOW_BM25_WORKERS, else every core from 1000 rows on. " +
            "Not used with a step `retriever:`",
        },
      },
    },
    inputs: {
      question: { column: "question", description: "The query", schema: { type: "string" } },
      text: {
        column: "text",
        description: "The positive document (and, without `corpus`, the corpus)",
        schema: { type: "string" },
      },
      scenario: {
        column: "scenario",
        optional: true,
        description: "Put before the question when query is question+scenario",
        schema: { type: "string" },
      },
      doc_id: {
        column: "doc_id",
        optional: true,
        description: "The document a chunk came from (doc/chunk), for `sameDocument`",
        schema: { type: ["string", "number"] },
      },
      chunk_index: {
        column: "chunk_index",
        optional: true,
        description: "The chunk's position in its document, for `sameDocument`",
        schema: { type: "integer" },
      },
    },
    outputs: {
      negatives: {
        column: "hard_negatives",
        description: "The negatives' texts, best first",
        schema: { type: "array", items: { type: "string" } },
      },
      negative_ids: {
        column: "negative_ids",
        description: "The negatives' ids: row ids, or corpus ids with `corpus`",
        schema: { type: "array", items: { type: "string" } },
      },
      negative_scores: {
        column: "negative_scores",
        description: "The negatives' retrieval scores for the query (BM25, or the step retriever's)",
        schema: { type: "array", items: { type: "number" } },
      },
    },
    retriever: "optional",
    // A row's negatives depend on every other row: never replay them from a row cache.
    cacheRows: false,
    // Rows in flight: enough queries waiting for the ranking threads to keep every one busy.
    concurrency: 64,
    // Each shard builds the index from the whole corpus (source, file or retriever) and mines its own rows.
    sharding: (p, place) => {
      if (p.corpus !== undefined || place.retriever) return "row";
      if (p.corpusFrom === "upstream")
        return {
          refuse:
            "corpusFrom: upstream mines from the rows reaching the step, which differ per shard; use corpusFrom: source (each shard indexes the whole source) or a corpus file (params.corpus)",
        };
      const text = place.inputs.text ?? "text";
      if (place.madeUpstream(text))
        return {
          refuse: `its corpus column "${text}" is made by an earlier step, so each shard could index only its own rows; write the corpus to a JSONL file and set params.corpus, or run without --shard`,
        };
      return "row";
    },
    inputFiles: (p) => (p.corpus === undefined ? [] : [p.corpus]),
  };

  private retriever: RetrieverABC | undefined;
  private overlap: OverlapIndex | undefined;
  private sameDoc: SameDocumentRule | undefined;
  // Rows left to mine; the step's own retriever (and its threads) closes after the last one.
  private rowsLeft = 0;
  private owned: Bm25Retriever | undefined;

  async prepare(records: readonly RowRecord[], ctx: OperatorContext<Bm25HardNegParams>): Promise<void> {
    const p = ctx.params;
    this.owned = undefined;
    const threads = miningThreads(p.workers, records.length);
    if (p.minNeg > p.numNeg) {
      throw new Error(`step "${ctx.stepId}": minNeg (${p.minNeg}) is greater than numNeg (${p.numNeg})`);
    }
    if (ctx.retriever) {
      if (p.corpus !== undefined) {
        throw new Error(
          `step "${ctx.stepId}": both a retriever ("${ctx.retriever.name}") and params.corpus are given; ` +
            "mine from one: remove params.corpus, or the step's retriever line",
        );
      }
      this.retriever = ctx.retriever;
    } else {
      const bm25 = {
        engine: p.engine === "lunr" ? ("lunr" as const) : ("compact" as const),
        k1: p.k1,
        b: p.b,
        logger: ctx.logger,
        workers: threads,
      };
      if (p.corpus !== undefined) {
        const corpus = {
          file: resolve(ctx.baseDir, p.corpus),
          textField: p.corpusTextField,
          idField: p.corpusIdField,
        };
        this.owned = new Bm25Retriever({ name: `${ctx.stepId}.corpus`, corpus, ...bm25 });
      } else {
        const corpus = await rowCorpus(records, ctx);
        this.owned = new Bm25Retriever({
          name: `${ctx.stepId}.${corpus.from === "source" ? "source" : "rows"}`,
          corpus: { ids: corpus.ids, texts: corpus.texts },
          ...bm25,
        });
        this.sameDoc = sameDocumentRule(p.sameDocument, corpus.places);
      }
      this.retriever = this.owned;
      this.rowsLeft = records.length;
      ctx.signal?.addEventListener("abort", () => void this.owned?.close(), { once: true });
    }
    const retriever = this.retriever;
    await retriever.open({ signal: ctx.signal, tag: ctx.stepId });
    // A corpus file's or retriever's passages: their places come from ids `<doc id>#<n>`.
    this.sameDoc ??= sameDocumentRule(
      p.sameDocument,
      Array.from({ length: retriever.size }, (_, d) =>
        chunkPlace(undefined, undefined, retriever.passage(d)?.id),
      ),
    );
    // The overlap rule's per-passage work (text hashes, winnowed fingerprints), once per corpus:
    // up front on every thread when the questions will touch most passages, else lazily.
    const textOf = (d: number) => retriever.passage(d)?.text ?? "";
    this.overlap = this.owned
      ? new OverlapIndex(retriever.size, textOf, p.overlap)
      : retrieverOverlap(retriever, textOf, p.overlap);
    if (threads > 1 && records.length * 4 >= retriever.size)
      await precomputeOnce(this.overlap, textOf, threads);
  }

  override async process(row: Row, ctx: RowContext<Bm25HardNegParams>): Promise<ProcessResult> {
    try {
      return await this.negativesFor(row, ctx);
    } finally {
      if (--this.rowsLeft === 0) await this.owned?.close();
    }
  }

  private async negativesFor(_row: Row, ctx: RowContext<Bm25HardNegParams>): Promise<ProcessResult> {
    const p = ctx.params;
    const retriever = this.retriever;
    const overlap = this.overlap;
    if (!retriever || !overlap) throw new Error("rare/bm25-hard-neg: process() before prepare()");
    const question = ctx.input("question");
    if (typeof question !== "string" || !question.trim()) {
      throw new RowError(
        "bad-input",
        `column "${ctx.inputs.question}" must hold a non-empty question, got ${describeQuestion(question)}`,
      );
    }
    const text = ctx.input("text");
    if (typeof text !== "string") {
      throw new RowError(
        "bad-input",
        `column "${ctx.inputs.text}" must hold the positive document, got ${describeValue(text)}`,
      );
    }
    let query = question;
    if (p.query === "question+scenario") {
      const scenario = ctx.input("scenario");
      if (typeof scenario === "string" && scenario.trim()) query = `${scenario}\n${question}`;
    }

    const self = retriever.docIdOf(ctx.rowId);
    const place = chunkPlace(ctx.input("doc_id"), ctx.input("chunk_index"), ctx.rowId);
    const { chosen, positiveScore } = await this.mine(
      retriever,
      query,
      self,
      { probe: overlap.prepare(text, self), place },
      ctx,
    );

    ctx.observe("negatives_per_row", chosen.length);
    if (chosen.length < p.minNeg) {
      throw new RowError(
        "too-few-negatives",
        `found ${chosen.length} negative${chosen.length === 1 ? "" : "s"}, fewer than minNeg ${p.minNeg}: ` +
          `too few of the ${retriever.size} corpus documents ${retriever.kind === "bm25" ? "share a term with the query" : "were retrieved"}` +
          (p.minScore !== undefined ? ` and score at least minScore ${p.minScore}` : "") +
          " without overlapping the positive",
      );
    }
    if (chosen.length < p.numNeg) ctx.count("short_negatives", 1);
    const best = chosen[0];
    if (best && positiveScore !== undefined) {
      const margin = positiveScore - best.score;
      ctx.observe(retriever.kind === "bm25" ? "bm25_margin" : "score_margin", margin);
      if (margin < 0) ctx.count("negative_outscores_positive", 1);
    }
    return ctx.output({
      negatives: chosen.map((h) => h.text),
      negative_ids: chosen.map((h) => h.id),
      negative_scores: chosen.map((h) => h.score),
    });
  }

  /** Walks the ranking best first, widening the search until numNeg negatives are found or the candidates run out. */
  private async mine(
    retriever: RetrieverABC,
    query: string,
    self: number | undefined,
    positive: { probe: OverlapProbe; place: ChunkPlace | undefined },
    ctx: RowContext<Bm25HardNegParams>,
  ): Promise<{ chosen: RetrievedPassage[]; positiveScore: number | undefined }> {
    const { numNeg, skipTop, minScore } = ctx.params;
    const options = { signal: ctx.signal, tag: ctx.stepId };
    const overlap = this.overlap as OverlapIndex;
    const chosen: RetrievedPassage[] = [];
    let positiveScore: number | undefined;
    let skipped = 0;
    // Judged docIds: a wider search re-ranks nothing for BM25, but a fusion's ranking may shift, so
    // every candidate is judged (and counted) once by identity rather than by position.
    const judged = new Set<number>();
    let done = false;
    // Self plus a few exclusions; the walk widens 4x when more are needed (rare), with the same result.
    let k = Math.min(retriever.size, skipTop + numNeg + 4);
    while (!done) {
      const hits = await retriever.search(query, k, options);
      for (const hit of hits) {
        if (done) break;
        if (judged.has(hit.docId)) continue;
        judged.add(hit.docId);
        if (hit.docId === self) {
          positiveScore = hit.score;
          continue;
        }
        if (minScore !== undefined && hit.score < minScore) {
          done = true;
          break;
        }
        if (this.sameDoc?.excludes(positive.place, hit.docId)) {
          ctx.count("excluded_same_document", 1);
          continue;
        }
        const verdict = overlap.check(positive.probe, hit.docId);
        if (verdict.overlapping) {
          ctx.count(verdict.reason === "identical" ? "excluded_identical" : "excluded_overlap", 1);
          continue;
        }
        if (chosen.some((c) => overlap.sameText(c.docId, hit.docId))) {
          ctx.count("excluded_duplicate", 1);
          continue;
        }
        if (skipped < skipTop) {
          skipped++;
          continue;
        }
        chosen.push(hit);
        if (chosen.length >= numNeg) done = true;
      }
      if (hits.length < k || k >= retriever.size) done = true;
      k = Math.min(retriever.size, k * 4);
    }
    if (positiveScore === undefined && self !== undefined) {
      // The positive ranked below the candidates walked: score it alone.
      positiveScore =
        retriever instanceof Bm25Retriever
          ? ((await retriever.scoreOf(query, self, options)) ?? 0)
          : ((await retriever.search(query, 1, { ...options, exclude: (d) => d !== self }))[0]?.score ?? 0);
    }
    return { chosen, positiveScore };
  }
}

function describeQuestion(value: unknown): string {
  return typeof value === "string" ? "an empty string" : describeValue(value);
}
