import { concatMap, from, type Observable, toArray } from "rxjs";
import type { OperatorContext } from "../contracts/operator.js";
import type { ProcessResult } from "../contracts/process-result.js";
import type { Row, RowRecord } from "../contracts/row.js";
import { type RowContext, RowOperator } from "./row-operator.js";

/**
 * Base for operators that need the whole upstream before they can emit
 * anything (an index, global statistics, a sample of fixed size). `prepare`
 * sees every row; then each row goes through `process`, exactly as in a row
 * operator (ordered, bounded, failures captured per row).
 */
export abstract class DatasetOperator<P = Record<string, unknown>> extends RowOperator<P> {
  abstract prepare(records: readonly RowRecord[], ctx: OperatorContext<P>): void | Promise<void>;

  override process(_row: Row, _ctx: RowContext<P>): ProcessResult | Promise<ProcessResult> {
    return undefined;
  }

  override run(rows$: Observable<RowRecord>, ctx: OperatorContext<P>): Observable<RowRecord> {
    return rows$.pipe(
      toArray(),
      concatMap((records) =>
        from(Promise.resolve(this.prepare(records, ctx))).pipe(
          concatMap(() => super.run(from(records), ctx)),
        ),
      ),
    );
  }
}
