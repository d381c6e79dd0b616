import { describe, expect, it } from "vitest";
import { PythonLiteralError, parsePythonLiteral, parsePythonLiteralPrefix } from "./python-literal.js";

const lenient = { lenient: true };

describe("parsePythonLiteral", () => {
  it("reads ReaRAG's action dicts in both quote styles and as JSON", () => {
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
    const action = { function: "search", parameters: { query: "inventor of the Calloway loom" } };
    expect(parsePythonLiteral(JSON.stringify(action))).toEqual(action);
    expect(
      parsePythonLiteral(
        ' {\n  "function" : "search",\n  "parameters": {"query": "inventor of the Calloway loom",},\n} ',
      ),
    ).toEqual(action);
  });

  it("handles quotes and apostrophes as Python does", () => {
    expect(parsePythonLiteral(`"Agnes Pell's loom"`)).toBe("Agnes Pell's loom");
    expect(parsePythonLiteral(`'Agnes Pell\\'s loom'`)).toBe("Agnes Pell's loom");
    expect(parsePythonLiteral(`"she said \\"no\\" to it"`)).toBe('she said "no" to it');
    expect(parsePythonLiteral(`'she said "no"'`)).toBe('she said "no"');
    expect(parsePythonLiteral(`"it's \\"late\\""`)).toBe(`it's "late"`);
    expect(parsePythonLiteral(`''`)).toBe("");
    expect(parsePythonLiteral(`{'a': '', 'b': ""}`)).toEqual({ a: "", b: "" });
  });

  it("decodes Python escapes and reads prefixes and triple quotes", () => {
    expect(parsePythonLiteral(String.raw`'it\'s a\\b\n\t\x41\u00e9\U0001F6B2\101'`)).toBe(
      "it's a\\b\n\tAé🚲A",
    );
    expect(parsePythonLiteral(String.raw`'a\tb\nc\\d\x41\u00e9\U0001F600\101\0\a\b\f\v\r'`)).toBe(
      "a\tb\nc\\dAé😀A\0\x07\b\f\v\r",
    );
    expect(parsePythonLiteral(String.raw`"say \"hi\""`)).toBe('say "hi"');
    // Unknown escapes stay as written, \/ included (Python keeps it; only the lenient reading makes it a slash).
    expect(parsePythonLiteral(String.raw`'keep \d as written'`)).toBe("keep \\d as written");
    expect(parsePythonLiteral(String.raw`'C:\dir\/x'`)).toBe("C:\\dir\\/x");
    expect(parsePythonLiteral(String.raw`r'raw \n stays'`)).toBe("raw \\n stays");
    expect(parsePythonLiteral(String.raw`r'a\'b\n'`)).toBe(String.raw`a\'b\n`);
    expect(parsePythonLiteral("u'unicode prefix'")).toBe("unicode prefix");
    expect(parsePythonLiteral(`'''triple 'quoted'\nlines'''`)).toBe("triple 'quoted'\nlines");
    expect(parsePythonLiteral("'joined \\\nline'")).toBe("joined line");
  });

  it("joins adjacent string literals and reads the other literals", () => {
    expect(parsePythonLiteral("'a' \"b\"  'c'")).toBe("abc");
    expect(parsePythonLiteral(`'Calloway ' "loom"`)).toBe("Calloway loom");
    expect(
      parsePythonLiteral("[1, -2.5, 1e3, 3e2, 1_000, .5, True, False, None, (1, 2), (3,), (4), [], {},]"),
    ).toEqual([1, -2.5, 1000, 300, 1000, 0.5, true, false, null, [1, 2], [3], 4, [], {}]);
    expect(parsePythonLiteral(" {'a': 1, 2: 'two',} ")).toEqual({ a: 1, "2": "two" });
    expect(parsePythonLiteral("{'a': (1, 2)}")).toEqual({ a: [1, 2] });
  });

  it("lets later duplicate keys win and keeps a __proto__ key as data", () => {
    expect(parsePythonLiteral("{'k': 1, 'k': 2}")).toEqual({ k: 2 });
    const value = parsePythonLiteral("{'__proto__': {'polluted': 1}}") as Record<string, unknown>;
    expect(Object.keys(value)).toEqual(["__proto__"]);
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("accepts comments and line continuations between tokens", () => {
    expect(parsePythonLiteral("{'a': 'x', # the query\n 'b': \\\n 'y'}")).toEqual({ a: "x", b: "y" });
  });

  it("rejects what eval would reject, saying where", () => {
    const bad: [string, RegExp][] = [
      ["{'a': true}", /"true" is JSON, not Python \(write True\) at offset 6/],
      ["{'a': null}", /write None/],
      ["{'a': search('x')}", /"search" is not a literal .* at offset 6/],
      ["{'a': __import__('os')}", /"__import__" is not a literal .* at offset 6/],
      ["{'a': 'x'", /the dict is not closed with '\}'/],
      ["{'a': 'open", /the string is not closed at offset 6/],
      ["{'a' 'b'}", /expected ':' after a dict key at offset 8/],
      ["{[1]: 2}", /dict keys must be strings or numbers at offset 1/],
      ["{None: 2}", /dict keys must be strings or numbers/],
      ["{'a': 'x'} trailing", /unexpected text after the literal at offset 11/],
      // Adjacent strings join ('x' 'b' is 'xb'), so the colon is what is out of place.
      ["{'a': 'x' 'b': 'y'}", /expected ',' or '\}' in a dict at offset 13/],
      ["{'a': 'x\ny'}", /a line break inside a string/],
      ["'line\rbreak'", /a line break inside a string/],
      ["b'bytes'", /"b" is not a literal/],
      [String.raw`'\x4'`, /\\x needs 2 hex digits/],
      [String.raw`'\xZZ'`, /\\x needs 2 hex digits/],
      [String.raw`'\U00110000'`, /past the last code point/],
      [String.raw`'\N{DASH}'`, /\\N\{\.\.\.\} escapes are not supported/],
      ["", /expected a value, found the end of the text/],
      ["[1, 2", /the list is not closed with '\]'/],
      ["[1 2]", /expected ',' or '\]' in a list/],
      ["(1, 2", /the tuple is not closed with '\)'/],
      ["{'a': @}", /unexpected character "@"/],
      ["-x", /malformed number/],
      [`${"[".repeat(70)}${"]".repeat(70)}`, /nested deeper than 64 levels/],
    ];
    for (const [text, message] of bad) {
      expect(() => parsePythonLiteral(text), text).toThrow(message);
      expect(() => parsePythonLiteral(text), text).toThrow(PythonLiteralError);
    }
    try {
      parsePythonLiteral("{'a': 'x'} trailing");
    } catch (err) {
      expect(err).toBeInstanceOf(SyntaxError);
      expect((err as PythonLiteralError).offset).toBe(11);
    }
  });
});

describe("parsePythonLiteral, lenient", () => {
  it("reads JSON's constants and \\/ as a slash", () => {
    expect(parsePythonLiteral("[1, True, False, None, true, false, null]", lenient)).toEqual([
      1,
      true,
      false,
      null,
      true,
      false,
      null,
    ]);
    expect(parsePythonLiteral(String.raw`'C:\dir\/x'`, lenient)).toBe("C:\\dir/x");
  });

  it("keeps an unescaped apostrophe between letters in a single-quoted string (a common model slip)", () => {
    expect(parsePythonLiteral(`{'query': 'Agnes Pell's birthplace'}`, lenient)).toEqual({
      query: "Agnes Pell's birthplace",
    });
    expect(parsePythonLiteral(`'the 1790's mills'`, lenient)).toBe("the 1790's mills");
    // Python reads neither.
    expect(() => parsePythonLiteral(`{'query': 'Agnes Pell's birthplace'}`)).toThrow(PythonLiteralError);
    // Not between letters: the quote ends the string, and what follows is an error.
    expect(() => parsePythonLiteral(`'Guns N' Roses'`, lenient)).toThrow(PythonLiteralError);
  });

  it("still refuses code", () => {
    expect(() => parsePythonLiteral("{'a': __import__('os')}", lenient)).toThrow(/is not a literal/);
  });
});

describe("parsePythonLiteralPrefix", () => {
  it("reads a literal at the start of longer text and says where it ends", () => {
    const text = "Action 1: {'function': 'finish', 'parameters': {'answer': 'Brindlemoor'}} and then more";
    const start = text.indexOf("{");
    const { value, end } = parsePythonLiteralPrefix(text, start);
    expect(value).toEqual({ function: "finish", parameters: { answer: "Brindlemoor" } });
    expect(text.slice(end)).toBe(" and then more");
    // Adjacent strings are joined, but the whitespace after the last one is not taken.
    const joined = parsePythonLiteralPrefix("  'a' 'b'  rest", 0);
    expect(joined).toEqual({ value: "ab", end: 9 });
  });

  it("reads leniently on request", () => {
    expect(parsePythonLiteralPrefix("{'ok': true} x", 0, lenient)).toEqual({ value: { ok: true }, end: 12 });
    expect(() => parsePythonLiteralPrefix("{'ok': true} x", 0)).toThrow(/is JSON, not Python/);
  });
});
