/** A Markdown ATX heading (`## Rim brakes`) and where its line starts and its text ends. */
export interface Heading {
  /** Offset of the line's first `#`. */
  start: number;
  /** Offset just after the heading's last non-space character. */
  end: number;
  level: number;
  title: string;
  /** Titles from the top level down to this heading. */
  path: string[];
}

const ATX = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;

/**
 * ATX headings outside fenced code blocks, each with its path of parent headings. Setext
 * headings (a line underlined with === or ---) are not recognised: they read as paragraphs.
 */
export function findHeadings(text: string): Heading[] {
  const headings: Heading[] = [];
  const stack: Heading[] = [];
  let fence: string | undefined;
  let lineStart = 0;
  while (lineStart <= text.length) {
    const newline = text.indexOf("\n", lineStart);
    const lineEnd = newline === -1 ? text.length : newline;
    const line = text.slice(lineStart, lineEnd).replace(/\r$/, "");
    const fenceMark = FENCE.exec(line)?.[1];
    if (fence !== undefined) {
      if (fenceMark && fenceMark[0] === fence[0] && fenceMark.length >= fence.length) fence = undefined;
    } else if (fenceMark) {
      fence = fenceMark;
    } else {
      const m = ATX.exec(line);
      const title = m?.[2]?.trim();
      if (m?.[1] && title) {
        const level = m[1].length;
        while (stack.length && (stack.at(-1) as Heading).level >= level) stack.pop();
        const start = lineStart + line.indexOf("#");
        const end = lineStart + line.trimEnd().length;
        const heading: Heading = { start, end, level, title, path: [...stack.map((h) => h.title), title] };
        stack.push(heading);
        headings.push(heading);
      }
    }
    if (newline === -1) break;
    lineStart = newline + 1;
  }
  return headings;
}

/** The path of headings in force at `offset` (the last heading starting at or before it). */
export function headingPathAt(headings: readonly Heading[], offset: number): string[] {
  let lo = 0;
  let hi = headings.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((headings[mid] as Heading).start <= offset) lo = mid + 1;
    else hi = mid;
  }
  return lo === 0 ? [] : (headings[lo - 1] as Heading).path;
}
