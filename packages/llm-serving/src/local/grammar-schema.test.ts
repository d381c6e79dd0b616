import { describe, expect, it } from "vitest";
import { toGrammarSchema } from "./grammar-schema.js";

describe("toGrammarSchema", () => {
  it("keeps what the grammar enforces and only the listed properties", () => {
    expect(
      toGrammarSchema({
        type: "object",
        description: "a problem",
        properties: {
          scenario: { type: "string", minLength: 1 },
          question: { type: "string", pattern: "\\?$" },
          tags: { type: "array", items: { enum: ["a", "b"] }, minItems: 1 },
          when: { type: "string", format: "date" },
          score: { type: ["integer", "null"], minimum: 0 },
        },
        required: ["scenario", "question"],
      }),
    ).toEqual({
      type: "object",
      properties: {
        scenario: { type: "string", minLength: 1 },
        question: { type: "string" },
        tags: { type: "array", items: { enum: ["a", "b"] }, minItems: 1 },
        when: { type: "string", format: "date" },
        score: { type: ["integer", "null"] },
      },
      additionalProperties: false,
    });
  });

  it("maps anyOf to oneOf, type lists with a structure to oneOf, and $defs references", () => {
    expect(
      toGrammarSchema({
        $defs: { item: { type: "object", properties: { id: { type: "integer" } } } },
        type: "object",
        properties: {
          x: { anyOf: [{ type: "string" }, { const: 3 }] },
          y: { type: ["array", "null"], items: { $ref: "#/$defs/item" } },
        },
      }),
    ).toEqual({
      type: "object",
      properties: {
        x: { oneOf: [{ type: "string" }, { const: 3 }] },
        y: { oneOf: [{ type: "array", items: { $ref: "#/$defs/item" } }, { type: "null" }] },
      },
      additionalProperties: false,
      $defs: {
        item: { type: "object", properties: { id: { type: "integer" } }, additionalProperties: false },
      },
    });
  });

  it("an open object allows any keys", () => {
    expect(toGrammarSchema({ type: "object" })).toEqual({ type: "object", additionalProperties: true });
    expect(toGrammarSchema({ type: "object", additionalProperties: { type: "number" } })).toEqual({
      type: "object",
      additionalProperties: { type: "number" },
    });
  });

  it("is undefined for what the grammar cannot express", () => {
    expect(toGrammarSchema({ allOf: [{ type: "string" }] })).toBeUndefined();
    expect(toGrammarSchema({ type: "object", properties: { a: {} } })).toBeUndefined();
    expect(toGrammarSchema({ const: { a: 1 } })).toBeUndefined();
    expect(toGrammarSchema({ $ref: "https://example.com/schema.json" })).toBeUndefined();
  });
});
