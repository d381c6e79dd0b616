import type { JSONSchema } from "../contracts/json-schema.js";
import type { ColumnRef } from "../contracts/operator.js";
import type { Row } from "../contracts/row.js";
import { jsonEqual } from "../util/canonical-json.js";

/** Ops that compare the column with `value`. */
export const VALUE_OPS = ["eq", "ne", "gt", "gte", "lt", "lte", "in", "nin", "contains", "matches"] as const;
/** Ops about the column alone; they take no `value`. */
export const PRESENCE_OPS = ["exists", "missing", "empty", "not-empty"] as const;

export type ValueOp = (typeof VALUE_OPS)[number];
export type PresenceOp = (typeof PRESENCE_OPS)[number];

export type Condition =
  | { column: string; op: ValueOp; value: unknown }
  | { column: string; op: PresenceOp }
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition };

const CONDITION_DOC =
  "A condition on a row: {column, op, value?}, or {all: [...]}, {any: [...]}, {not: {...}}.";

/**
 * `$defs` for a condition; a schema that uses them must put them at its root
 * (or under an `$id`) and point at `#/$defs/condition`.
 */
export const conditionDefs: Record<string, JSONSchema> = {
  // if/else on the combinator key rather than oneOf, so a mistake gets one precise error, not one per branch.
  condition: {
    description: CONDITION_DOC,
    type: "object",
    if: { required: ["all"] },
    // biome-ignore lint/suspicious/noThenProperty: JSON Schema keyword
    then: { $ref: "#/$defs/all" },
    else: {
      if: { required: ["any"] },
      // biome-ignore lint/suspicious/noThenProperty: JSON Schema keyword
      then: { $ref: "#/$defs/any" },
      else: {
        if: { required: ["not"] },
        // biome-ignore lint/suspicious/noThenProperty: JSON Schema keyword
        then: { $ref: "#/$defs/not" },
        else: { $ref: "#/$defs/comparison" },
      },
    },
  },
  comparison: {
    type: "object",
    description: "Test one column.",
    properties: {
      column: { type: "string", minLength: 1, description: "Column to test." },
      op: {
        enum: [...VALUE_OPS, ...PRESENCE_OPS],
        description:
          'eq/ne: deep equality (no coercion, 1 is not "1"); gt/gte/lt/lte: both numbers or both strings, ' +
          "else false; in/nin: the value is (not) one of `value` (an array); contains: substring of a string " +
          "or element of an array; matches: JavaScript RegExp source, tested on strings only; " +
          'exists/missing: present and not null / absent or null; empty/not-empty: absent, null, "", [] or {}.',
      },
      value: { description: "Operand for the op; not allowed for exists, missing, empty, not-empty." },
    },
    required: ["column", "op"],
    additionalProperties: false,
    allOf: [
      {
        if: { properties: { op: { enum: [...PRESENCE_OPS] } }, required: ["op"] },
        // biome-ignore lint/suspicious/noThenProperty: JSON Schema keyword
        then: { not: { required: ["value"] } },
        else: { required: ["value"] },
      },
      {
        if: { properties: { op: { enum: ["in", "nin"] } }, required: ["op"] },
        // biome-ignore lint/suspicious/noThenProperty: JSON Schema keyword
        then: { properties: { value: { type: "array" } } },
      },
      {
        if: { properties: { op: { enum: ["gt", "gte", "lt", "lte"] } }, required: ["op"] },
        // biome-ignore lint/suspicious/noThenProperty: JSON Schema keyword
        then: { properties: { value: { type: ["number", "string"] } } },
      },
      {
        if: { properties: { op: { const: "matches" } }, required: ["op"] },
        // biome-ignore lint/suspicious/noThenProperty: JSON Schema keyword
        then: { properties: { value: { type: "string" } } },
      },
    ],
  },
  all: {
    type: "object",
    properties: {
      all: {
        type: "array",
        items: { $ref: "#/$defs/condition" },
        minItems: 1,
        description: "True when every condition is true.",
      },
    },
    required: ["all"],
    additionalProperties: false,
  },
  any: {
    type: "object",
    properties: {
      any: {
        type: "array",
        items: { $ref: "#/$defs/condition" },
        minItems: 1,
        description: "True when at least one condition is true.",
      },
    },
    required: ["any"],
    additionalProperties: false,
  },
  not: {
    type: "object",
    properties: { not: { $ref: "#/$defs/condition", description: "True when this condition is false." } },
    required: ["not"],
    additionalProperties: false,
  },
};

export interface CompiledCondition {
  test(row: Row): boolean;
  /** Short text of the condition, e.g. `all(lang eq "en", score gte 0.5)`. */
  readonly description: string;
}

