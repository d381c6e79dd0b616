import type { JSONSchema } from "@dataflow/core";

/** A schema in the subset of JSON Schema that node-llama-cpp turns into a GBNF grammar. */
export type GrammarSchema = Record<string, unknown>;

const BASIC_TYPES = new Set(["string", "number", "integer", "boolean", "null"]);
const FORMATS = new Set(["date-time", "time", "date"]);
/** Keywords the grammar cannot express and whose absence would let invalid structures through unseen. */
const UNSUPPORTED = [
  "allOf",
  "not",
  "if",
  "then",
  "else",
  "patternProperties",
  "dependentSchemas",
  "contains",
];

class Unsupported extends Error {}

/**
 * `schema` as a grammar schema, or undefined when it uses something the grammar cannot express
 * (the request then asks for JSON in the prompt instead). The grammar may be looser than the
 * schema (patterns, numeric bounds and optional properties are not enforced: every listed
 * property is generated), never structurally different; the serving validates the answer
 * against the real schema either way.
 */
export function toGrammarSchema(schema: JSONSchema): GrammarSchema | undefined {
  try {
    const defs = (schema.$defs ?? schema.definitions) as Record<string, JSONSchema> | undefined;
    const out = convert(schema);
    if (defs) {
      const converted: Record<string, GrammarSchema> = {};
      for (const [name, def] of Object.entries(defs)) converted[name] = convert(def);
      out.$defs = converted;
    }
    return out;
  } catch (err) {
    if (err instanceof Unsupported) return undefined;
    throw err;
  }
}

function convert(schema: unknown): GrammarSchema {
  if (typeof schema !== "object" || schema === null || Array.isArray(schema)) throw new Unsupported();
  const s = schema as JSONSchema;
  if (UNSUPPORTED.some((k) => k in s)) throw new Unsupported();
  if (typeof s.$ref === "string") {
    const name = /^#\/(?:\$defs|definitions)\/([^/]+)$/.exec(s.$ref)?.[1];
    if (name === undefined) throw new Unsupported();
    return { $ref: `#/$defs/${name}` };
  }
  if ("const" in s) return { const: primitive(s.const) };
  if (Array.isArray(s.enum)) return { enum: s.enum.map(primitive) };
  const choices = (s.oneOf ?? s.anyOf) as unknown[] | undefined;
  if (Array.isArray(choices)) return { oneOf: choices.map(convert) };

  const types = Array.isArray(s.type) ? s.type : s.type !== undefined ? [s.type] : implicitType(s);
  if (types.length === 0) throw new Unsupported();
  if (types.length > 1) {
    if (types.every((t) => BASIC_TYPES.has(t)) && !types.includes("string")) return { type: types };
    return { oneOf: types.map((t) => convert({ ...s, type: t })) };
  }
  const type = types[0] as string;
  if (type === "object") return objectSchema(s);
  if (type === "array") return arraySchema(s);
  if (type === "string") return stringSchema(s);
  if (BASIC_TYPES.has(type)) return { type };
  throw new Unsupported();
}

function implicitType(s: JSONSchema): string[] {
  if (s.properties !== undefined || s.additionalProperties !== undefined) return ["object"];
  if (s.items !== undefined || s.prefixItems !== undefined) return ["array"];
  return [];
}

function objectSchema(s: JSONSchema): GrammarSchema {
  const out: GrammarSchema = { type: "object" };
  if (s.properties) {
    const properties: Record<string, GrammarSchema> = {};
    for (const [key, value] of Object.entries(s.properties)) properties[key] = convert(value);
    out.properties = properties;
    // Extra keys are allowed by the schema but never needed: generate only the listed ones.
    out.additionalProperties =
      typeof s.additionalProperties === "object" ? convert(s.additionalProperties) : false;
  } else {
    out.additionalProperties =
      typeof s.additionalProperties === "object"
        ? convert(s.additionalProperties)
        : s.additionalProperties !== false;
  }
  for (const k of ["minProperties", "maxProperties"]) if (typeof s[k] === "number") out[k] = s[k];
  return out;
}

function arraySchema(s: JSONSchema): GrammarSchema {
  const out: GrammarSchema = { type: "array" };
  if (s.items !== undefined) {
    // Draft-07 tuple form: items as a list.
    if (Array.isArray(s.items)) out.prefixItems = (s.items as unknown[]).map(convert);
    else if (typeof s.items === "object") out.items = convert(s.items);
    else if (s.items === false) out.maxItems = 0;
  }
  if (Array.isArray(s.prefixItems)) out.prefixItems = s.prefixItems.map(convert);
  for (const k of ["minItems", "maxItems"]) if (typeof s[k] === "number") out[k] = s[k];
  return out;
}

function stringSchema(s: JSONSchema): GrammarSchema {
  if (typeof s.format === "string" && FORMATS.has(s.format)) return { type: "string", format: s.format };
  const out: GrammarSchema = { type: "string" };
  for (const k of ["minLength", "maxLength"]) if (typeof s[k] === "number") out[k] = s[k];
  return out;
}

function primitive(value: unknown): string | number | boolean | null {
  if (value === null || ["string", "number", "boolean"].includes(typeof value))
    return value as string | number | boolean | null;
  throw new Unsupported();
}
