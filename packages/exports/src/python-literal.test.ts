import { describe, expect, it } from "vitest";
import { PythonLiteralError, parsePythonLiteral } from "./python-literal.js";

describe("parsePythonLiteral", () => {
  it("reads ReaRAG's action dicts in both quote styles", () => {
    expect(parsePythonLiteral("{'function': 'search', 'parameters': {'query': 'Dura-Ace maker'}}")).toEqual({
      function: "search",
      parameters: { query: "Dura-Ace maker" },
    });
    // repr() switches to double quotes for a string holding an apostrophe.
    expect(
      parsePythonLiteral(`{'function': 'search', 'parameters': {'query': "Shimano's founding year"}}`),
    ).toEqual({
      function: "search",
      parameters: { query: "Shimano's founding year" },
    });
    // JSON is a Python literal too, as long as it avoids true/false/null.
    expect(parsePythonLiteral('{"function": "finish", "parameters": {"answer": "1921"}}')).toEqual({
      function: "finish",
      parameters: { answer: "1921" },
    });
  });

  it("decodes Python escapes", () => {
    expect(parsePythonLiteral(String.raw`'it\'s a\\b\n\t\x41\u00e9\U0001F6B2\101'`)).toBe(
      "it's a\\b\n\tAé🚲A",
    );
    expect(parsePythonLiteral(String.raw`"say \"hi\""`)).toBe('say "hi"');
    expect(parsePythonLiteral(String.raw`'keep \d as written'`)).toBe("keep \\d as written");
    expect(parsePythonLiteral(String.raw`r'raw \n stays'`)).toBe("raw \\n stays");
    expect(parsePythonLiteral("u'unicode prefix'")).toBe("unicode prefix");
    expect(parsePythonLiteral(`'''triple 'quoted'\nlines'''`)).toBe("triple 'quoted'\nlines");
  });

  it("joins adjacent string literals and reads the other literals", () => {
    expect(parsePythonLiteral("'a' \"b\"  'c'")).toBe("abc");
    expect(parsePythonLiteral("[1, -2.5, 1e3, 1_000, True, False, None, (1, 2), [], {},]")).toEqual([
      1,
      -2.5,
      1000,
      1000,
      true,
      false,
      null,
      [1, 2],
      [],
      {},
    ]);
    expect(parsePythonLiteral(" {'a': 1, 2: 'two',} ")).toEqual({ a: 1, "2": "two" });
  });

  it("keeps a __proto__ key as data", () => {
    const value = parsePythonLiteral("{'__proto__': {'polluted': 1}}") as Record<string, unknown>;
    expect(Object.keys(value)).toEqual(["__proto__"]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("rejects what eval would reject, with the offset", () => {
    expect(() => parsePythonLiteral("{'a': true}")).toThrow(
      /"true" is JSON, not Python \(write True\) at offset 6/,
    );
    expect(() => parsePythonLiteral("{'a': null}")).toThrow(/write None/);
    expect(() => parsePythonLiteral("{'a': 'open")).toThrow(/unterminated string/);
    expect(() => parsePythonLiteral("{'a': 'x'} trailing")).toThrow(
      /unexpected text after the literal at offset 11/,
    );
    expect(() => parsePythonLiteral("{'a': search('x')}")).toThrow(/unexpected name "search"/);
    expect(() => parsePythonLiteral("{'a' 'b'}")).toThrow(/expected ":"/);
    expect(() => parsePythonLiteral("{'a': 'x\ny'}")).toThrow(/line break inside a string/);
    expect(() => parsePythonLiteral("")).toThrow(/unexpected end of text/);
    expect(() => parsePythonLiteral(String.raw`'\xZZ'`)).toThrow(/malformed \\x escape/);
    expect(() => parsePythonLiteral("{[1]: 2}")).toThrow(/dict keys must be strings or numbers/);
    expect(() => parsePythonLiteral(`${"[".repeat(100)}${"]".repeat(100)}`)).toThrow(
      /nesting deeper than 64/,
    );
    expect(() => parsePythonLiteral("@")).toThrow(PythonLiteralError);
  });
});
