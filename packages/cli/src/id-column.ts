import { readFileSync } from "node:fs";
import type { Diagnostic, PipelinePlan, SourceLocation } from "@dataflow/core";
import { type FileSourceOptions, sampleFileColumns } from "@dataflow/storage";
import { LineCounter, parseDocument } from "yaml";
import { displayPath } from "./format-summary.js";

/**
 * The columns of a source's first rows, read without its id column: with the id column, rows that
 * lack it are bad items and the compiler would see no columns at all ("(none)"), hiding the real
 * cause, which {@link checkIdColumn} then reports.
 */
export function sampleColumnsWithoutIds(source: FileSourceOptions): Promise<string[]> {
  const { idColumn: _ignored, ...rest } = source;
  return sampleFileColumns(rest);
}

/** An error when `source.idColumn` names a column the source's sampled rows do not have. */
export function checkIdColumn(plan: PipelinePlan, inputFlag: boolean): Diagnostic | undefined {
  const { idColumn, columns, path } = plan.source;
  if (idColumn === undefined || columns.length === 0 || columns.includes(idColumn)) return undefined;
  const file = displayPath(path);
  return {
    severity: "error",
    message: `source.idColumn is "${idColumn}", but the rows of ${file} have no "${idColumn}" field (they have: ${columns.join(", ")})`,
    location: locateIdColumn(plan.file),
    hint:
      `delete source.idColumn from ${displayPath(plan.file)} to number rows by line/record (stable ids), ` +
      `or name one of the fields above${inputFlag ? ", or pass an --input whose rows have it" : ""}`,
  };
}

/** Where `source.idColumn` sits in the pipeline file (the file alone when it cannot be found). */
function locateIdColumn(file: string): SourceLocation {
  const shown = displayPath(file);
  try {
    const lines = new LineCounter();
    const doc = parseDocument(readFileSync(file, "utf8"), { lineCounter: lines });
    const node = doc.getIn(["source", "idColumn"], true) as { range?: [number, number, number] } | undefined;
    if (!node?.range) return { file: shown };
    const { line, col } = lines.linePos(node.range[0]);
    return { file: shown, line, column: col };
  } catch {
    return { file: shown };
  }
}
