/**
 * Parse a Python literal the way ReaRAG reads its actions (the original code calls `eval` on the
 * fenced dict): dicts, lists, tuples, strings (single or double quotes, escapes, adjacent literals
 * joined), numbers, True, False and None. Anything else, including JSON's true/false/null (a
 * NameError under `eval`), is a syntax error with its offset.
 */
export function parsePythonLiteral(text: string): unknown {
  const parser = new LiteralParser(text);
  const value = parser.value();
  parser.skipSpace();
  if (!parser.atEnd()) parser.fail("unexpected text after the literal");
  return value;
}

export class PythonLiteralError extends SyntaxError {
  override readonly name = "PythonLiteralError";
}

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

// Bounds recursion on hostile input; real actions nest two levels.
const MAX_DEPTH = 64;

/** Python's whitespace between tokens: space, tab, line breaks, form feed. */
function isSpace(code: number): boolean {
  return code === 32 || (code >= 9 && code <= 13);
}

class LiteralParser {
  private pos = 0;
  private depth = 0;

  constructor(private readonly text: string) {}

  atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  fail(message: string): never {
    throw new PythonLiteralError(`${message} at offset ${this.pos}`);
  }

  skipSpace(): void {
    while (this.pos < this.text.length && isSpace(this.text.charCodeAt(this.pos))) this.pos++;
  }

  /** A string literal starts here: a quote, or a u/r prefix and a quote. */
  private atString(): boolean {
    const c = this.text[this.pos];
    if (c === "'" || c === '"') return true;
    const next = this.text[this.pos + 1];
    return (c === "u" || c === "U" || c === "r" || c === "R") && (next === "'" || next === '"');
  }

  value(): unknown {
    this.skipSpace();
    const c = this.text[this.pos];
    if (c === undefined) this.fail("unexpected end of text");
    if (c === "{" || c === "[" || c === "(") {
      if (++this.depth > MAX_DEPTH) this.fail(`nesting deeper than ${MAX_DEPTH}`);
      const v = c === "{" ? this.dict() : c === "[" ? this.sequence("[", "]") : this.sequence("(", ")");
      this.depth--;
      return v;
    }
    if (this.atString()) return this.strings();
    if (c === "-" || c === "+" || c === "." || (c >= "0" && c <= "9")) return this.number();
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.text.slice(this.pos))?.[0];
    if (word === "True" || word === "False" || word === "None") {
      this.pos += word.length;
      return word === "True" ? true : word === "False" ? false : null;
    }
    if (word === "true" || word === "false" || word === "null") {
      this.fail(
        `"${word}" is JSON, not Python (write ${word === "null" ? "None" : word[0]?.toUpperCase() + word.slice(1)})`,
      );
    }
    return this.fail(word ? `unexpected name "${word}"` : `unexpected character "${c}"`);
  }

  private expect(char: string): void {
    this.skipSpace();
    if (this.text[this.pos] !== char) this.fail(`expected "${char}"`);
    this.pos++;
  }

  /** Consume `char` if it is next (after spaces). */
  private take(char: string): boolean {
    this.skipSpace();
    if (this.text[this.pos] !== char) return false;
    this.pos++;
    return true;
  }

  private dict(): Record<string, unknown> {
    this.expect("{");
    const out: Record<string, unknown> = {};
    while (!this.take("}")) {
      const key = this.value();
      if (typeof key !== "string" && typeof key !== "number")
        this.fail("dict keys must be strings or numbers");
      this.expect(":");
      const name = String(key);
      const value = this.value();
      // A plain assignment to "__proto__" would set the prototype instead of a key.
      if (name === "__proto__") {
        Object.defineProperty(out, name, { value, enumerable: true, writable: true, configurable: true });
      } else {
        out[name] = value;
      }
      if (!this.take(",")) {
        this.expect("}");
        break;
      }
    }
    return out;
  }

  private sequence(open: string, close: string): unknown[] {
    this.expect(open);
    const out: unknown[] = [];
    while (!this.take(close)) {
      out.push(this.value());
      if (!this.take(",")) {
        this.expect(close);
        break;
      }
    }
    return out;
  }

  private number(): number {
    const match = /^[-+]?(?:\d[\d_]*(?:\.[\d_]*)?|\.\d[\d_]*)(?:[eE][-+]?\d+)?/.exec(
      this.text.slice(this.pos),
    );
    if (!match) this.fail("malformed number");
    this.pos += match[0].length;
    return Number(match[0].replaceAll("_", ""));
  }

  /** One or more adjacent string literals, joined as Python does. */
  private strings(): string {
    let out = this.string();
    for (;;) {
      const save = this.pos;
      this.skipSpace();
      if (this.atString()) {
        out += this.string();
      } else {
        this.pos = save;
        return out;
      }
    }
  }

  private string(): string {
    let raw = false;
    const prefix = this.text[this.pos];
    if (prefix !== "'" && prefix !== '"') {
      raw = prefix === "r" || prefix === "R";
      this.pos++;
    }
    const quote = this.text[this.pos] as string;
    const triple = this.text.startsWith(quote.repeat(3), this.pos);
    const end = triple ? quote.repeat(3) : quote;
    this.pos += end.length;
    let out = "";
    for (;;) {
      if (this.atEnd()) this.fail("unterminated string");
      if (this.text.startsWith(end, this.pos)) {
        this.pos += end.length;
        return out;
      }
      const c = this.text[this.pos] as string;
      if (c === "\n" && !triple) this.fail("line break inside a string");
      if (c !== "\\") {
        out += c;
        this.pos++;
        continue;
      }
      const next = this.text[this.pos + 1];
      if (next === undefined) this.fail("unterminated string");
      if (raw) {
        // A raw string keeps the backslash; it still cannot end on an escaped quote.
        out += c + next;
        this.pos += 2;
        continue;
      }
      out += this.escape(next);
    }
  }

  /** Decode the escape at `pos` (a backslash followed by `next`), advancing past it. */
  private escape(next: string): string {
    const simple = SIMPLE_ESCAPES[next];
    if (simple !== undefined) {
      this.pos += 2;
      return simple;
    }
    if (next === "\n") {
      this.pos += 2;
      return "";
    }
    const hexLength = next === "x" ? 2 : next === "u" ? 4 : next === "U" ? 8 : 0;
    if (hexLength) {
      const hex = this.text.slice(this.pos + 2, this.pos + 2 + hexLength);
      if (!new RegExp(`^[0-9a-fA-F]{${hexLength}}$`).test(hex)) this.fail(`malformed \\${next} escape`);
      const code = Number.parseInt(hex, 16);
      if (code > 0x10ffff) this.fail(`\\${next}${hex} is not a Unicode code point`);
      this.pos += 2 + hexLength;
      return String.fromCodePoint(code);
    }
    const octal = /^[0-7]{1,3}/.exec(this.text.slice(this.pos + 1))?.[0];
    if (octal) {
      this.pos += 1 + octal.length;
      return String.fromCodePoint(Number.parseInt(octal, 8));
    }
    // Python keeps unknown escapes as written.
    this.pos += 2;
    return `\\${next}`;
  }
}
