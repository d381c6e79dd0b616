import { describe, expect, it } from "vitest";
import { PythonLiteralError, parsePythonLiteral, parsePythonLiteralPrefix } from "./python-literal.js";

describe("parsePythonLiteral", () => {
  it("reads a ReaRAG action dict in Python and in JSON style", () => {
    const action = { function: "search", parameters: { query: "inventor of the Calloway loom" } };
    expect(
      parsePythonLiteral("{'function': 'search', 'parameters': {'query': 'inventor of the Calloway loom'}}"),
    ).toEqual(action);
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

  it("keeps an unescaped apostrophe between letters in a single-quoted string (a common model slip)", () => {
    expect(parsePythonLiteral(`{'query': 'Agnes Pell's birthplace'}`)).toEqual({
      query: "Agnes Pell's birthplace",
    });
    expect(parsePythonLiteral(`'the 1790's mills'`)).toBe("the 1790's mills");
    // Not between letters: the quote ends the string, and what follows is an error.
    expect(() => parsePythonLiteral(`'Guns N' Roses'`)).toThrow(PythonLiteralError);
  });

  it("decodes Python escapes, joins adjacent literals and reads prefixes", () => {
    expect(parsePythonLiteral(String.raw`'a\tb\nc\\d\x41\u00e9\U0001F600\101\0'`)).toBe("a\tb\nc\\dAé😀A\0");
    // Unknown escapes stay as written (Python); \/ is a slash (JSON).
    expect(parsePythonLiteral(String.raw`'C:\dir\/x'`)).toBe("C:\\dir/x");
    expect(parsePythonLiteral(`'Calloway ' "loom"`)).toBe("Calloway loom");
    expect(parsePythonLiteral(`u'loom'`)).toBe("loom");
    expect(parsePythonLiteral(String.raw`r'a\'b\n'`)).toBe(String.raw`a\'b\n`);
  });

  it("reads numbers, constants and lists, and lets later duplicate keys win", () => {
    expect(parsePythonLiteral("[1, -2.5, 3e2, True, False, None, true, null]")).toEqual([
      1,
      -2.5,
      300,
      true,
      false,
      null,
      true,
      null,
    ]);
    expect(parsePythonLiteral("{'k': 1, 'k': 2}")).toEqual({ k: 2 });
    const proto = parsePythonLiteral("{'__proto__': 'x'}") as Record<string, unknown>;
    expect(Object.keys(proto)).toEqual(["__proto__"]);
    expect(Object.getPrototypeOf(proto)).toBe(Object.prototype);
  });

  it("accepts comments and line continuations between tokens", () => {
    expect(parsePythonLiteral("{'a': 'x', # the query\n 'b': \\\n 'y'}")).toEqual({ a: "x", b: "y" });
  });

  it("refuses code, unclosed literals and trailing text, saying where", () => {
    const bad: [string, RegExp][] = [
      ["{'a': __import__('os')}", /"__import__" is not a literal .* at position 6/],
      ["{'a': 'x'", /not closed with '\}'/],
      ["{'a': 'x", /the string is not closed at position 6/],
      ["{'a' 'b'}", /expected ':' after a dict key/],
      ["{1: 'x'}", /dict keys must be strings at position 1/],
      ["{'a': 'x'} extra", /unexpected text after the literal at position 11/],
      // Adjacent strings join ('x' 'b' is 'xb'), so the colon is what is out of place.
      ["{'a': 'x' 'b': 'y'}", /expected ',' or '\}' in a dict at position 13/],
      ["'line\nbreak'", /a line break inside a string/],
      ["'''doc'''", /triple-quoted/],
      ["b'bytes'", /"b" is not a literal/],
      [String.raw`'\x4'`, /\\x needs 2 hex digits/],
      [String.raw`'\N{DASH}'`, /\\N\{\.\.\.\} escapes are not supported/],
      ["", /found the end of the text/],
      ["[1, 2", /not closed with '\]'/],
      ["{'a': (1, 2)}", /unexpected character "\("/],
      [`${"[".repeat(70)}${"]".repeat(70)}`, /nested deeper than 64 levels/],
    ];
    for (const [text, message] of bad) expect(() => parsePythonLiteral(text), text).toThrow(message);
  });

  it("reads a literal at the start of longer text and says where it ends", () => {
    const text = "Action 1: {'function': 'finish', 'parameters': {'answer': 'Brindlemoor'}} and then more";
    const start = text.indexOf("{");
    const { value, end } = parsePythonLiteralPrefix(text, start);
    expect(value).toEqual({ function: "finish", parameters: { answer: "Brindlemoor" } });
    expect(text.slice(end)).toBe(" and then more");
  });
});
