import { createHash } from "node:crypto";
import type { Observable } from "rxjs";
import { DatasetOperator } from "../bases/dataset-operator.js";
import type { OperatorContext, OperatorSpec } from "../contracts/operator.js";
import { drop, type ProcessResult } from "../contracts/process-result.js";
import type { Row, RowRecord } from "../contracts/row.js";
import { type RowContext, RowOperator } from "../bases/row-operator.js";

export type SampleParams = { seed: number } & (
  | { fraction: number; size?: undefined }
  | { size: number; fraction?: undefined }
);

/** A uniform number in [0, 1) fixed by (seed, row id): the same row gets the same draw on every run. */
export function sampleScore(seed: number, rowId: string): number {
  const digest = createHash("sha256").update(`${seed}\0${rowId}`).digest();
  return digest.readUIntBE(0, 6) / 2 ** 48;
}

const NOT_SAMPLED = "not sampled";

/**
 * Deterministic sampling by row id. With `fraction` it streams; with `size` it
 * needs every row id first, so it runs as a dataset operator.
 */
export class SampleOperator extends DatasetOperator<SampleParams> {
  static readonly spec: OperatorSpec<SampleParams> = {
    name: "core/sample",
    version: "1.0.0",
    description:
      "Deterministic sample, a function of (seed, row id) only, so reruns and resumes pick the same rows. " +
      "`fraction`: keep each row whose hash is below the fraction (streaming; about fraction × rows kept). " +
      "`size`: keep exactly `size` rows, those with the lowest hashes (reads all rows first; all kept when " +
      'fewer). Kept rows stay in input order; the others are dropped with reason "not sampled".',
    params: {
      type: "object",
      properties: {
        fraction: {
          type: "number",
          exclusiveMinimum: 0,
          maximum: 1,
          description: "Share of rows to keep, in (0, 1]. Give this or size.",
        },
        size: {
          type: "integer",
          minimum: 1,
          description: "Exact number of rows to keep. Give this or fraction.",
        },
        seed: { type: "integer", default: 0, description: "Change it to draw a different sample." },
      },
      oneOf: [{ required: ["fraction"] }, { required: ["size"] }],
      additionalProperties: false,
    },
    inputs: {},
    outputs: {},
    // A fraction is a function of the row id; a size ranks every shard's rows, so the merge decides.
    sharding: (p) => (p.size === undefined ? "row" : "merge"),
  };

  private chosen = new Set<string>();

  override run(rows$: Observable<RowRecord>, ctx: OperatorContext<SampleParams>): Observable<RowRecord> {
    // A fraction needs no other row: stream as a row operator instead of gathering everything.
    if (ctx.params.size === undefined) return RowOperator.prototype.run.call(this, rows$, ctx);
    return super.run(rows$, ctx);
  }

  prepare(records: readonly RowRecord[], ctx: OperatorContext<SampleParams>): void {
    const { size, seed } = ctx.params;
    const scored = records.map((r) => ({ id: r.id, score: sampleScore(seed, r.id) }));
    scored.sort((a, b) => a.score - b.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    this.chosen = new Set(scored.slice(0, size).map((s) => s.id));
  }

  override process(_row: Row, ctx: RowContext<SampleParams>): ProcessResult {
    const { fraction, seed } = ctx.params;
    const kept =
      fraction === undefined ? this.chosen.has(ctx.rowId) : sampleScore(seed, ctx.rowId) < fraction;
    return kept ? undefined : drop(NOT_SAMPLED);
  }
}
