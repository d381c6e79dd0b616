import { type CommonExportOptions, checkExportOptions, type OptionRules } from "./export-options.js";
import { type Example, plainRowSource, readExample } from "./row-kinds.js";
import { assertValidExport, type ExportFormat } from "./validate.js";

/** A format as both its plain function and its operator use it. */
export interface ExportFormatDefinition<O extends CommonExportOptions, R extends object> {
  format: ExportFormat;
  rules: OptionRules;
  /** The record's top-level fields for these options: the columns the operator writes. */
  fields(options: O): string[];
  /** Build the record of an Example (not yet validated). */
  fromExample(example: Example, options: O): R;
}

/**
 * Export one row (default column names) in a format: check the options, read the row, build the
 * record and validate it against the format. Throws ExportError naming what is wrong.
 */
export function exportRow<O extends CommonExportOptions, R extends object>(
  definition: ExportFormatDefinition<O, R>,
  row: Record<string, unknown>,
  options: O,
): R {
  checkExportOptions(definition.format, options, definition.rules);
  const record = definition.fromExample(readExample(plainRowSource(row), options), options);
  assertValidExport(definition.format, record);
  return record;
}
