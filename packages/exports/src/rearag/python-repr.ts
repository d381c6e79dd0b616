// Python's str.isprintable() is false for these categories (the ASCII space aside); repr escapes them.
const NOT_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;

/**
 * A string as Python 3's `repr` writes it: single quotes, or double quotes when the string has an
 * apostrophe and no double quote; backslashes, the chosen quote, \t \n \r and unprintable characters
 * escaped; printable non-ASCII left as it is.
 */
export function pythonStringRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    if (ch === quote || ch === "\\") out += `\\${ch}`;
    else if (ch === "\t") out += "\\t";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === " " || !NOT_PRINTABLE.test(ch)) out += ch;
    else {
      const code = ch.codePointAt(0) as number;
      const hex = code.toString(16);
      if (code <= 0xff) out += `\\x${hex.padStart(2, "0")}`;
      else if (code <= 0xffff) out += `\\u${hex.padStart(4, "0")}`;
      else out += `\\U${hex.padStart(8, "0")}`;
    }
  }
  return out + quote;
}

/**
 * A value as Python's `repr` writes the equivalent dict/list/str/int/bool/None: `{'k': 'v', 'n': 1}`.
 * Whole numbers print as ints; other numbers as JavaScript writes them (not always Python's float repr).
 */
export function pythonRepr(value: unknown): string {
  if (typeof value === "string") return pythonStringRepr(value);
  if (value === null || value === undefined) return "None";
  if (value === true) return "True";
  if (value === false) return "False";
  if (typeof value === "number") {
    if (Number.isNaN(value)) return "nan";
    if (!Number.isFinite(value)) return value > 0 ? "inf" : "-inf";
    return String(value);
  }
  if (Array.isArray(value)) return `[${value.map(pythonRepr).join(", ")}]`;
  if (typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>);
    return `{${entries.map(([k, v]) => `${pythonStringRepr(k)}: ${pythonRepr(v)}`).join(", ")}}`;
  }
  throw new TypeError(`cannot write a ${typeof value} as a Python literal`);
}
