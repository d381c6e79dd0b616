import { describe, expect, it } from "vitest";
import { findJsonSyntaxError, jsonErrorOffset } from "./json-error-position.js";

function parseError(text: string): unknown {
  try {
    JSON.parse(text);
  } catch (err) {
    return err;
  }
  throw new Error(`expected ${text} to be invalid`);
}

describe("findJsonSyntaxError", () => {
  it("returns -1 for valid JSON", () => {
    for (const text of [
      '{"a":1}',
      ' [1, -2.5e+3, 0, true, false, null, "x\\u00e9\\n", {}, []] ',
      '{"a":{"b":[{"c":"d"}]}}',
      '"just a string"',
      "0",
    ]) {
      expect(findJsonSyntaxError(text), text).toBe(-1);
    }
  });

  it("agrees with V8 wherever V8 reports a position", () => {
    const cases = [
      '{"a":1',
      '{"a" 1}',
      "{a:1}",
      '{"a":1}x',
      '{"a":"\\q"}',
      '{"a":"x\ty"}',
      '{"a":1,}',
      '{"a":01}',
      '{"a":-}',
      '{"a":1.}',
      '"abc',
      '{"a":1e}',
      '{"a":"\\u12G4"}',
      "[1 2]",
    ];
    for (const text of cases) {
      const err = parseError(text) as Error;
      const v8 = /at position (\d+)/.exec(err.message);
      if (!v8) continue;
      expect(findJsonSyntaxError(text), `${text}: ${err.message}`).toBe(Number(v8[1]));
    }
  });

  it("finds errors V8 reports without a position", () => {
    expect(findJsonSyntaxError('{"a":}')).toBe(5);
    expect(findJsonSyntaxError('{"a":tru}')).toBe(8);
    expect(findJsonSyntaxError("[1,]")).toBe(3);
    expect(findJsonSyntaxError("")).toBe(0);
    expect(findJsonSyntaxError('{"a":1')).toBe(6);
  });

  it("does not overflow the stack on deep nesting", () => {
    const deep = "[".repeat(200_000);
    expect(findJsonSyntaxError(deep)).toBe(deep.length);
  });
});

describe("jsonErrorOffset", () => {
  it("reads the Node 20 'at position N' form", () => {
    expect(jsonErrorOffset('{"a":1', new SyntaxError("Expected ',' or '}' in JSON at position 6"))).toBe(6);
  });

  it("reads the Node 22 '(line L column C)' form", () => {
    const text = '[\n  {"a":1},\n  {"b" 2}\n]';
    const err = new SyntaxError("Expected ':' after property name in JSON (line 3 column 8)");
    expect(text[jsonErrorOffset(text, err)]).toBe("2");
  });

  it("falls back to scanning when the message has no position", () => {
    const text = '{"a":}';
    expect(jsonErrorOffset(text, parseError(text))).toBe(5);
  });
});
