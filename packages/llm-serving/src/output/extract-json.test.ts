import { LLMError } from "@dataflow/core";
import { describe, expect, it } from "vitest";
import { extractJson, jsonCandidates } from "./extract-json.js";

describe("extractJson", () => {
  it("parses a whole-text JSON answer", () => {
    expect(extractJson(' \n{"name": "Ada", "age": 36}\n')).toEqual({
      value: { name: "Ada", age: 36 },
      source: "whole",
    });
    expect(extractJson("[1, 2]")).toEqual({ value: [1, 2], source: "whole" });
  });

  it("takes a ```json fenced block, preferring it over other fences", () => {
    const text = 'Here:\n```text\n{"wrong": true}\n```\nand\n```json\n{"right": true}\n```\nDone.';
    expect(extractJson(text)).toEqual({ value: { right: true }, source: "fence" });
  });

  it("takes any fence when there is no json one", () => {
    expect(extractJson('```\n{"a": 1}\n```')).toEqual({ value: { a: 1 }, source: "fence" });
  });

  it("scans chatty text with prose before and after", () => {
    const text = 'Sure! Here is the object you asked for: {"a": {"b": [1, 2, {"c": 3}]}} Let me know if…';
    expect(extractJson(text)).toEqual({ value: { a: { b: [1, 2, { c: 3 }] } }, source: "scan" });
  });

  it("ignores braces, brackets and escaped quotes inside strings", () => {
    const text = 'Result: {"code": "if (x) { return \\"}\\" }", "list": "[not, an, array"} end';
    expect(extractJson(text).value).toEqual({ code: 'if (x) { return "}" }', list: "[not, an, array" });
  });

  it("skips brace runs that are not JSON and keeps scanning", () => {
    const text = 'Use {placeholders} like {name}; the answer is {"ok": true}.';
    expect(extractJson(text)).toEqual({ value: { ok: true }, source: "scan" });
  });

  it("scans an unclosed fence, as a truncated reply leaves it", () => {
    expect(extractJson('```json\n{"a": 1}\n').value).toEqual({ a: 1 });
  });

  it("throws bad-output carrying the raw text when there is no JSON", () => {
    const text = "I cannot help with that.";
    const err = (() => {
      try {
        extractJson(text);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(LLMError);
    expect(err).toMatchObject({ kind: "bad-output", raw: text });
    expect((err as Error).message).toContain("no JSON found");
  });

  it("throws on invalid JSON (trailing comma, truncated object)", () => {
    expect(() => extractJson('{"a": 1,}')).toThrow(LLMError);
    // Not the nested {"b": 1}: a fragment of a truncated reply is not its answer.
    expect(() => extractJson('{"a": {"b": 1}, "c": [')).toThrow(/no JSON found/);
    expect(() => extractJson("   ")).toThrow(/empty/);
  });

  it("does not stall on pathological unclosed brackets", () => {
    expect(() => extractJson("[".repeat(50_000))).toThrow(LLMError);
  });
});

describe("jsonCandidates", () => {
  it("offers each top-level value in order, not values nested in one already offered", () => {
    const values = [...jsonCandidates('See [1] and then {"a": {"b": 2}} or {"c": 3}')].map((c) => c.value);
    expect(values).toEqual([[1], { a: { b: 2 } }, { c: 3 }]);
  });

  it("does not offer the same text twice", () => {
    const values = [...jsonCandidates('```json\n{"a": 1}\n```')];
    expect(values).toEqual([{ value: { a: 1 }, source: "fence" }]);
  });
});
