/** A value a Python literal can spell here: the shapes of a ReaRAG action dict and a little more. */
export type PyValue = string | number | boolean | null | PyValue[] | { [key: string]: PyValue };

export interface PythonLiteralOptions {
  /**
   * Also read what models write by mistake (default false, which reads what Python's `eval`
   * reads): JSON's true/false/null, `\/` as a slash, and an unescaped apostrophe between a letter
   * or digit and a letter inside a single-quoted string (`'Pell's loom'`), since no valid literal
   * has a letter right after a closing quote.
   */
  lenient?: boolean;
}

/** The text is not a literal this parser reads; `offset` is the 0-based position of the problem. */
export class PythonLiteralError extends SyntaxError {
  override readonly name = "PythonLiteralError";

  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`${message} at offset ${offset}`);
  }
}

/**
 * Reads one Python literal the way ReaRAG reads its actions (the original code calls `eval` on
 * the fenced dict), without evaluating code: dicts with string or number keys, lists, tuples (as
 * arrays), strings (single, double or triple quotes, `u`/`r` prefixes, Python escapes, adjacent
 * literals joined), numbers, True/False/None; comments and line continuations between tokens.
 * The whole text, bar surrounding whitespace, must be the literal.
 */
export function parsePythonLiteral(text: string, options: PythonLiteralOptions = {}): PyValue {
  const parser = new LiteralParser(text, options.lenient === true);
  const value = parser.value(0);
  parser.skipSpace();
  if (parser.pos < text.length) parser.fail("unexpected text after the literal");
  return value;
}

/** Reads one literal starting at `start` (after whitespace); `end` is the offset just past it. */
export function parsePythonLiteralPrefix(
  text: string,
  start: number,
  options: PythonLiteralOptions = {},
): { value: PyValue; end: number } {
  const parser = new LiteralParser(text, options.lenient === true);
  parser.pos = start;
  const value = parser.value(0);
  return { value, end: parser.pos };
}

// Bounds recursion on hostile input; real actions nest two levels.
const MAX_DEPTH = 64;

const SINGLE = 39; // '
const DOUBLE = 34; // "
const BACKSLASH = 92;
const LF = 10;
const CR = 13;
const HASH = 35;

const NUMBER = /[-+]?(?:\d(?:_?\d)*(?:\.(?:\d(?:_?\d)*)?)?|\.\d(?:_?\d)*)(?:[eE][-+]?\d(?:_?\d)*)?/y;
const NAME = /[A-Za-z_][A-Za-z0-9_]*/y;
const OCTAL = /[0-7]{1,3}/y;
const WORD_BEFORE = /[\p{L}\p{N}]/u;
const LETTER_AFTER = /\p{L}/u;

const SIMPLE_ESCAPES: Record<string, string> = {
  "\\": "\\",
  "'": "'",
  '"': '"',
  a: "\x07",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
  v: "\v",
};

const CONSTANTS: Record<string, PyValue> = { True: true, False: false, None: null };
const JSON_CONSTANTS: Record<string, { value: PyValue; python: string }> = {
  true: { value: true, python: "True" },
  false: { value: false, python: "False" },
  null: { value: null, python: "None" },
};

/** Python's whitespace between tokens: space, tab, line breaks, vertical tab, form feed. */
function isSpace(code: number): boolean {
  return code === 32 || (code >= 9 && code <= 13);
}

function isQuote(code: number): boolean {
  return code === SINGLE || code === DOUBLE;
}

class LiteralParser {
  pos = 0;

  constructor(
    private readonly text: string,
    private readonly lenient: boolean,
  ) {}

  fail(message: string, at = this.pos): never {
    throw new PythonLiteralError(message, at);
  }

  skipSpace(): void {
    const text = this.text;
    let i = this.pos;
    for (;;) {
      const c = text.charCodeAt(i);
      if (isSpace(c)) i++;
      else if (c === HASH) {
        // A comment runs to the end of the line, as inside a multi-line Python dict.
        while (i < text.length && text.charCodeAt(i) !== LF) i++;
      } else if (c === BACKSLASH && text.charCodeAt(i + 1) === LF) i += 2;
      else if (c === BACKSLASH && text.charCodeAt(i + 1) === CR) i += text.charCodeAt(i + 2) === LF ? 3 : 2;
      else break;
    }
    this.pos = i;
  }

