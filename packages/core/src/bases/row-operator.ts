import { concatMap, defer, Observable, tap } from "rxjs";
import { errorKind, RowError } from "../contracts/errors.js";
import { OperatorABC, type OperatorContext } from "../contracts/operator.js";
import { jsonDigest } from "../util/canonical-json.js";
import { isPromiseLike, orderedMergeMap } from "./ordered-merge-map.js";
import { applyPatch, isDrop, isRows, type ProcessResult } from "../contracts/process-result.js";
import { childRowId, type Row, type RowRecord } from "../contracts/row.js";
import type { CachedOutcome } from "../contracts/step-cache.js";

/** The context `process` gets: the step's context plus port helpers for this row. */
export interface RowContext<P> extends OperatorContext<P> {
  readonly rowId: string;
  /** The value of an input port in this row (via its bound column). */
  input(port: string): unknown;
  /** Map `{port: value}` to `{column: value}`, a patch ready to return. */
  output(values: Record<string, unknown>): Row;
}

interface RowState {
  row: Row;
  metrics: NonNullable<CachedOutcome["metrics"]> | undefined;
}

const ROW = Symbol("row");
const prototypes = new WeakMap<OperatorContext<unknown>, object>();

/** Per-step methods shared by every row's context, so a row costs one small object. */
function rowPrototype<P>(ctx: OperatorContext<P>): object {
  let proto = prototypes.get(ctx as OperatorContext<unknown>);
  if (proto) return proto;
  proto = Object.assign(Object.create(ctx) as object, {
    input(this: { [ROW]: RowState }, port: string): unknown {
      const column = ctx.inputs[port];
      if (column === undefined) throw new Error(`operator has no input port "${port}"`);
      return this[ROW].row[column];
    },
    output(values: Record<string, unknown>): Row {
      const patch: Row = {};
      for (const [port, value] of Object.entries(values)) {
        const column = ctx.outputs[port];
        if (column === undefined) throw new Error(`operator has no output port "${port}"`);
        patch[column] = value;
      }
      return patch;
    },
    // With a step cache, what a row records is kept with it and replayed on a cache hit.
    count(this: { [ROW]: RowState }, metric: string, by = 1): void {
      this[ROW].metrics?.push(["count", metric, by]);
      ctx.count(metric, by);
    },
    observe(this: { [ROW]: RowState }, metric: string, value: number): void {
      this[ROW].metrics?.push(["observe", metric, value]);
      ctx.observe(metric, value);
    },
  });
  prototypes.set(ctx as OperatorContext<unknown>, proto);
  return proto;
}

export function rowContext<P>(
  ctx: OperatorContext<P>,
  record: RowRecord,
  metrics?: NonNullable<CachedOutcome["metrics"]>,
): RowContext<P> {
  const rc = Object.create(rowPrototype(ctx)) as RowContext<P> & { [ROW]: RowState; rowId: string };
  rc.rowId = record.id;
  rc[ROW] = { row: record.row, metrics };
  return rc;
}

/** What one `process` result means for the row, in the form the step cache keeps. */
export function toOutcome(record: RowRecord, result: ProcessResult): CachedOutcome {
  if (result === undefined) return { kind: "rows", rows: [record.row] };
  if (isDrop(result)) return { kind: "filtered", reason: result.reason };
  if (isRows(result)) {
    if (!result.rows.length) return { kind: "filtered", reason: "no rows produced" };
    if (!result.idSuffixes) return { kind: "rows", rows: [...result.rows] };
    return {
      kind: "rows",
      rows: [...result.rows],
      idSuffixes: checkedSuffixes(result.idSuffixes, result.rows.length),
    };
  }
  if (typeof result !== "object" || result === null || Array.isArray(result)) {
    throw new RowError(
      "bad-output",
      `process() returned ${Array.isArray(result) ? "an array" : typeof result}; return a patch object, rows([...]), drop(reason) or undefined`,
    );
  }
  return { kind: "rows", rows: [applyPatch(record.row, result)] };
}

function checkedSuffixes(suffixes: readonly string[], count: number): string[] {
  const problem =
    suffixes.length !== count
      ? `${suffixes.length} id suffixes for ${count} rows`
      : suffixes.some((s) => typeof s !== "string" || s === "")
        ? "an empty id suffix"
        : new Set(suffixes).size !== count
          ? "duplicate id suffixes"
          : undefined;
  if (problem)
    throw new RowError("bad-output", `rows(): ${problem}; give each row one distinct, non-empty suffix`);
  return [...suffixes];
}

