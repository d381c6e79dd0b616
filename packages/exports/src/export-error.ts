import { RowError } from "@dataflow/core";

/** Why a row cannot be exported: `bad-input` (the row's columns) or `invalid-record` (the record broke its format's schema). */
export type ExportErrorKind = "bad-input" | "invalid-record";

/** A row that cannot be exported; `problems` lists every reason found, the message joins them. */
export class ExportError extends RowError {
  readonly problems: readonly string[];

  constructor(
    kind: ExportErrorKind,
    problems: readonly string[],
    options?: { prefix?: string; raw?: string },
  ) {
    super(
      kind,
      `${options?.prefix ?? ""}${problems.join("; ")}`,
      options?.raw === undefined ? undefined : { raw: options.raw },
    );
    this.problems = problems;
  }
}
