/**
 * The UTF-16 offsets where the top-level elements of a JSON array start, in
 * order. `text` must be valid JSON whose top-level value is an array (check it
 * with JSON.parse first): this scanner only tracks nesting and skips strings.
 */
export function jsonArrayElementOffsets(text: string): number[] {
  const offsets: number[] = [];
  const n = text.length;
  let depth = 0;
  let expectElement = false; // just after the top-level "[" or a top-level ","
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) continue;
    if (expectElement) {
      expectElement = false;
      if (!(depth === 1 && c === 0x5d)) offsets.push(i); // not the "]" of an empty array
    }
    if (c === 0x22) {
      // Skip the string; an escape skips the next character (enough to find the closing quote).
      for (i++; i < n; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c) i++;
        else if (d === 0x22) break;
      }
    } else if (c === 0x5b || c === 0x7b) {
      depth++;
      if (depth === 1) expectElement = true;
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
    } else if (c === 0x2c && depth === 1) {
      expectElement = true;
    }
  }
  return offsets;
}