  /** A string literal starts here: a quote, or a u/r prefix and a quote. */
  private atString(): boolean {
    const c = this.text.charCodeAt(this.pos);
    if (isQuote(c)) return true;
    // u U r R
    return (c === 117 || c === 85 || c === 114 || c === 82) && isQuote(this.text.charCodeAt(this.pos + 1));
  }

  value(depth: number): PyValue {
    this.skipSpace();
    const c = this.text[this.pos];
    if (c === undefined) this.fail("expected a value, found the end of the text");
    if (c === "{" || c === "[" || c === "(") {
      if (depth >= MAX_DEPTH) this.fail(`nested deeper than ${MAX_DEPTH} levels`);
      return c === "{" ? this.dict(depth + 1) : this.sequence(c === "[" ? "]" : ")", depth + 1);
    }
    if (this.atString()) return this.strings();
    if (c === "-" || c === "+" || c === "." || (c >= "0" && c <= "9")) return this.number();
    NAME.lastIndex = this.pos;
    const word = NAME.exec(this.text)?.[0];
    if (word === undefined) return this.fail(`unexpected character ${JSON.stringify(c)}`);
    if (Object.hasOwn(CONSTANTS, word)) {
      this.pos += word.length;
      return CONSTANTS[word] as PyValue;
    }
    const json = Object.hasOwn(JSON_CONSTANTS, word) ? JSON_CONSTANTS[word] : undefined;
    if (json && this.lenient) {
      this.pos += word.length;
      return json.value;
    }
    if (json) this.fail(`"${word}" is JSON, not Python (write ${json.python})`);
    return this.fail(
      `"${word}" is not a literal (only strings, numbers, dicts, lists, tuples, True, False and None are)`,
    );
  }

  private dict(depth: number): { [key: string]: PyValue } {
    const out: { [key: string]: PyValue } = {};
    this.pos++;
    this.skipSpace();
    while (this.text[this.pos] !== "}") {
      if (this.pos >= this.text.length) this.fail("the dict is not closed with '}'");
      const keyAt = this.pos;
      const key = this.value(depth);
      if (typeof key !== "string" && typeof key !== "number") {
        this.fail("dict keys must be strings or numbers", keyAt);
      }
      this.skipSpace();
      if (this.text[this.pos] !== ":") this.fail("expected ':' after a dict key");
      this.pos++;
      const name = String(key);
      const value = this.value(depth);
      // A plain assignment to "__proto__" would set the prototype instead of a key; later duplicates win, as in Python.
      if (name === "__proto__") {
        Object.defineProperty(out, name, { value, enumerable: true, writable: true, configurable: true });
      } else {
        out[name] = value;
      }
      this.separator("}", "the dict is not closed with '}'", "expected ',' or '}' in a dict");
    }
    this.pos++;
    return out;
  }

  /** A list, or a tuple (read as an array); `(x)` without a comma is just x, as in Python. */
  private sequence(close: "]" | ")", depth: number): PyValue {
    const out: PyValue[] = [];
    const what = close === "]" ? "list" : "tuple";
    let comma = false;
    this.pos++;
    this.skipSpace();
    while (this.text[this.pos] !== close) {
      if (this.pos >= this.text.length) this.fail(`the ${what} is not closed with '${close}'`);
      out.push(this.value(depth));
      comma = this.separator(
        close,
        `the ${what} is not closed with '${close}'`,
        `expected ',' or '${close}' in a ${what}`,
      );
    }
    this.pos++;
    return close === ")" && out.length === 1 && !comma ? (out[0] as PyValue) : out;
  }

  /** After an item: a comma (returns true) or the closing bracket (left in place). */
  private separator(close: string, unclosed: string, unexpected: string): boolean {
    this.skipSpace();
    const c = this.text[this.pos];
    if (c === ",") {
      this.pos++;
      this.skipSpace();
      return true;
    }
    if (c === undefined) this.fail(unclosed);
    if (c !== close) this.fail(unexpected);
    return false;
  }

