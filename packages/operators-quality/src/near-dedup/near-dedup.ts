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
  type RowRecord,
} from "@dataflow/core";
import { type Observable, tap } from "rxjs";
import { ensureLength } from "./growable.js";
import { type LshBands, lshBands } from "./lsh-params.js";
import { MinHasher } from "./minhash.js";
import { NearDupIndex } from "./near-dup-index.js";
import { type ShingleUnit, Shingler } from "./shingler.js";

export interface NearDedupParams {
  threshold: number;
  shingle: ShingleUnit;
  ngram?: number;
  numPerm: number;
  bands?: number;
  rows?: number;
  seed: number;
  action: "filter" | "annotate";
  annotateColumn: string;
}

/** Default n-gram size per shingle unit. */
export const DEFAULT_NGRAM: Record<ShingleUnit, number> = { word: 3, char: 5 };

/** The banding a step uses: `bands` × `rows` when both are given, else derived from the threshold. */
export function resolveBanding(p: NearDedupParams): LshBands {
  if (p.bands !== undefined && p.rows !== undefined) return { bands: p.bands, rows: p.rows };
  if (p.bands !== undefined || p.rows !== undefined) {
    throw new Error("near-dedup: give both bands and rows, or neither (then they follow from threshold)");
  }
  return lshBands(p.threshold, p.numPerm);
}

/**
 * Near-duplicate removal: MinHash-LSH candidates, verified by exact Jaccard. Rows stream in input
 * order; a row whose shingle set has Jaccard ≥ threshold with an earlier kept row is a duplicate
 * of the most similar such row, so every cluster keeps its first row and every dropped row is
 * within the threshold of the row it names. Only kept rows' shingle hashes and band keys are held.
 */
export class NearDedupOperator extends RowOperator<NearDedupParams> {
  static readonly spec: OperatorSpec<NearDedupParams> = {
    name: "quality/near-dedup",
    version: "1.0.0",
    description:
      "Near-duplicate removal at scale. Each text (NFKC, lower-cased, punctuation removed) is cut into " +
      "shingles (word or character n-grams); MinHash signatures with LSH banding find candidate earlier rows, " +
      "and exact Jaccard on the shingle sets decides. A row with Jaccard ≥ threshold to an earlier kept row is " +
      'dropped with reason "near-duplicate of row <id>" (the most similar kept row), or with action annotate ' +
      "kept and its duplicate_of column set (null on kept rows). The first row of each cluster (input order) " +
      "is kept. The summary reports near_duplicates, clusters, cluster_size and dedup_rate. Memory: the kept " +
      "rows' shingle hashes and band keys, in typed arrays (about 0.5 KiB per kept short row).",
    params: {
      type: "object",
      additionalProperties: false,
      properties: {
        threshold: {
          type: "number",
          exclusiveMinimum: 0,
          maximum: 1,
          default: 0.8,
          description: "Jaccard similarity of the shingle sets at or above which a row is a near-duplicate",
        },
        shingle: {
          enum: ["word", "char"],
          default: "word",
          description: "Shingle unit: n-grams of normalised words, or of the normalised text's characters",
        },
        ngram: {
          type: "integer",
          minimum: 1,
          description:
            "Words or characters per shingle (default 3 for word, 5 for char). A text shorter than one " +
            "n-gram is a single shingle",
        },
        numPerm: {
          type: "integer",
          minimum: 1,
          maximum: 1024,
          default: 128,
          description:
            "MinHash functions available to the banding (bands × rows of them are used). More catch more " +
            "pairs near the threshold, at proportional cost",
        },
        bands: {
          type: "integer",
          minimum: 1,
          description:
            "LSH bands (with rows). Default: the most rows per band with bands = ⌊numPerm / rows⌋ that " +
            "still make a pair at exactly the threshold a candidate with probability ≥ 0.97 (128 functions: " +
            "0.8 → 18 bands × 7 rows, 0.9 → 11 × 11, 0.7 → 25 × 5)",
        },
        rows: { type: "integer", minimum: 1, description: "MinHash values per LSH band (with bands)" },
        seed: { type: "integer", default: 1, description: "Seed of the MinHash functions" },
        action: {
          enum: ["filter", "annotate"],
          default: "filter",
          description:
            "filter: drop near-duplicates with their kept row's id in the reason; annotate: keep every row " +
            "and write the kept row's id (or null) to annotateColumn",
        },
        annotateColumn: {
          type: "string",
          minLength: 1,
          default: "duplicate_of",
          description: "Column written with action annotate: the kept row's id, or null for a kept row",
        },
      },
    },
    inputs: {
      text: { column: "text", description: "The text compared", schema: { type: "string" } },
    },
    outputs: {},
    // "Earlier" is input order: one row at a time (process is synchronous as well).
    concurrency: 1,
    // A row's fate depends on the rows before it: never replay it from a row cache.
    cacheRows: false,
    // "Earlier kept rows" are every shard's: filtering is decided at the merge, in source order.
    sharding: (p) =>
      p.action === "filter"
        ? "merge"
        : {
            refuse:
              "action annotate writes into each row the id of an earlier row, which may be in another shard; use action filter (decided when the shards are merged) or run without --shard",
          },
    columns: (p) =>
      p.action === "annotate"
        ? { writes: [{ column: p.annotateColumn, path: ["params", "annotateColumn"] }] }
        : {},
  };

