import {
  describeValue,
  drop,
  type OperatorSpec,
  type ProcessResult,
  type Row,
  type RowContext,
  RowError,
  RowOperator,
  rows,
} from "@dataflow/core";
import { type ChunkParams, checkChunkParams, chunkParamsSchema, splitOptions } from "./chunk-params.js";
import { splitText } from "./split-text.js";

const port = (column: string, description: string, type: string) => ({
  column,
  description,
  schema: { type },
});

/**
 * One row per passage of a document. Chunk rows keep the document's other columns and carry
 * where they came from, so later steps (rare/bm25-hard-neg) can tell chunks of one document apart.
 */
export class ChunkOperator extends RowOperator<ChunkParams> {
  static readonly spec: OperatorSpec<ChunkParams> = {
    name: "doc/chunk",
    version: "1.0.0",
    description:
      "Split each document into passages of at most `size` characters (or tokens, estimated at 4 characters " +
      "each), never inside a word: a chunk ends before a Markdown heading if it can, else at a blank line, " +
      "else at a sentence end (Intl.Segmenter), else between words. Chunks repeat up to `overlap` of the " +
      "previous chunk's end; a last chunk adding fewer than `minSize` new units joins the one before. Each " +
      "chunk row (id <doc id>#<n>) keeps the document's columns and adds doc_id, chunk_index, chunk_count, " +
      "heading_path and the chunk's character offsets; an empty or whitespace-only document is filtered.",
    params: chunkParamsSchema,
    inputs: { text: port("text", "The document", "string") },
    outputs: {
      text: port("text", "The chunk's text (trimmed)", "string"),
      docId: port("doc_id", "Row id of the document the chunk came from", "string"),
      chunkIndex: port("chunk_index", "Position of the chunk in its document, from 0", "integer"),
      chunkCount: port("chunk_count", "Number of chunks of its document", "integer"),
      headingPath: port(
        "heading_path",
        'Markdown headings in force where the chunk starts ("A > B"; "" if none)',
        "string",
      ),
      charStart: port(
        "char_start",
        "Offset of the chunk's first character in the document's text",
        "integer",
      ),
      charEnd: port("char_end", "Offset just after the chunk's last character", "integer"),
    },
    checkParams: checkChunkParams,
  };

  process(row: Row, ctx: RowContext<ChunkParams>): ProcessResult {
    const text = ctx.input("text");
    if (typeof text !== "string")
      throw new RowError(
        "bad-input",
        `column "${ctx.inputs.text}" must hold the document as a string, got ${describeValue(text)}`,
      );
    const options = splitOptions(ctx.params);
    const { chunks, mergedTail } = splitText(text, options);
    if (!chunks.length) return drop("empty or whitespace-only document: nothing to chunk");
    if (mergedTail) ctx.count("short_last_chunks_merged");
    ctx.observe("chunks_per_document", chunks.length);
    const out = chunks.map((c, i) => {
      const body = text.slice(c.start, c.end);
      if (body.length > options.maxChars && !/\s/.test(body)) ctx.count("chunks_of_one_overlong_word");
      ctx.observe("chunk_chars", body.length);
      return {
        ...row,
        ...ctx.output({
          text: body,
          docId: ctx.rowId,
          chunkIndex: i,
          chunkCount: chunks.length,
          headingPath: c.headingPath.join(" > "),
          charStart: c.start,
          charEnd: c.end,
        }),
      };
    });
    return rows(out, { idSuffixes: chunks.map((_, i) => `#${i}`) });
  }
}
