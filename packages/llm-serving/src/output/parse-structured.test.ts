import type { JSONSchema } from "@dataflow/core";
import { LLMError } from "@dataflow/core";
import { describe, expect, it } from "vitest";
import { parseStructured } from "./parse-structured.js";

const person: JSONSchema = {
  type: "object",
  properties: {
    name: { type: "string" },
    age: { type: "integer", minimum: 0 },
    tags: { type: "array", items: { type: "string" }, default: [] },
  },
  required: ["name", "age"],
  additionalProperties: false,
};

function failure(fn: () => unknown): LLMError {
  try {
    fn();
  } catch (err) {
    if (err instanceof LLMError) return err;
    throw err;
  }
  throw new Error("expected an LLMError");
}

describe("parseStructured", () => {
  it("returns valid JSON, with schema defaults filled in", () => {
    expect(parseStructured('{"name": "Ada", "age": 36}', person)).toEqual({ name: "Ada", age: 36, tags: [] });
  });

  it("reads a fenced block", () => {
    expect(parseStructured('```json\n{"name": "Ada", "age": 36, "tags": ["x"]}\n```', person)).toEqual({
      name: "Ada",
      age: 36,
      tags: ["x"],
    });
  });

  it("skips a <think> block holding its own braces", () => {
    const text = '<think>Maybe {"name": 1}? No.</think>\n{"name": "Ada", "age": 36}';
    expect(parseStructured(text, person)).toMatchObject({ name: "Ada" });
  });

  it("skips reasoning before a stray </think>", () => {
    const text = 'The user wants {"name"…}. Fine.\n</think>\n\nHere you go: {"name": "Ada", "age": 36}';
    expect(parseStructured(text, person)).toMatchObject({ age: 36 });
  });

  it("reads JSON after chatty prose, with braces inside strings", () => {
    const text = 'Sure! {"name": "A {curly} \\"quoted\\" name]", "age": 1} Hope that helps.';
    expect(parseStructured(text, person)).toMatchObject({ name: 'A {curly} "quoted" name]' });
  });

  it("takes the first candidate that validates", () => {
    const text = 'As noted in [1], the record is {"name": "Ada", "age": 36}.';
    expect(parseStructured(text, person)).toMatchObject({ name: "Ada" });
  });

  it("fails on an unclosed <think> with no answer", () => {
    const err = failure(() => parseStructured('<think>{"name": "Ada", "age": 36}', person));
    expect(err.kind).toBe("bad-output");
    expect(err.message).toContain("no answer after its reasoning");
    expect(err.raw).toBe('<think>{"name": "Ada", "age": 36}');
  });

  it("fails on invalid JSON with the raw text", () => {
    const text = '{"name": "Ada", "age": 36,';
    const err = failure(() => parseStructured(text, person));
    expect(err).toMatchObject({ kind: "bad-output", raw: text });
    expect(err.message).toContain("no JSON found");
  });

  it("lists every schema error of JSON that does not match", () => {
    const text = '<think>hm</think>{"age": -1, "extra": true}';
    const err = failure(() => parseStructured(text, person));
    expect(err).toMatchObject({ kind: "bad-output", raw: text });
    expect(err.message).toContain("does not match the schema");
    expect(err.message).toContain("must have required property 'name'");
    expect(err.message).toContain("/age must be >= 0");
    expect(err.message).toContain('"extra"');
  });

  it("compiles two schema objects with the same $id", () => {
    const a: JSONSchema = { $id: "urn:test:thing", type: "object", required: ["a"] };
    const b: JSONSchema = { $id: "urn:test:thing", type: "object", required: ["b"] };
    expect(parseStructured('{"a": 1}', a)).toEqual({ a: 1 });
    expect(parseStructured('{"b": 1}', b)).toEqual({ b: 1 });
    expect(parseStructured('{"a": 2}', a)).toEqual({ a: 2 });
  });

  it("reports an invalid schema as a plain error, not bad output", () => {
    expect(() => parseStructured("{}", { type: "no-such-type" })).toThrow(/invalid JSON Schema/);
  });
});
