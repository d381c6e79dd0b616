import { describe, expect, it } from "vitest";
import type { Row } from "../contracts/row.js";
import { type Condition, compileCondition, conditionColumns } from "./condition.js";

const test = (cond: Condition, row: Row): boolean => compileCondition(cond).test(row);

describe("compileCondition", () => {
  it("eq / ne compare deeply without coercion", () => {
    expect(test({ column: "a", op: "eq", value: 1 }, { a: 1 })).toBe(true);
    expect(test({ column: "a", op: "eq", value: 1 }, { a: "1" })).toBe(false);
    expect(
      test({ column: "a", op: "eq", value: { x: [1, 2], y: null } }, { a: { y: null, x: [1, 2] } }),
    ).toBe(true);
    expect(test({ column: "a", op: "eq", value: null }, { a: null })).toBe(true);
    expect(test({ column: "a", op: "eq", value: null }, {})).toBe(false);
    expect(test({ column: "a", op: "ne", value: 1 }, { a: "1" })).toBe(true);
    expect(test({ column: "a", op: "ne", value: 1 }, { a: 1 })).toBe(false);
    expect(test({ column: "a", op: "ne", value: 1 }, {})).toBe(true);
  });

  it("gt / gte / lt / lte order numbers and strings, and are false across types", () => {
    expect(test({ column: "a", op: "gt", value: 1 }, { a: 2 })).toBe(true);
    expect(test({ column: "a", op: "gt", value: 2 }, { a: 2 })).toBe(false);
    expect(test({ column: "a", op: "gte", value: 2 }, { a: 2 })).toBe(true);
    expect(test({ column: "a", op: "lt", value: 2 }, { a: 1.5 })).toBe(true);
    expect(test({ column: "a", op: "lte", value: 2 }, { a: 3 })).toBe(false);
    expect(test({ column: "a", op: "lt", value: "b" }, { a: "a" })).toBe(true);
    expect(test({ column: "a", op: "gt", value: 1 }, { a: "2" })).toBe(false);
    expect(test({ column: "a", op: "lt", value: 1 }, { a: "0" })).toBe(false);
    expect(test({ column: "a", op: "gte", value: 0 }, { a: null })).toBe(false);
    expect(test({ column: "a", op: "gte", value: 0 }, { a: true })).toBe(false);
    expect(test({ column: "a", op: "lte", value: 0 }, {})).toBe(false);
  });

  it("in / nin test membership", () => {
    expect(test({ column: "a", op: "in", value: ["en", "fr"] }, { a: "fr" })).toBe(true);
    expect(test({ column: "a", op: "in", value: ["en", "fr"] }, { a: "de" })).toBe(false);
    expect(test({ column: "a", op: "in", value: [1, [2]] }, { a: [2] })).toBe(true);
    expect(test({ column: "a", op: "in", value: [1] }, { a: "1" })).toBe(false);
    expect(test({ column: "a", op: "in", value: [null] }, {})).toBe(false);
    expect(test({ column: "a", op: "nin", value: ["en"] }, { a: "fr" })).toBe(true);
    expect(test({ column: "a", op: "nin", value: ["en"] }, { a: "en" })).toBe(false);
    expect(test({ column: "a", op: "nin", value: ["en"] }, {})).toBe(true);
  });

  it("contains tests substrings of strings and elements of arrays", () => {
    expect(test({ column: "a", op: "contains", value: "ell" }, { a: "hello" })).toBe(true);
    expect(test({ column: "a", op: "contains", value: "xyz" }, { a: "hello" })).toBe(false);
    expect(test({ column: "a", op: "contains", value: 1 }, { a: "1" })).toBe(false);
    expect(test({ column: "a", op: "contains", value: "x" }, { a: ["x", "y"] })).toBe(true);
    expect(test({ column: "a", op: "contains", value: { k: 1 } }, { a: [{ k: 1 }] })).toBe(true);
    expect(test({ column: "a", op: "contains", value: "x" }, { a: ["xy"] })).toBe(false);
    expect(test({ column: "a", op: "contains", value: "x" }, { a: { x: 1 } })).toBe(false);
    expect(test({ column: "a", op: "contains", value: "x" }, {})).toBe(false);
  });

  it("matches tests strings against a regular expression", () => {
    const cond: Condition = { column: "a", op: "matches", value: "^\\d+$" };
    const c = compileCondition(cond);
    expect(c.test({ a: "123" })).toBe(true);
    expect(c.test({ a: "123" })).toBe(true);
    expect(c.test({ a: "12a" })).toBe(false);
    expect(c.test({ a: 123 })).toBe(false);
    expect(c.test({})).toBe(false);
  });

  it("throws on an invalid regular expression, naming where it is", () => {
    expect(() =>
      compileCondition(
        {
          all: [
            { column: "a", op: "exists" },
            { column: "a", op: "matches", value: "(" },
          ],
        },
        ["params", "where"],
      ),
    ).toThrow(/invalid regular expression "\(" at \/params\/where\/all\/1\/value/);
  });

  it("exists / missing treat null as missing", () => {
    expect(test({ column: "a", op: "exists" }, { a: 0 })).toBe(true);
    expect(test({ column: "a", op: "exists" }, { a: "" })).toBe(true);
    expect(test({ column: "a", op: "exists" }, { a: null })).toBe(false);
    expect(test({ column: "a", op: "exists" }, {})).toBe(false);
    expect(test({ column: "a", op: "missing" }, {})).toBe(true);
    expect(test({ column: "a", op: "missing" }, { a: null })).toBe(true);
    expect(test({ column: "a", op: "missing" }, { a: false })).toBe(false);
  });

  it("empty / not-empty", () => {
    for (const a of [undefined, null, "", [], {}]) {
      const row = a === undefined ? {} : { a };
      expect(test({ column: "a", op: "empty" }, row)).toBe(true);
      expect(test({ column: "a", op: "not-empty" }, row)).toBe(false);
    }
    for (const a of [0, false, " ", [null], { k: 1 }]) {
      expect(test({ column: "a", op: "empty" }, { a })).toBe(false);
      expect(test({ column: "a", op: "not-empty" }, { a })).toBe(true);
    }
  });

  it("reads own columns only", () => {
    expect(test({ column: "toString", op: "exists" }, {})).toBe(false);
  });

  it("combines with all / any / not", () => {
    const cond: Condition = {
      all: [
        { column: "lang", op: "eq", value: "en" },
        {
          any: [
            { column: "score", op: "gte", value: 0.5 },
            { column: "gold", op: "eq", value: true },
          ],
        },
        { not: { column: "text", op: "empty" } },
      ],
    };
    const c = compileCondition(cond);
    expect(c.test({ lang: "en", score: 0.7, text: "x" })).toBe(true);
    expect(c.test({ lang: "en", score: 0.1, gold: true, text: "x" })).toBe(true);
    expect(c.test({ lang: "en", score: 0.1, text: "x" })).toBe(false);
    expect(c.test({ lang: "fr", score: 0.7, text: "x" })).toBe(false);
    expect(c.test({ lang: "en", score: 0.7, text: "" })).toBe(false);
    expect(c.description).toBe('all(lang eq "en", any(score gte 0.5, gold eq true), not(text empty))');
  });

  it("shortens long values in the description", () => {
    const c = compileCondition({ column: "a", op: "eq", value: "x".repeat(100) });
    expect(c.description.length).toBeLessThan(50);
    expect(c.description.endsWith("…")).toBe(true);
  });
});

describe("conditionColumns", () => {
  it("lists every column with the path that named it", () => {
    expect(
      conditionColumns(
        { any: [{ column: "a", op: "exists" }, { not: { all: [{ column: "b", op: "eq", value: 1 }] } }] },
        ["params", "where"],
      ),
    ).toEqual([
      { column: "a", path: ["params", "where", "any", 0, "column"] },
      { column: "b", path: ["params", "where", "any", 1, "not", "all", 0, "column"] },
    ]);
  });
});
