import { describe, expect, it } from "vitest";
import { parsePythonLiteral } from "./python-literal.js";
import { pythonRepr, pythonStringRepr } from "./python-repr.js";

// Expected values printed by CPython 3 `repr`.
const CASES: [string, string][] = [
  ["Agnes Pell", "'Agnes Pell'"],
  ["Agnes Pell's loom", `"Agnes Pell's loom"`],
  ['say "hi"', `'say "hi"'`],
  [`both ' and "`, `'both \\' and "'`],
  ["back\\slash", "'back\\\\slash'"],
  ["tab\tnew\nret\r", "'tab\\tnew\\nret\\r'"],
  ["bell\x07 del\x7f", "'bell\\x07 del\\x7f'"],
  ["café 中", "'café 中'"],
  ["nbsp\u00a0zw\u200b", "'nbsp\\xa0zw\\u200b'"],
  ["ls\u2028", "'ls\\u2028'"],
  ["emoji 😀", "'emoji 😀'"],
  ["pua \ue000", "'pua \\ue000'"],
  ["astral ctrl \u{e0001}", "'astral ctrl \\U000e0001'"],
];

describe("pythonStringRepr", () => {
  it("writes strings as CPython's repr does", () => {
    for (const [value, repr] of CASES) expect(pythonStringRepr(value), value).toBe(repr);
  });

  it("round-trips through the literal parser", () => {
    for (const [value] of CASES) expect(parsePythonLiteral(pythonStringRepr(value))).toBe(value);
  });
});

describe("pythonRepr", () => {
  it("writes a ReaRAG action dict with Python's separators and quote choice", () => {
    expect(pythonRepr({ function: "search", parameters: { query: "Agnes Pell's birthplace" } })).toBe(
      `{'function': 'search', 'parameters': {'query': "Agnes Pell's birthplace"}}`,
    );
  });

  it("writes lists, numbers, booleans and None", () => {
    expect(pythonRepr({ a: [1, 2.5, true, false, null], b: {} })).toBe(
      "{'a': [1, 2.5, True, False, None], 'b': {}}",
    );
  });
});
