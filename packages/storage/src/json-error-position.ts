/**
 * Where in a text JSON.parse failed, as a UTF-16 offset.
 *
 * V8 reports the position in the message, but not always and not in one form:
 * Node 20 says "... in JSON at position N", Node 22+ adds "(line L column C)",
 * and both say only "Unexpected token 'x', "..." is not valid JSON" or
 * "Unexpected end of JSON input" for some errors. So: read the position from
 * the message when it is there, otherwise find it with a small JSON syntax
 * scanner (which agrees with V8 where V8 does report one).
 */
export function jsonErrorOffset(text: string, err: unknown): number {
  const message = err instanceof Error ? err.message : String(err);
  const pos = /at position (\d+)/.exec(message);
  if (pos?.[1] !== undefined) return Math.min(Number(pos[1]), text.length);
  const lc = /\(line (\d+) column (\d+)\)/.exec(message);
  if (lc?.[1] !== undefined && lc[2] !== undefined) {
    const offset = offsetOfLineColumn(text, Number(lc[1]), Number(lc[2]));
    if (offset !== undefined) return offset;
  }
  const found = findJsonSyntaxError(text);
  return found === -1 ? text.length : found;
}

/** The offset of a 1-based line and (UTF-16) column, as V8 counts them. */
function offsetOfLineColumn(text: string, line: number, column: number): number | undefined {
  let start = 0;
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf("\n", start);
    if (nl === -1) return undefined;
    start = nl + 1;
  }
  return Math.min(start + column - 1, text.length);
}

// Scanner states: expecting a value, an object key, or what follows a value.
const VALUE = 0;
const KEY = 1;
const AFTER_VALUE = 2;

const OBJECT = 1;
const ARRAY = 0;

function isWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function isHex(c: number): boolean {
  return isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

/**
 * The offset of the first JSON syntax error in `s` (RFC 8259), or -1 when `s`
 * is valid JSON. Iterative, so deeply nested input cannot overflow the stack.
 */
export function findJsonSyntaxError(s: string): number {
  const n = s.length;
  const stack: number[] = [];
  let i = 0;
  let state = VALUE;

  const skipWhitespace = (): void => {
    while (i < n && isWhitespace(s.charCodeAt(i))) i++;
  };

  // Each scan starts at the first character of the token and leaves `i` after
  // it; it returns the error offset, or -1.
  const scanString = (): number => {
    i++; // opening quote
    while (i < n) {
      const c = s.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return -1;
      }
      if (c === 0x5c) {
        i++;
        if (i >= n) return n;
        const e = s.charCodeAt(i);
        if (e === 0x75) {
          // \uXXXX
          for (let k = 1; k <= 4; k++) {
            if (i + k >= n) return n;
            if (!isHex(s.charCodeAt(i + k))) return i + k;
          }
          i += 5;
        } else if ('"\\/bfnrt'.includes(s[i] as string)) {
          i++;
        } else {
          return i;
        }
      } else if (c < 0x20) {
        return i;
      } else {
        i++;
      }
    }
    return n;
  };

  const scanNumber = (): number => {
    if (s.charCodeAt(i) === 0x2d) i++; // minus
    if (i >= n) return n;
    if (s.charCodeAt(i) === 0x30) {
      i++;
    } else if (isDigit(s.charCodeAt(i))) {
      while (i < n && isDigit(s.charCodeAt(i))) i++;
    } else {
      return i;
    }
    if (s.charCodeAt(i) === 0x2e) {
      i++;
      if (i >= n) return n;
      if (!isDigit(s.charCodeAt(i))) return i;
      while (i < n && isDigit(s.charCodeAt(i))) i++;
    }
    const e = s.charCodeAt(i);
    if (e === 0x65 || e === 0x45) {
      i++;
      const sign = s.charCodeAt(i);
      if (sign === 0x2b || sign === 0x2d) i++;
      if (i >= n) return n;
      if (!isDigit(s.charCodeAt(i))) return i;
      while (i < n && isDigit(s.charCodeAt(i))) i++;
    }
    return -1;
  };

  const scanLiteral = (word: string): number => {
    for (let k = 0; k < word.length; k++) {
      if (i >= n) return n;
      if (s.charCodeAt(i) !== word.charCodeAt(k)) return i;
      i++;
    }
    return -1;
  };

  for (;;) {
    skipWhitespace();
    if (state === AFTER_VALUE) {
      if (stack.length === 0) return i < n ? i : -1;
      if (i >= n) return n;
      const c = s.charCodeAt(i);
      const top = stack[stack.length - 1];
      if (c === 0x2c) {
        i++;
        state = top === OBJECT ? KEY : VALUE;
      } else if ((top === OBJECT && c === 0x7d) || (top === ARRAY && c === 0x5d)) {
        i++;
        stack.pop();
      } else {
        return i;
      }
      continue;
    }
    if (i >= n) return n;
    if (state === KEY) {
      if (s.charCodeAt(i) !== 0x22) return i;
      const err = scanString();
      if (err !== -1) return err;
      skipWhitespace();
      if (i >= n) return n;
      if (s.charCodeAt(i) !== 0x3a) return i;
      i++;
      state = VALUE;
      continue;
    }
    // VALUE
    const c = s.charCodeAt(i);
    let err = -1;
    if (c === 0x7b || c === 0x5b) {
      i++;
      skipWhitespace();
      const close = c === 0x7b ? 0x7d : 0x5d;
      if (i < n && s.charCodeAt(i) === close) {
        i++;
        state = AFTER_VALUE;
      } else {
        stack.push(c === 0x7b ? OBJECT : ARRAY);
        state = c === 0x7b ? KEY : VALUE;
      }
      continue;
    }
    if (c === 0x22) err = scanString();
    else if (c === 0x2d || isDigit(c)) err = scanNumber();
    else if (c === 0x74) err = scanLiteral("true");
    else if (c === 0x66) err = scanLiteral("false");
    else if (c === 0x6e) err = scanLiteral("null");
    else return i;
    if (err !== -1) return err;
    state = AFTER_VALUE;
  }
}