/** Columns a condition reads, with the path of the param that named each. */
export function conditionColumns(cond: Condition, path: (string | number)[]): ColumnRef[] {
  if ("all" in cond) return cond.all.flatMap((c, i) => conditionColumns(c, [...path, "all", i]));
  if ("any" in cond) return cond.any.flatMap((c, i) => conditionColumns(c, [...path, "any", i]));
  if ("not" in cond) return conditionColumns(cond.not, [...path, "not"]);
  return [{ column: cond.column, path: [...path, "column"] }];
}

/**
 * Turn a (schema-valid) condition into a predicate. Throws on an invalid
 * regular expression, naming where it is (`path` is the condition's place in the step).
 */
export function compileCondition(cond: Condition, path: (string | number)[] = []): CompiledCondition {
  if ("all" in cond) {
    const parts = cond.all.map((c, i) => compileCondition(c, [...path, "all", i]));
    return {
      test: (row) => parts.every((p) => p.test(row)),
      description: `all(${parts.map((p) => p.description).join(", ")})`,
    };
  }
  if ("any" in cond) {
    const parts = cond.any.map((c, i) => compileCondition(c, [...path, "any", i]));
    return {
      test: (row) => parts.some((p) => p.test(row)),
      description: `any(${parts.map((p) => p.description).join(", ")})`,
    };
  }
  if ("not" in cond) {
    const inner = compileCondition(cond.not, [...path, "not"]);
    return { test: (row) => !inner.test(row), description: `not(${inner.description})` };
  }
  const { column } = cond;
  const get = (row: Row): unknown => (Object.hasOwn(row, column) ? row[column] : undefined);
  if (!("value" in cond)) {
    const check = presenceCheck(cond.op);
    return { test: (row) => check(get(row)), description: `${column} ${cond.op}` };
  }
  const check = valueCheck(cond.op, cond.value, [...path, "value"]);
  return { test: (row) => check(get(row)), description: `${column} ${cond.op} ${shortJson(cond.value)}` };
}

function presenceCheck(op: PresenceOp): (v: unknown) => boolean {
  switch (op) {
    case "exists":
      return (v) => v !== undefined && v !== null;
    case "missing":
      return (v) => v === undefined || v === null;
    case "empty":
      return isEmpty;
    case "not-empty":
      return (v) => !isEmpty(v);
  }
}

function valueCheck(op: ValueOp, value: unknown, path: (string | number)[]): (v: unknown) => boolean {
  switch (op) {
    case "eq":
      return (v) => v !== undefined && jsonEqual(v, value);
    case "ne":
      return (v) => v === undefined || !jsonEqual(v, value);
    case "gt":
      return (v) => comparable(v, value) && (v as number) > (value as number);
    case "gte":
      return (v) => comparable(v, value) && (v as number) >= (value as number);
    case "lt":
      return (v) => comparable(v, value) && (v as number) < (value as number);
    case "lte":
      return (v) => comparable(v, value) && (v as number) <= (value as number);
    case "in":
    case "nin": {
      const list = Array.isArray(value) ? value : [];
      const isIn = (v: unknown): boolean => v !== undefined && list.some((item) => jsonEqual(v, item));
      return op === "in" ? isIn : (v) => !isIn(v);
    }
    case "contains":
      return (v) => {
        if (typeof v === "string") return typeof value === "string" && v.includes(value);
        if (Array.isArray(v)) return v.some((item) => jsonEqual(item, value));
        return false;
      };
    case "matches": {
      const re = compileRegex(value, path);
      return (v) => typeof v === "string" && re.test(v);
    }
  }
}

function compileRegex(source: unknown, path: (string | number)[]): RegExp {
  const where = path.length ? ` at /${path.join("/")}` : "";
  if (typeof source !== "string") throw new Error(`"matches" needs a string regular expression${where}`);
  try {
    // No "g" or "y" flag: test() must not carry lastIndex from one row to the next.
    return new RegExp(source);
  } catch (err) {
    throw new Error(
      `invalid regular expression ${JSON.stringify(source)}${where}: ${(err as Error).message}`,
    );
  }
}

/** Ordering only within one type: two numbers or two strings. */
function comparable(a: unknown, b: unknown): boolean {
  return (typeof a === "number" && typeof b === "number") || (typeof a === "string" && typeof b === "string");
}

function isEmpty(v: unknown): boolean {
  if (v === undefined || v === null || v === "") return true;
  if (Array.isArray(v)) return v.length === 0;
  return typeof v === "object" && Object.keys(v).length === 0;
}

function shortJson(value: unknown, max = 40): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
