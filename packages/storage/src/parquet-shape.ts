import type { SchemaElement } from "hyparquet";
import { inferColumnType, type ParquetColumnType } from "./parquet-columns.js";

/**
 * A column's shape: a scalar type (or `json`, JSON text), a LIST of one shape, or a STRUCT of
 * named fields. Arrays and objects are written as native Parquet LIST and STRUCT columns, so
 * DuckDB, pandas and Hugging Face `datasets` see `messages[2].role` as a string, not JSON text.
 */
export type ColumnShape =
  | { readonly kind: ParquetColumnType }
  | { readonly kind: "list"; readonly item: ColumnShape }
  | { readonly kind: "struct"; readonly fields: readonly { name: string; shape: ColumnShape }[] };

const JSON_SHAPE: ColumnShape = { kind: "json" };
const MIXED = Symbol("mixed");

/**
 * The shape of a column from a sample of its values. Arrays whose items share a shape become a
 * LIST of it; objects become a STRUCT with every key seen (a key missing from one object is null
 * there). When values disagree at any depth (a string here, an object there; an object with a key
 * whose values differ in kind), the whole column falls back to `json`, which keeps every value as
 * it was. No non-null value, an empty object, or only empty arrays' items: `json`.
 */
export function inferColumnShape(values: Iterable<unknown>): ColumnShape {
  const shape = infer(values);
  return shape === MIXED ? JSON_SHAPE : shape;
}

function infer(values: Iterable<unknown>): ColumnShape | typeof MIXED {
  const present: unknown[] = [];
  for (const v of values) if (v !== null && v !== undefined) present.push(v);
  if (present.length === 0) return JSON_SHAPE;
  const arrays = present.filter(Array.isArray).length;
  const objects = present.filter(isPlainObject).length;
  if (arrays === present.length) {
    const item = infer(present.flatMap((a) => a as unknown[]));
    return item === MIXED ? MIXED : { kind: "list", item };
  }
  if (objects === present.length) return inferStruct(present as Record<string, unknown>[]);
  if (arrays > 0 || objects > 0) return MIXED;
  const type = inferColumnType(present);
  // inferColumnType calls a mix of scalar kinds json: that is a disagreement too.
  return type === "json" ? MIXED : { kind: type };
}

function inferStruct(objects: readonly Record<string, unknown>[]): ColumnShape | typeof MIXED {
  const names: string[] = [];
  const seen = new Set<string>();
  for (const o of objects)
    for (const k of Object.keys(o))
      if (!seen.has(k)) {
        seen.add(k);
        names.push(k);
      }
  if (names.length === 0) return MIXED;
  const fields: { name: string; shape: ColumnShape }[] = [];
  for (const name of names) {
    const shape = infer(objects.map((o) => o[name]));
    if (shape === MIXED) return MIXED;
    fields.push({ name, shape });
  }
  return { kind: "struct", fields };
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Whether `value` can be written to a column of `shape` (null always can, at any depth). */
export function fitsShape(shape: ColumnShape, value: unknown): boolean {
  if (value === null || value === undefined) return true;
  switch (shape.kind) {
    case "json":
      return true;
    case "string":
      return typeof value === "string";
    case "boolean":
      return typeof value === "boolean";
    case "double":
      return typeof value === "number";
    case "int64":
      return Number.isSafeInteger(value);
    case "list":
      return Array.isArray(value) && value.every((v) => fitsShape(shape.item, v));
    case "struct": {
      if (!isPlainObject(value)) return false;
      const fields = new Map(shape.fields.map((f) => [f.name, f.shape]));
      return Object.entries(value).every(([k, v]) => {
        const field = fields.get(k);
        return field !== undefined && fitsShape(field, v);
      });
    }
  }
}

/** "list<struct<role: string, content: string>>", for messages and the dataset card. */
export function describeShape(shape: ColumnShape): string {
  if (shape.kind === "list") return `list<${describeShape(shape.item)}>`;
  if (shape.kind === "struct")
    return `struct<${shape.fields.map((f) => `${f.name}: ${describeShape(f.shape)}`).join(", ")}>`;
  return shape.kind;
}

/** A value as the writer takes it: int64 leaves as bigint, struct fields in schema order. */
export function writerValue(shape: ColumnShape, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (shape.kind) {
    case "int64":
      return BigInt(value as number);
    case "list":
      return (value as unknown[]).map((v) => writerValue(shape.item, v));
    case "struct": {
      const o = value as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const f of shape.fields) out[f.name] = writerValue(f.shape, o[f.name]);
      return out;
    }
    default:
      return value;
  }
}

/** The schema elements of one column (itself first, then its children, depth first). */
export function shapeSchema(name: string, shape: ColumnShape): SchemaElement[] {
  const repetition_type = "OPTIONAL" as const;
  switch (shape.kind) {
    case "list":
      return [
        { name, repetition_type, converted_type: "LIST", num_children: 1 },
        { name: "list", repetition_type: "REPEATED", num_children: 1 },
        ...shapeSchema("element", shape.item),
      ];
    case "struct":
      return [
        { name, repetition_type, num_children: shape.fields.length },
        ...shape.fields.flatMap((f) => shapeSchema(f.name, f.shape)),
      ];
    case "string":
      return [{ name, type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type }];
    case "json":
      return [{ name, type: "BYTE_ARRAY", converted_type: "JSON", repetition_type }];
    case "int64":
      return [{ name, type: "INT64", repetition_type }];
    case "double":
      return [{ name, type: "DOUBLE", repetition_type }];
    case "boolean":
      return [{ name, type: "BOOLEAN", repetition_type }];
  }
}
