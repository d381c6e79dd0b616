import { firstValueFrom, from, toArray } from "rxjs";
import { errorKind, errorMessage } from "../contracts/errors.js";
import type { LLMServingABC } from "../contracts/llm-serving.js";
import type { OperatorClass } from "../contracts/operator.js";
import type { RetrieverABC } from "../contracts/retriever.js";
import type { Row, RowRecord } from "../contracts/row.js";
import { createStepContext, validateParams } from "../contracts/step-context.js";

export interface OperatorRunResult {
  /** Output records in order. */
  records: RowRecord[];
  /** Output rows in order. */
  rows: Row[];
  filtered: { id: string; reason: string }[];
  rejected: { id: string; type: string; message: string; raw?: string }[];
  expanded: { id: string; count: number }[];
  counters: Record<string, number>;
  /** Every value passed to ctx.observe, by metric. */
  observed: Record<string, number[]>;
}

/**
 * Run one operator over rows, outside any pipeline: params are validated and
 * defaulted as the compiler would, ids are "1", "2", …. For operator authors' tests.
 */
export async function runOperator(
  cls: OperatorClass,
  input: readonly Row[] | readonly RowRecord[],
  options: {
    params?: Record<string, unknown>;
    inputs?: Record<string, string>;
    outputs?: Record<string, string>;
    serving?: LLMServingABC;
    retriever?: RetrieverABC;
    concurrency?: number;
    signal?: AbortSignal;
    /** The pipeline's source rows, for `ctx.readSource` (absent: the context has none, as outside a run). */
    source?: readonly RowRecord[];
  } = {},
): Promise<OperatorRunResult> {
  const { params, errors } = validateParams(cls.spec, options.params ?? {});
  if (errors.length) {
    throw new Error(
      `invalid params for ${cls.spec.name}: ${errors.map((e) => `${e.instancePath || "/"} ${e.message}`).join("; ")}`,
    );
  }
  const problems = cls.spec.checkParams?.(params as never) ?? [];
  if (problems.length) {
    throw new Error(
      `invalid params for ${cls.spec.name}: ${problems.map((p) => `/${p.path.join("/")} ${p.message}`).join("; ")}`,
    );
  }
  const result: OperatorRunResult = {
    records: [],
    rows: [],
    filtered: [],
    rejected: [],
    expanded: [],
    counters: {},
    observed: {},
  };
  const ctx = createStepContext({
    stepId: "test",
    spec: cls.spec,
    params,
    inputs: options.inputs,
    outputs: options.outputs,
    serving: options.serving,
    retriever: options.retriever,
    signal: options.signal,
    concurrency: options.concurrency,
    ...(options.source ? { readSource: () => readAll(options.source as readonly RowRecord[]) } : {}),
    report: {
      filtered: (r, reason) => result.filtered.push({ id: r.id, reason }),
      rejected: (r, err) => {
        const raw = (err as { raw?: unknown }).raw;
        result.rejected.push({
          id: r.id,
          type: errorKind(err),
          message: errorMessage(err),
          ...(typeof raw === "string" ? { raw } : {}),
        });
      },
      expanded: (r, count) => result.expanded.push({ id: r.id, count }),
      replayed() {},
      hold() {},
      release() {},
    },
    count: (metric, by) => {
      result.counters[metric] = (result.counters[metric] ?? 0) + (by ?? 1);
    },
    observe: (metric, value) => {
      result.observed[metric] ??= [];
      result.observed[metric].push(value);
    },
  });
  const records: RowRecord[] = input.map((item, i) =>
    isRecord(item) ? item : { id: String(i + 1), row: item as Row },
  );
  const op = new cls();
  result.records = await firstValueFrom(op.run(from(records), ctx).pipe(toArray()));
  result.rows = result.records.map((r) => r.row);
  return result;
}

function isRecord(item: Row | RowRecord): item is RowRecord {
  return (
    typeof item.id === "string" &&
    typeof item.row === "object" &&
    item.row !== null &&
    Object.keys(item).length === 2
  );
}

async function* readAll(records: readonly RowRecord[]): AsyncGenerator<RowRecord> {
  yield* records;
}
