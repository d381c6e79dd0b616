import { hashCodeUnits, ngramHash } from "../text/hash32.js";
import { normalisedText, SEED_A, TokenHasher } from "../text/tokens.js";

export type ShingleUnit = "word" | "char";

const SHINGLE_SEED = 0x3c6ef372;

/**
 * Cuts a text into shingles (overlapping n-grams of normalised words, or of the normalised text's
 * characters) and returns their 32-bit hashes sorted and unique, in a buffer reused across calls.
 * A text shorter than one n-gram is one shingle (so short texts still match their copies); a text
 * with no words has none.
 */
export class Shingler {
  private readonly tokens = new TokenHasher();
  private buffer = new Uint32Array(256);

  constructor(
    readonly unit: ShingleUnit,
    readonly size: number,
  ) {}

  /** The sorted unique shingle hashes of `text`; valid until the next call. */
  shingles(text: string): Uint32Array {
    const count = this.unit === "word" ? this.wordShingles(text) : this.charShingles(text);
    const sorted = this.buffer.subarray(0, count).sort();
    let unique = 0;
    for (let i = 0; i < count; i++) {
      const v = sorted[i] as number;
      if (unique === 0 || v !== sorted[unique - 1]) sorted[unique++] = v;
    }
    return sorted.subarray(0, unique);
  }

  private wordShingles(text: string): number {
    const n = this.tokens.hash(text);
    if (n === 0) return 0;
    const size = Math.min(this.size, n);
    const count = n - size + 1;
    this.reserve(count);
    for (let i = 0; i < count; i++) this.buffer[i] = ngramHash(this.tokens.a, i, size, SHINGLE_SEED);
    return count;
  }

  private charShingles(text: string): number {
    const s = normalisedText(text);
    if (s.length === 0) return 0;
    const size = Math.min(this.size, s.length);
    const count = s.length - size + 1;
    this.reserve(count);
    for (let i = 0; i < count; i++) this.buffer[i] = hashCodeUnits(s, i, i + size, SEED_A);
    return count;
  }

  private reserve(n: number): void {
    if (n > this.buffer.length) this.buffer = new Uint32Array(Math.max(n, this.buffer.length * 2));
  }
}
