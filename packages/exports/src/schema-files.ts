import { EXPORT_FORMATS, EXPORT_SCHEMAS, type ExportFormat } from "./validate.js";

/** The committed file of a format's schema, relative to the package: `schemas/<format>.schema.json`. */
export function schemaFilePath(format: ExportFormat): string {
  return `schemas/${format}.schema.json`;
}

/** The text `pnpm --filter @dataflow/exports schemas` writes for a format. */
export function schemaFileText(format: ExportFormat): string {
  return `${JSON.stringify(EXPORT_SCHEMAS[format], null, 2)}\n`;
}

/** Every committed schema file and its text. */
export function schemaFiles(): { path: string; text: string }[] {
  return EXPORT_FORMATS.map((format) => ({ path: schemaFilePath(format), text: schemaFileText(format) }));
}
