import type { Heading } from "./headings.js";

/** How good a place to end a chunk the gap after a word is, weakest first. */
export const BREAK = { word: 0, sentence: 1, paragraph: 2, section: 3 } as const;

/** The text's words (runs of non-space characters) and the strength of the break after each. */
export interface Words {
  readonly count: number;
  readonly starts: Int32Array;
  readonly ends: Int32Array;
  readonly breakAfter: Uint8Array;
}

/**
 * Chunks start and end only at word edges, so a word is never cut. A break before a heading
 * is a section break; a blank line a paragraph break; a sentence end (Intl.Segmenter) a sentence
 * break. The break right after a heading's own text is the weakest, so no chunk ends on a heading.
 */
export function scanWords(text: string, headings: readonly Heading[], locale: string): Words {
  const starts: number[] = [];
  const ends: number[] = [];
  for (const m of text.matchAll(/\S+/g)) {
    starts.push(m.index);
    ends.push(m.index + m[0].length);
  }
  const sentenceEnds = new Set<number>();
  for (const s of new Intl.Segmenter(locale, { granularity: "sentence" }).segment(text)) {
    sentenceEnds.add(s.index + s.segment.trimEnd().length);
  }
  const headingStarts = new Set(headings.map((h) => h.start));
  const headingEnds = new Set(headings.map((h) => h.end));
  const breakAfter = new Uint8Array(starts.length);
  for (let i = 0; i < starts.length; i++) {
    const end = ends[i] as number;
    const next = starts[i + 1] ?? text.length;
    let strength: number = BREAK.word;
    if (i + 1 === starts.length || headingStarts.has(next)) strength = BREAK.section;
    else if (headingEnds.has(end)) strength = BREAK.word;
    else if (/\n[ \t]*\r?\n/.test(text.slice(end, next))) strength = BREAK.paragraph;
    else if (sentenceEnds.has(end)) strength = BREAK.sentence;
    breakAfter[i] = strength;
  }
  return {
    count: starts.length,
    starts: Int32Array.from(starts),
    ends: Int32Array.from(ends),
    breakAfter,
  };
}
