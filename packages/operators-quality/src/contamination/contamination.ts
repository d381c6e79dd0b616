import { resolve } from "node:path";
import {
  describeValue,
  drop,
  type OperatorContext,
  type OperatorSpec,
  type ProcessResult,
  type Row,
  type RowContext,
  RowError,
  RowOperator,
} from "@dataflow/core";
import { words } from "../text/tokens.js";
import { ReferenceIndex } from "./reference-index.js";

export interface ContaminationParams {
  references: string[];
  referenceFields?: string[];
  referenceIdField: string;
  ngram: number;
  action: "annotate" | "filter";
  annotateColumn: string;
}

/** What action annotate writes on a contaminated row (null on a clean one). */
export interface ContaminationMatch {
  /** The reference file's name. */
  file: string;
  /** The reference item's id (its id field, else `<file>:<line>`). */
  id: string;
  /** The shared n-gram, normalised. */
  ngram: string;
}

/**
 * Benchmark leakage: a row that shares a long word n-gram (13 by default, as in the GPT-3 paper's
 * contamination analysis) with any reference item, after normalising case and punctuation. The
 * references are indexed once, as 64-bit n-gram hashes in a typed-array hash set; rows stream.
 */
export class ContaminationOperator extends RowOperator<ContaminationParams> {
  static readonly spec: OperatorSpec<ContaminationParams> = {
    name: "quality/contamination",
    version: "1.0.0",
    description:
      "Find rows that share a word n-gram (default 13) with an item of a benchmark or other reference set, " +
      "after NFKC, lower-casing and removing punctuation. References are JSONL files (.jsonl, .ndjson, " +
      ".jsonl.gz; not Parquet), indexed once as hashed n-grams. action annotate writes " +
      "{file, id, ngram} of the first match (or null) to annotateColumn; action filter drops the row with " +
      'reason "contaminated: shares a <n>-gram with <file> item <id>". Reference strings shorter than n ' +
      "words cannot match; the step logs how many there are.",
    params: {
      type: "object",
      additionalProperties: false,
      required: ["references"],
      properties: {
        references: {
          type: "array",
          minItems: 1,
          items: { type: "string", minLength: 1, pattern: "\\.(jsonl|ndjson|jsonl\\.gz)$" },
          description:
            "Reference JSONL files, one item (a JSON object) per line; absolute or relative to the pipeline file's folder",
        },
        referenceFields: {
          type: "array",
          minItems: 1,
          items: { type: "string", minLength: 1 },
          description:
            "Item fields whose strings are indexed (strings inside arrays and objects too). Default: every " +
            "field but the id field",
        },
        referenceIdField: {
          type: "string",
          minLength: 1,
          default: "id",
          description: "Item field holding its id; an item without one is named <file>:<line>",
        },
        ngram: {
          type: "integer",
          minimum: 1,
          default: 13,
          description: "Words in a shared n-gram that counts as contamination (13 as in GPT-3's analysis)",
        },
        action: {
          enum: ["annotate", "filter"],
          default: "annotate",
          description:
            "annotate: keep rows and write the match to annotateColumn; filter: drop contaminated rows",
        },
        annotateColumn: {
          type: "string",
          minLength: 1,
          default: "contamination",
          description: "Column written with action annotate: {file, id, ngram} of the first match, or null",
        },
      },
    },
    inputs: {
      text: { column: "text", description: "The text checked", schema: { type: "string" } },
    },
    outputs: {},
    columns: (p) =>
      p.action === "annotate"
        ? { writes: [{ column: p.annotateColumn, path: ["params", "annotateColumn"] }] }
        : {},
    inputFiles: (p) => p.references,
  };

  private index: ReferenceIndex | undefined;

  override async setup(ctx: OperatorContext<ContaminationParams>): Promise<void> {
    const p = ctx.params;
    const files = p.references.map((f) => resolve(ctx.baseDir, f));
    this.index = await ReferenceIndex.build(
      { files, fields: p.referenceFields, idField: p.referenceIdField, ngram: p.ngram },
      ctx.signal,
    );
    const { items, ngrams, shortStrings } = this.index.stats;
    ctx.logger.info(
      `${ctx.stepId}: indexed ${ngrams} distinct ${p.ngram}-grams of ${items} reference items ` +
        `(${(this.index.bytes() / 2 ** 20).toFixed(1)} MiB)`,
    );
    if (shortStrings > 0) {
      ctx.logger.warn(
        `${ctx.stepId}: ${shortStrings} reference strings have fewer than ${p.ngram} words and can never match; ` +
          "lower params.ngram to check them",
      );
    }
  }

  process(_row: Row, ctx: RowContext<ContaminationParams>): ProcessResult {
    const index = this.index;
    if (!index) throw new Error("quality/contamination: process() before setup()");
    const text = ctx.input("text");
    if (typeof text !== "string") {
      throw new RowError(
        "bad-input",
        `column "${ctx.inputs.text}" must hold a string, got ${describeValue(text)}`,
      );
    }
    const p = ctx.params;
    const found = index.find(text);
    if (found === undefined) return p.action === "annotate" ? { [p.annotateColumn]: null } : undefined;
    ctx.count("contaminated");
    const { file, id } = found.item;
    if (p.action === "filter") return drop(`contaminated: shares a ${p.ngram}-gram with ${file} item ${id}`);
    const ngram = words(text)
      .slice(found.start, found.start + p.ngram)
      .join(" ");
    const match: ContaminationMatch = { file, id, ngram };
    return { [p.annotateColumn]: { ...match } };
  }
}
