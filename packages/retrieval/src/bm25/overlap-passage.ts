import { normalizeText, type OverlapRule } from "./overlap.js";
import { shingleKeys, wordHashes } from "./shingles.js";
import { winnowFingerprints } from "./winnow.js";

// Bits of each passage's word filter: a word whose bit is clear cannot be in the passage.
export const FILTER_WORDS = 8; // x 32 bits
export const FILTER_MASK = FILTER_WORDS * 32 - 1;

/** What the overlap rule keeps per passage, slot by slot (an OverlapIndex's, or a thread's chunk). */
export interface PassageArrays {
  readonly hashes: Float64Array;
  readonly lengths: Int32Array;
  readonly wordCounts: Int32Array;
  readonly shingleCounts: Int32Array;
  /** FILTER_WORDS per slot. */
  readonly filters: Uint32Array;
}

export function passageArrays(size: number): PassageArrays {
  return {
    hashes: new Float64Array(size),
    lengths: new Int32Array(size),
    wordCounts: new Int32Array(size),
    shingleCounts: new Int32Array(size),
    filters: new Uint32Array(size * FILTER_WORDS),
  };
}

/** The text as the rule compares it. */
export function comparedText(raw: string, rule: OverlapRule): string {
  return rule.normalize ? normalizeText(raw) : raw;
}

/**
 * Computes one passage's overlap data into `slot` of `out` and returns its winnowed fingerprints.
 * The same function runs on the step's thread (lazily) and on precomputing threads, so the data,
 * and with it every verdict, is the same wherever it was computed.
 */
export function computePassage(
  raw: string,
  rule: OverlapRule,
  out: PassageArrays,
  slot: number,
): Uint32Array {
  const text = comparedText(raw, rule);
  out.hashes[slot] = textHash(text);
  out.lengths[slot] = text.length;
  if (rule.maxContainment > 0) indexWords(text, rule.shingleSize, out, slot);
  return fingerprintsOf(text, rule);
}

export function fingerprintsOf(text: string, rule: OverlapRule): Uint32Array {
  return rule.minSharedChars > 0 ? winnowFingerprints(text, rule.minSharedChars) : EMPTY;
}

function indexWords(text: string, shingleSize: number, out: PassageArrays, slot: number): void {
  const words = wordHashes(text);
  out.wordCounts[slot] = words.length;
  const base = slot * FILTER_WORDS;
  const filters = out.filters;
  for (let i = 0; i < words.length; i++) {
    const bit = (words[i] as number) & FILTER_MASK;
    filters[base + (bit >>> 5)] = (filters[base + (bit >>> 5)] as number) | (1 << (bit & 31));
  }
  if (words.length >= shingleSize) out.shingleCounts[slot] = shingleKeys(words, shingleSize).length;
}

const EMPTY = new Uint32Array(0);

/** A 53-bit hash of a string from two independent 32-bit ones. */
export function textHash(text: string): number {
  let h1 = 0x811c9dc5;
  let h2 = 0x9747b28c;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul((h2 << 5) | (h2 >>> 27), 0x5bd1e995) ^ c;
  }
  return (fmix(h1) >>> 0) * 0x200000 + (fmix(h2 ^ text.length) >>> 11);
}

function fmix(h: number): number {
  let x = h;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return x ^ (x >>> 16);
}
