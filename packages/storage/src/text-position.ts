/** A 1-based line and column in a text. */
export interface LineColumn {
  line: number;
  column: number;
}

/**
 * Turns UTF-16 offsets in a text into 1-based lines and columns. Lines end at
 * "\n"; columns count characters (Unicode code points), as a person counts
 * them, not UTF-16 units or bytes. Offsets asked in increasing order cost one
 * pass over the text in all, even on a single long line.
 */
export class LineCursor {
  private pos = 0;
  private line = 1;
  private column = 1;

  constructor(private readonly text: string) {}

  at(offset: number): LineColumn {
    const end = Math.min(Math.max(offset, 0), this.text.length);
    if (end < this.pos) {
      this.pos = 0;
      this.line = 1;
      this.column = 1;
    }
    const text = this.text;
    let i = this.pos;
    while (i < end) {
      const c = text.charCodeAt(i);
      if (c === 0x0a) {
        this.line++;
        this.column = 1;
        i++;
        continue;
      }
      // A surrogate pair is one character.
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < end) {
        const d = text.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) i++;
      }
      this.column++;
      i++;
    }
    this.pos = i;
    return { line: this.line, column: this.column };
  }
}

/** The 1-based line and column of a UTF-16 offset in `text` (see LineCursor). */
export function lineColumnAt(text: string, offset: number): LineColumn {
  return new LineCursor(text).at(offset);
}

/** Number of code points in text[start, end): a surrogate pair counts once. */
export function codePointCount(text: string, start: number, end: number): number {
  let count = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < end) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    count++;
  }
  return count;
}