/** Report an outcome (filtered, expanded) and turn it into output records with stable ids. */
export function applyOutcome<P>(
  ctx: OperatorContext<P>,
  record: RowRecord,
  outcome: CachedOutcome,
): RowRecord[] {
  if (outcome.kind === "filtered") {
    ctx.report.filtered(record, outcome.reason);
    return [];
  }
  const list = outcome.rows;
  const suffixes = outcome.idSuffixes;
  if (list.length > 1) ctx.report.expanded(record, list.length);
  if (suffixes) return list.map((row, i) => ({ id: `${record.id}${suffixes[i]}`, row }));
  if (list.length === 1) return [{ id: record.id, row: list[0] as Row }];
  return list.map((row, i) => ({ id: childRowId(record.id, i), row }));
}

/** Record a computed row in the step cache (before it is emitted: a killed run never loses a row it reported done). */
function finishRow<P>(
  ctx: OperatorContext<P>,
  record: RowRecord,
  result: ProcessResult,
  input: string | undefined,
  metrics: NonNullable<CachedOutcome["metrics"]> | undefined,
): RowRecord[] {
  let outcome: CachedOutcome;
  try {
    outcome = toOutcome(record, result);
  } catch (err) {
    return failRow(ctx, record, err);
  }
  ctx.cache?.put(record.id, { ...outcome, input, ...(metrics?.length ? { metrics } : {}) });
  return applyOutcome(ctx, record, outcome);
}

function failRow<P>(ctx: OperatorContext<P>, record: RowRecord, err: unknown): RowRecord[] {
  // Work cut short by cancellation is unfinished, not failed: a resume redoes it.
  if (ctx.signal.aborted && errorKind(err) === "cancelled") return [];
  ctx.report.rejected(record, err);
  return [];
}

/** Emit each settled row's records, releasing its flow-control hold (cheaper than concatMap). */
function flattenReleasing<P>(
  results$: Observable<RowRecord[]>,
  ctx: OperatorContext<P>,
): Observable<RowRecord> {
  return new Observable<RowRecord>((subscriber) =>
    results$.subscribe({
      next: (records) => {
        ctx.report.release(1);
        for (const r of records) subscriber.next(r);
      },
      error: (err) => subscriber.error(err),
      complete: () => subscriber.complete(),
    }),
  );
}

/**
 * Base for operators that handle one row at a time. The base runs up to
 * `ctx.concurrency` rows at once, emits in input order, turns a thrown error
 * into a reject of that row, and stops starting work once the run is cancelled.
 */
export abstract class RowOperator<P = Record<string, unknown>> extends OperatorABC<P> {
  abstract process(row: Row, ctx: RowContext<P>): ProcessResult | Promise<ProcessResult>;

  /** Called once before the first row; a thrown error fails the step (not a row). */
  setup(_ctx: OperatorContext<P>): void | Promise<void> {}

  run(rows$: Observable<RowRecord>, ctx: OperatorContext<P>): Observable<RowRecord> {
    // defer: a throwing setup fails the stream (the step), not the caller.
    return defer(async () => this.setup(ctx)).pipe(
      concatMap(() =>
        rows$.pipe(
          tap(() => ctx.report.hold(1)),
          orderedMergeMap((record) => this.settle(record, ctx), ctx.concurrency),
          (results$) => flattenReleasing(results$, ctx),
        ),
      ),
    );
  }

  /** Synchronous when `process` is, so cheap operators pay no promise per row. */
  private settle(record: RowRecord, ctx: OperatorContext<P>): RowRecord[] | Promise<RowRecord[]> {
    // Rows not yet started when the run stops stay unfinished (a resume redoes them).
    if (ctx.stopping.aborted || ctx.signal.aborted) return [];
    const cache = ctx.cache;
    const input = cache ? jsonDigest(record.row) : undefined;
    const cached = cache?.get(record.id);
    if (cached && cached.input === input) {
      ctx.report.replayed(record);
      for (const [kind, metric, value] of cached.metrics ?? []) {
        if (kind === "count") ctx.count(metric, value);
        else ctx.observe(metric, value);
      }
      return applyOutcome(ctx, record, cached);
    }
    const metrics: NonNullable<CachedOutcome["metrics"]> | undefined = cache ? [] : undefined;
    let result: ProcessResult | Promise<ProcessResult>;
    try {
      result = this.process(record.row, rowContext(ctx, record, metrics));
    } catch (err) {
      return failRow(ctx, record, err);
    }
    if (isPromiseLike<ProcessResult>(result)) {
      return Promise.resolve(result).then(
        (r) => finishRow(ctx, record, r, input, metrics),
        (err) => failRow(ctx, record, err),
      );
    }
    return finishRow(ctx, record, result, input, metrics);
  }
}
