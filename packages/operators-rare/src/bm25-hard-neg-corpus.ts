import type { OperatorContext, RowRecord } from "@dataflow/core";
import { type ChunkPlace, chunkPlace } from "./bm25-hard-neg-same-doc.js";

/** Where rare/bm25-hard-neg mines when it has no corpus file and no retriever. */
export type CorpusFrom = "source" | "upstream";

export interface RowCorpus {
  readonly ids: string[];
  readonly texts: string[];
  readonly places: (ChunkPlace | undefined)[];
  readonly from: CorpusFrom;
}

interface CorpusParams {
  corpusFrom: CorpusFrom;
}

/**
 * The corpus made of rows. With corpusFrom `source` (the default): every row of the pipeline's
 * source, re-read from its start, so a row's negatives do not depend on which other rows a filter
 * or an LLM step's rejects removed (a resume after rejects re-pays nothing). When the texts reaching
 * the step are not all source texts (a step made or changed the column, e.g. doc/chunk's chunks),
 * the rows reaching this step are the corpus instead, and the log says so: those negatives do
 * depend on what upstream steps removed.
 * Outside a pipeline run (no source to re-read) the upstream rows are used too.
 */
export async function rowCorpus(
  records: readonly RowRecord[],
  ctx: OperatorContext<CorpusParams>,
): Promise<RowCorpus> {
  if (ctx.params.corpusFrom === "source" && ctx.readSource) {
    const source = await readSourceCorpus(ctx);
    if (source && textsFromSource(records, source, ctx)) return source;
    ctx.logger.warn(
      `step "${ctx.stepId}": the "${ctx.inputs.text}" texts reaching this step are not the source's (a step made ` +
        `or changed them), so the corpus is the ${records.length} rows reaching this step; their negatives depend ` +
        "on what earlier steps filtered or rejected",
    );
  }
  return fromRecords(records, ctx, "upstream");
}

/**
 * Whether every text reaching the step is a source row's text: false when a step made or changed
 * the column (doc/chunk's chunks keep the name `text`), so positives and corpus would not match.
 */
function textsFromSource(
  records: readonly RowRecord[],
  source: RowCorpus,
  ctx: OperatorContext<CorpusParams>,
): boolean {
  const texts = new Set(source.texts);
  const column = ctx.inputs.text as string;
  return records.every((r) => typeof r.row[column] !== "string" || texts.has(r.row[column] as string));
}

/** The source's rows as a corpus (only the columns it needs are kept), or undefined without the text column. */
async function readSourceCorpus(ctx: OperatorContext<CorpusParams>): Promise<RowCorpus | undefined> {
  const corpus: RowCorpus = { ids: [], texts: [], places: [], from: "source" };
  let texts = 0;
  for await (const record of (ctx.readSource as () => AsyncIterable<RowRecord>)()) {
    ctx.signal.throwIfAborted();
    if (add(corpus, record, ctx)) texts++;
  }
  return texts > 0 ? corpus : undefined;
}

function fromRecords(
  records: readonly RowRecord[],
  ctx: OperatorContext<CorpusParams>,
  from: CorpusFrom,
): RowCorpus {
  const corpus: RowCorpus = { ids: [], texts: [], places: [], from };
  for (const record of records) add(corpus, record, ctx);
  return corpus;
}

/** Appends one row; true when it had a text. */
function add(corpus: RowCorpus, record: RowRecord, ctx: OperatorContext<CorpusParams>): boolean {
  const text = record.row[ctx.inputs.text as string];
  corpus.ids.push(record.id);
  // A row without text is indexed as empty (it matches nothing); process() rejects it as a positive.
  corpus.texts.push(typeof text === "string" ? text : "");
  const { doc_id: docId, chunk_index: chunkIndex } = ctx.inputs;
  corpus.places.push(chunkPlace(record.row[docId as string], record.row[chunkIndex as string], record.id));
  return typeof text === "string";
}