  private shingler = new Shingler("word", DEFAULT_NGRAM.word);
  private hasher: MinHasher | undefined;
  private index: NearDupIndex | undefined;
  /** Row id of each kept row, by index. */
  private keptIds: string[] = [];
  /** Rows in each kept row's cluster (itself included), by index. */
  private clusterSizes = new Uint32Array(1024);
  private rowsSeen = 0;

  override setup(ctx: OperatorContext<NearDedupParams>): void {
    const p = ctx.params;
    const banding = resolveBanding(p);
    this.shingler = new Shingler(p.shingle, p.ngram ?? DEFAULT_NGRAM[p.shingle]);
    this.hasher = new MinHasher(banding, p.seed);
    this.index = new NearDupIndex(banding.bands);
    this.keptIds = [];
    this.clusterSizes = new Uint32Array(1024);
    this.rowsSeen = 0;
    ctx.logger.debug(
      `${ctx.stepId}: MinHash LSH with ${banding.bands} bands × ${banding.rows} rows, threshold ${p.threshold}`,
    );
  }

  override run(rows$: Observable<RowRecord>, ctx: OperatorContext<NearDedupParams>): Observable<RowRecord> {
    return super.run(rows$, ctx).pipe(tap({ complete: () => this.summarise(ctx) }));
  }

  process(_row: Row, ctx: RowContext<NearDedupParams>): ProcessResult {
    const { hasher, index } = this;
    if (!hasher || !index) throw new Error("quality/near-dedup: process() before setup()");
    const text = ctx.input("text");
    if (typeof text !== "string") {
      throw new RowError(
        "bad-input",
        `column "${ctx.inputs.text}" must hold a string, got ${describeValue(text)}`,
      );
    }
    this.rowsSeen++;
    const p = ctx.params;
    const shingles = this.shingler.shingles(text);
    if (shingles.length === 0) {
      ctx.count("no_words");
      return this.keep(p);
    }
    const keys = hasher.bandKeys(shingles);
    const match = index.findBest(shingles, keys, p.threshold);
    if (match === undefined) {
      const kept = index.add(shingles, keys);
      this.keptIds.push(ctx.rowId);
      this.clusterSizes = ensureLength(this.clusterSizes, kept + 1);
      this.clusterSizes[kept] = 1;
      return this.keep(p);
    }
    this.clusterSizes[match.index] = (this.clusterSizes[match.index] as number) + 1;
    ctx.count("near_duplicates");
    const keptId = this.keptIds[match.index] as string;
    if (p.action === "annotate") return { [p.annotateColumn]: keptId };
    return drop(`near-duplicate of row ${keptId}`);
  }

  private keep(p: NearDedupParams): ProcessResult {
    return p.action === "annotate" ? { [p.annotateColumn]: null } : undefined;
  }

  /** Cluster sizes and the dedup rate, once every row has been seen. */
  private summarise(ctx: OperatorContext<NearDedupParams>): void {
    const kept = this.index?.size ?? 0;
    let clusters = 0;
    let duplicates = 0;
    for (let i = 0; i < kept; i++) {
      const size = this.clusterSizes[i] as number;
      if (size < 2) continue;
      clusters++;
      duplicates += size - 1;
      ctx.observe("cluster_size", size);
    }
    ctx.count("clusters", clusters);
    if (this.rowsSeen > 0) ctx.observe("dedup_rate", duplicates / this.rowsSeen);
    ctx.logger.info(
      `${ctx.stepId}: ${duplicates} of ${this.rowsSeen} rows are near-duplicates ` +
        `(${((100 * duplicates) / Math.max(this.rowsSeen, 1)).toFixed(2)}%) in ${clusters} clusters; ` +
        `${this.index?.compared ?? 0} candidate pairs verified`,
    );
  }
}