  private number(): number {
    NUMBER.lastIndex = this.pos;
    const match = NUMBER.exec(this.text)?.[0];
    if (match === undefined) this.fail("malformed number");
    this.pos += match.length;
    return Number(match.includes("_") ? match.replaceAll("_", "") : match);
  }

  /** One or more adjacent string literals, joined as Python does. */
  private strings(): string {
    let out = this.string();
    for (;;) {
      const end = this.pos;
      this.skipSpace();
      if (!this.atString()) {
        this.pos = end;
        return out;
      }
      out += this.string();
    }
  }

  private string(): string {
    const text = this.text;
    let i = this.pos;
    let raw = false;
    if (!isQuote(text.charCodeAt(i))) {
      raw = text[i] === "r" || text[i] === "R";
      i++;
    }
    const quoteAt = i;
    const quote = text.charCodeAt(i);
    const triple = text.charCodeAt(i + 1) === quote && text.charCodeAt(i + 2) === quote;
    i += triple ? 3 : 1;
    let out = "";
    // Plain text is copied in runs, not a character at a time.
    let run = i;
    for (;;) {
      if (i >= text.length) this.fail("the string is not closed", quoteAt);
      const c = text.charCodeAt(i);
      if (c === quote) {
        if (triple) {
          if (text.charCodeAt(i + 1) !== quote || text.charCodeAt(i + 2) !== quote) {
            i++;
            continue;
          }
        } else if (this.lenient && quote === SINGLE && this.apostrophe(i)) {
          i++;
          continue;
        }
        this.pos = i + (triple ? 3 : 1);
        return out + text.slice(run, i);
      }
      if ((c === LF || c === CR) && !triple) this.fail("a line break inside a string (write \\n instead)", i);
      if (c !== BACKSLASH) {
        i++;
        continue;
      }
      if (i + 1 >= text.length) this.fail("the string is not closed", quoteAt);
      out += text.slice(run, i);
      if (raw) {
        // A raw string keeps the backslash; it still keeps the next character from ending the string.
        out += text.slice(i, i + 2);
        i += 2;
      } else {
        const escaped = this.escape(i);
        out += escaped.text;
        i = escaped.end;
      }
      run = i;
    }
  }

  /** An apostrophe between a letter or digit and a letter: a model's unescaped `'Pell's'`, kept as text. */
  private apostrophe(at: number): boolean {
    return WORD_BEFORE.test(this.text[at - 1] ?? "") && LETTER_AFTER.test(this.text[at + 1] ?? "");
  }

  /** The escape whose backslash is at `at`, and the offset just past it. */
  private escape(at: number): { text: string; end: number } {
    const text = this.text;
    const e = text[at + 1] as string;
    if (e === "\n") return { text: "", end: at + 2 };
    if (e === "\r") return { text: "", end: at + (text[at + 2] === "\n" ? 3 : 2) };
    if (Object.hasOwn(SIMPLE_ESCAPES, e)) return { text: SIMPLE_ESCAPES[e] as string, end: at + 2 };
    if (e === "/" && this.lenient) return { text: "/", end: at + 2 };
    OCTAL.lastIndex = at + 1;
    const octal = OCTAL.exec(text)?.[0];
    if (octal) return { text: String.fromCodePoint(Number.parseInt(octal, 8)), end: at + 1 + octal.length };
    const width = e === "x" ? 2 : e === "u" ? 4 : e === "U" ? 8 : 0;
    if (width > 0) {
      const hex = text.slice(at + 2, at + 2 + width);
      if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== width) {
        this.fail(`\\${e} needs ${width} hex digits`, at);
      }
      const code = Number.parseInt(hex, 16);
      if (code > 0x10ffff) this.fail(`\\${e}${hex} is past the last code point`, at);
      return { text: String.fromCodePoint(code), end: at + 2 + width };
    }
    if (e === "N") this.fail("\\N{...} escapes are not supported", at);
    // Python keeps an unknown escape as written.
    return { text: `\\${e}`, end: at + 2 };
  }
}
