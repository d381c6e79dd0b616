import { hashCodeUnits, mix32 } from "./hash32.js";

/**
 * Text normalisation shared by the quality operators: Unicode NFKC, lower case, and words as runs
 * of letters, digits and combining marks; everything else (punctuation, symbols, whitespace)
 * only separates words. "Hello, World!" and "hello world" are the same two words.
 */
const WORD = /[\p{L}\p{N}\p{M}]+/gu;

/** The normalised words of `text`. */
export function words(text: string): string[] {
  return text.normalize("NFKC").toLowerCase().match(WORD) ?? [];
}

/** The normalised text: its words joined by single spaces (what character shingles are cut from). */
export function normalisedText(text: string): string {
  return words(text).join(" ");
}

export const SEED_A = 0x2545f491;
export const SEED_B = 0x6c8e9cf5;

/**
 * Hashes the normalised words of a text into reusable typed arrays, two independent 32-bit hashes
 * per word (`a` and `b`), without building word strings when the text is ASCII (the common case).
 */
export class TokenHasher {
  a = new Uint32Array(256);
  b = new Uint32Array(256);

  /** Hashes the words of `text` into `a[0, n)` and `b[0, n)`; returns n. */
  hash(text: string): number {
    const n = this.hashAscii(text);
    return n >= 0 ? n : this.hashWords(words(text));
  }

  /** -1 when the text is not ASCII. Must agree with hashWords on ASCII text. */
  private hashAscii(text: string): number {
    let n = 0;
    let ha = 0;
    let hb = 0;
    let len = 0;
    for (let i = 0; i <= text.length; i++) {
      let c = i < text.length ? text.charCodeAt(i) : 32;
      if (c >= 128) return -1;
      if (c >= 65 && c <= 90) c += 32;
      if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57)) {
        if (len === 0) {
          ha = (0x811c9dc5 ^ SEED_A) | 0;
          hb = (0x811c9dc5 ^ SEED_B) | 0;
        }
        ha = Math.imul(ha ^ c, 0x01000193);
        hb = Math.imul(hb ^ c, 0x01000193);
        len++;
      } else if (len > 0) {
        this.reserve(n + 1);
        this.a[n] = mix32(ha ^ len);
        this.b[n] = mix32(hb ^ len);
        n++;
        len = 0;
      }
    }
    return n;
  }

  private hashWords(list: readonly string[]): number {
    this.reserve(list.length);
    for (let i = 0; i < list.length; i++) {
      const w = list[i] as string;
      this.a[i] = hashCodeUnits(w, 0, w.length, SEED_A);
      this.b[i] = hashCodeUnits(w, 0, w.length, SEED_B);
    }
    return list.length;
  }

  private reserve(n: number): void {
    if (n <= this.a.length) return;
    const size = Math.max(n, this.a.length * 2);
    const a = new Uint32Array(size);
    const b = new Uint32Array(size);
    a.set(this.a);
    b.set(this.b);
    this.a = a;
    this.b = b;
  }
}
