import type { SchemaElement } from "hyparquet";

/**
 * The column types ParquetSink writes, from a row's JSON values:
 *
 * | type      | values                      | Parquet                         |
 * | --------- | --------------------------- | ------------------------------- |
 * | `string`  | strings                     | BYTE_ARRAY, UTF8                |
 * | `int64`   | safe integers               | INT64                           |
 * | `double`  | any numbers                 | DOUBLE                          |
 * | `boolean` | booleans                    | BOOLEAN                         |
 * | `json`    | objects, arrays, mixed kinds | BYTE_ARRAY, JSON (JSON text)   |
 *
 * Every column is OPTIONAL: null (or a missing key) is a null.
 */
export type ParquetColumnType = "string" | "int64" | "double" | "boolean" | "json";

export const PARQUET_COLUMN_TYPES: readonly ParquetColumnType[] = [
  "string",
  "int64",
  "double",
  "boolean",
  "json",
];

/** The type a single non-null value asks for. */
function typeOf(value: unknown): ParquetColumnType {
  switch (typeof value) {
    case "string":
      return "string";
    case "boolean":
      return "boolean";
    case "number":
      return Number.isSafeInteger(value) ? "int64" : "double";
    default:
      return "json";
  }
}

/**
 * A column's type from a sample of its values (the first row group): the
 * one kind they share; integers with other numbers are `double`; a mix of
 * kinds (strings and numbers, say) is `json`, which keeps every value as it
 * was; no non-null value at all is `json` too, so whatever comes later fits.
 */
export function inferColumnType(values: Iterable<unknown>): ParquetColumnType {
  let type: ParquetColumnType | undefined;
  for (const value of values) {
    if (value === null || value === undefined) continue;
    const t = typeOf(value);
    if (type === undefined || type === t) type = t;
    else if ((type === "int64" && t === "double") || (type === "double" && t === "int64")) type = "double";
    else return "json";
  }
  return type ?? "json";
}

/** Whether `value` can be written to a column of `type` (null always can). */
export function fitsColumn(type: ParquetColumnType, value: unknown): boolean {
  if (value === null || value === undefined || type === "json") return true;
  switch (type) {
    case "string":
      return typeof value === "string";
    case "boolean":
      return typeof value === "boolean";
    case "double":
      return typeof value === "number";
    case "int64":
      return Number.isSafeInteger(value);
  }
}

/** "a string", "an integer", ... for messages about a value that does not fit. */
export function describeValue(value: unknown): string {
  if (Array.isArray(value)) return "an array";
  switch (typeof value) {
    case "number":
      return Number.isInteger(value) ? `the integer ${value}` : `the number ${value}`;
    case "string":
      return "a string";
    case "boolean":
      return "a boolean";
    default:
      return value === null ? "null" : "an object";
  }
}

/** The Parquet schema (root first) for named, typed columns. */
export function parquetSchema(
  columns: readonly { name: string; type: ParquetColumnType }[],
): SchemaElement[] {
  const schema: SchemaElement[] = [{ name: "root", num_children: columns.length }];
  for (const { name, type } of columns) {
    const repetition_type = "OPTIONAL" as const;
    switch (type) {
      case "string":
        schema.push({ name, type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type });
        break;
      case "json":
        schema.push({ name, type: "BYTE_ARRAY", converted_type: "JSON", repetition_type });
        break;
      case "int64":
        schema.push({ name, type: "INT64", repetition_type });
        break;
      case "double":
        schema.push({ name, type: "DOUBLE", repetition_type });
        break;
      case "boolean":
        schema.push({ name, type: "BOOLEAN", repetition_type });
        break;
    }
  }
  return schema;
}
