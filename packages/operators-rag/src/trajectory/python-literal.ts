/** A value a Python literal (or JSON) can spell here: the shapes of a ReaRAG action dict and a little more. */
export type PyValue = string | number | boolean | null | PyValue[] | { [key: string]: PyValue };

/** The text is not a literal this parser reads; `position` is the 0-based offset of the problem. */
export class PythonLiteralError extends Error {
  override readonly name = "PythonLiteralError";
  readonly position: number;

  constructor(message: string, position: number) {
    super(`${message} at position ${position}`);
    this.position = position;
  }
}

/**
 * Reads one Python literal, as ReaRAG's `eval` of an action dict would, without evaluating code:
 * dicts with string keys, lists, strings (single, double, `u`/`r` prefixes, adjacent literals
 * joined, Python escapes), numbers, True/False/None, and JSON's true/false/null. Two leniencies
 * on top of Python: `\/` is a slash (JSON), and an apostrophe between letters inside a
 * single-quoted string (`'Pell's loom'`) is kept as text, since no valid literal has a letter
 * right after a closing quote. The whole text, bar surrounding whitespace, must be the literal.
 */
export function parsePythonLiteral(text: string): PyValue {
  const { value, end } = parsePythonLiteralPrefix(text, 0);
  const rest = skipSpace(text, end);
  if (rest < text.length) throw new PythonLiteralError("unexpected text after the literal", rest);
  return value;
}

/** Reads one literal starting at `start` (after whitespace); `end` is the offset just past it. */
export function parsePythonLiteralPrefix(text: string, start: number): { value: PyValue; end: number } {
  const parser = new Parser(text);
  const value = parser.value(skipSpace(text, start), 0);
  return { value, end: parser.pos };
}

const MAX_DEPTH = 64;
const WORD_BEFORE = /[\p{L}\p{N}]/u;
const LETTER_AFTER = /\p{L}/u;
const SIMPLE_ESCAPES: Record<string, string> = {
  "\\": "\\",
  "'": "'",
  '"': '"',
  "/": "/",
  n: "\n",
  t: "\t",
  r: "\r",
  a: "\x07",
  b: "\b",
  f: "\f",
  v: "\v",
};

function skipSpace(text: string, at: number): number {
  let i = at;
  for (;;) {
    const c = text[i];
    if (c === " " || c === "\t" || c === "\n" || c === "\r") i++;
    else if (c === "#") {
      // A comment runs to the end of the line, as inside a multi-line Python dict.
      while (i < text.length && text[i] !== "\n") i++;
    } else if (c === "\\" && text[i + 1] === "\n") i += 2;
    else return i;
  }
}

class Parser {
  pos = 0;
  constructor(private readonly text: string) {}

