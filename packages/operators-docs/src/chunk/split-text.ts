import { findHeadings, headingPathAt } from "./headings.js";
import { BREAK, scanWords, type Words } from "./words.js";

export interface SplitOptions {
  /** Most characters in a chunk, unless one word is longer (or the last chunk took in a short tail). */
  maxChars: number;
  /** Most characters a chunk repeats from the end of the chunk before it. */
  overlapChars: number;
  /** A last chunk that adds fewer new characters than this joins the chunk before it. */
  minChars: number;
  /** Locale of the sentence segmenter. */
  locale: string;
}

export interface TextChunk {
  /** Offset of the chunk's first character in the text. */
  start: number;
  /** Offset just after its last character. */
  end: number;
  /** Headings in force where the chunk starts, top level first. */
  headingPath: string[];
}

export interface SplitResult {
  chunks: TextChunk[];
  /** Whether a short last chunk was joined to the one before it. */
  mergedTail: boolean;
}

/** How full a chunk must be before a break of each strength may end it (fractions of maxChars). */
const FILL = [0, 0.5, 0.5, 0.25];

/**
 * Split `text` into chunks that start and end at word edges, trimmed of surrounding space.
 * Each chunk ends at the strongest break (heading, blank line, sentence end, space) that keeps it
 * within maxChars and at least FILL full; the next starts at the first word within
 * overlapChars of that end. Whitespace-only text gives no chunks.
 */
export function splitText(text: string, options: SplitOptions): SplitResult {
  const headings = findHeadings(text);
  const words = scanWords(text, headings, options.locale);
  if (!words.count) return { chunks: [], mergedTail: false };
  const spans: { a: number; b: number }[] = [];
  let a = 0;
  let b = -1;
  while (b < words.count - 1) {
    b = chooseEnd(words, a, b + 1, options.maxChars);
    spans.push({ a, b });
    if (b < words.count - 1) a = nextStart(words, a, b, options);
  }
  const mergedTail = mergeShortTail(words, spans, options.minChars);
  const chunks = spans.map(({ a, b }) => {
    const start = words.starts[a] as number;
    return { start, end: words.ends[b] as number, headingPath: headingPathAt(headings, start) };
  });
  return { chunks, mergedTail };
}

/** Index of the chunk's last word: at least `minB`, ending at the best break within `maxChars`. */
function chooseEnd(words: Words, a: number, minB: number, maxChars: number): number {
  const base = words.starts[a] as number;
  const last = lastWordWithin(words, base + maxChars);
  if (last <= minB) return minB; // one word longer than the bound: it stays whole
  if (last === words.count - 1) return last;
  const best: (number | undefined)[] = [];
  for (let i = last; i >= minB; i--) {
    const strength = words.breakAfter[i] as number;
    if (
      best[strength] === undefined &&
      (words.ends[i] as number) - base >= (FILL[strength] as number) * maxChars
    ) {
      best[strength] = i;
      if (strength === BREAK.section) break;
    }
  }
  return best[BREAK.section] ?? best[BREAK.paragraph] ?? best[BREAK.sentence] ?? last;
}

/** The next chunk's first word: the first one within overlapChars of the end of word `b` that lets the next new word fit. */
function nextStart(words: Words, a: number, b: number, options: SplitOptions): number {
  const end = words.ends[b] as number;
  let j = Math.max(firstWordFrom(words, end - options.overlapChars), a + 1);
  // Overlap never pushes the next new word past the bound.
  while (j <= b && (words.ends[b + 1] as number) - (words.starts[j] as number) > options.maxChars) j++;
  return j;
}

function mergeShortTail(words: Words, spans: { a: number; b: number }[], minChars: number): boolean {
  const last = spans.at(-1);
  const prev = spans.at(-2);
  if (!last || !prev) return false;
  if ((words.ends[last.b] as number) - (words.ends[prev.b] as number) >= minChars) return false;
  prev.b = last.b;
  spans.pop();
  return true;
}

/** Index of the last word ending at or before `offset` (-1 if none). */
function lastWordWithin(words: Words, offset: number): number {
  let lo = 0;
  let hi = words.count;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((words.ends[mid] as number) <= offset) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/** Index of the first word starting at or after `offset` (count if none). */
function firstWordFrom(words: Words, offset: number): number {
  let lo = 0;
  let hi = words.count;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((words.starts[mid] as number) < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