  value(at: number, depth: number): PyValue {
    if (depth > MAX_DEPTH) throw new PythonLiteralError(`nested deeper than ${MAX_DEPTH} levels`, at);
    const c = this.text[at];
    if (c === undefined) throw new PythonLiteralError("expected a value, found the end of the text", at);
    if (c === "{") return this.dict(at, depth);
    if (c === "[") return this.list(at, depth);
    if (this.stringStart(at) !== undefined) return this.strings(at);
    const number = /^-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/.exec(this.text.slice(at, at + 64));
    if (number) {
      this.pos = at + number[0].length;
      return Number(number[0]);
    }
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.text.slice(at, at + 32))?.[0];
    const constants: Record<string, PyValue> = {
      True: true,
      False: false,
      None: null,
      true: true,
      false: false,
      null: null,
    };
    if (word !== undefined && Object.hasOwn(constants, word)) {
      this.pos = at + word.length;
      return constants[word] as PyValue;
    }
    throw new PythonLiteralError(
      word !== undefined
        ? `"${word}" is not a literal (only strings, numbers, dicts, lists, True, False and None are)`
        : `unexpected character ${JSON.stringify(c)}`,
      at,
    );
  }

  private dict(open: number, depth: number): PyValue {
    const entries: [string, PyValue][] = [];
    let i = skipSpace(this.text, open + 1);
    while (this.text[i] !== "}") {
      if (this.stringStart(i) === undefined) {
        throw new PythonLiteralError(
          this.text[i] === undefined ? "the dict is not closed with '}'" : "dict keys must be strings",
          i,
        );
      }
      const key = this.strings(i);
      i = skipSpace(this.text, this.pos);
      if (this.text[i] !== ":") throw new PythonLiteralError("expected ':' after a dict key", i);
      const value = this.value(skipSpace(this.text, i + 1), depth + 1);
      // fromEntries below defines own properties, so a key such as "__proto__" stays plain data.
      entries.push([key, value]);
      i = skipSpace(this.text, this.pos);
      if (this.text[i] === ",") i = skipSpace(this.text, i + 1);
      else if (this.text[i] === undefined) throw new PythonLiteralError("the dict is not closed with '}'", i);
      else if (this.text[i] !== "}") throw new PythonLiteralError("expected ',' or '}' in a dict", i);
    }
    this.pos = i + 1;
    // Later duplicates win, as in Python.
    return Object.fromEntries(entries) as PyValue;
  }

  private list(open: number, depth: number): PyValue {
    const items: PyValue[] = [];
    let i = skipSpace(this.text, open + 1);
    while (this.text[i] !== "]") {
      if (this.text[i] === undefined) throw new PythonLiteralError("the list is not closed with ']'", i);
      items.push(this.value(i, depth + 1));
      i = skipSpace(this.text, this.pos);
      if (this.text[i] === ",") i = skipSpace(this.text, i + 1);
      else if (this.text[i] === undefined) throw new PythonLiteralError("the list is not closed with ']'", i);
      else if (this.text[i] !== "]") throw new PythonLiteralError("expected ',' or ']' in a list", i);
    }
    this.pos = i + 1;
    return items;
  }

  /** Where the quote of a string literal starting at `at` is, and whether it is raw. */
  private stringStart(at: number): { quote: number; raw: boolean } | undefined {
    const prefix = /^(?:[uU]|[rR])?(?=['"])/.exec(this.text.slice(at, at + 2));
    if (!prefix) return undefined;
    return { quote: at + prefix[0].length, raw: /^[rR]$/.test(prefix[0]) };
  }

  /** One string literal, or several adjacent ones joined, as Python does. */
  private strings(at: number): string {
    let out = this.string(at);
    for (;;) {
      const next = skipSpace(this.text, this.pos);
      if (this.stringStart(next) === undefined) return out;
      out += this.string(next);
    }
  }

  private string(at: number): string {
    const start = this.stringStart(at) as { quote: number; raw: boolean };
    const text = this.text;
    const quote = text[start.quote] as string;
    if (text.startsWith(quote.repeat(3), start.quote)) {
      throw new PythonLiteralError("triple-quoted strings are not supported", start.quote);
    }
    let out = "";
    let i = start.quote + 1;
    for (;;) {
      const c = text[i];
      if (c === undefined) throw new PythonLiteralError("the string is not closed", start.quote);
      if (c === "\n" || c === "\r") {
        throw new PythonLiteralError("a line break inside a string (write \\n instead)", i);
      }
      if (c === quote) {
        if (quote === "'" && WORD_BEFORE.test(text[i - 1] ?? "") && LETTER_AFTER.test(text[i + 1] ?? "")) {
          out += c;
          i++;
          continue;
        }
        this.pos = i + 1;
        return out;
      }
      if (c !== "\\") {
        out += c;
        i++;
        continue;
      }
      const e = text[i + 1];
      if (e === undefined) throw new PythonLiteralError("the string is not closed", start.quote);
      if (start.raw) {
        // In a raw string a backslash stays, and only keeps the next character from ending the string.
        out += c + e;
        i += 2;
        continue;
      }
      const escaped = this.escape(i);
      out += escaped.text;
      i = escaped.end;
    }
  }

  private escape(at: number): { text: string; end: number } {
    const text = this.text;
    const e = text[at + 1] as string;
    if (e === "\n") return { text: "", end: at + 2 };
    if (e === "\r") return { text: "", end: at + (text[at + 2] === "\n" ? 3 : 2) };
    const simple = SIMPLE_ESCAPES[e];
    if (simple !== undefined && Object.hasOwn(SIMPLE_ESCAPES, e)) return { text: simple, end: at + 2 };
    const octal = /^[0-7]{1,3}/.exec(text.slice(at + 1, at + 4));
    if (octal)
      return { text: String.fromCodePoint(Number.parseInt(octal[0], 8)), end: at + 1 + octal[0].length };
    const width = e === "x" ? 2 : e === "u" ? 4 : e === "U" ? 8 : 0;
    if (width > 0) {
      const hex = text.slice(at + 2, at + 2 + width);
      if (!new RegExp(`^[0-9a-fA-F]{${width}}$`).test(hex)) {
        throw new PythonLiteralError(`\\${e} needs ${width} hex digits`, at);
      }
      const code = Number.parseInt(hex, 16);
      if (code > 0x10ffff) throw new PythonLiteralError(`\\${e}${hex} is past the last code point`, at);
      return { text: String.fromCodePoint(code), end: at + 2 + width };
    }
    if (e === "N") throw new PythonLiteralError("\\N{...} escapes are not supported", at);
    // Python keeps an unknown escape as written.
    return { text: `\\${e}`, end: at + 2 };
  }
}
