/**
 * Word n-gram shingles for near-duplicate detection. Words are runs of Unicode letters and digits of
 * the lower-cased text (punctuation and spacing do not matter). Each shingle is reduced to a 53-bit
 * key built from two independent 32-bit hashes, so the chance that two different shingles share a
 * key is about 2^-53 per pair: a 10k-word pair of texts has odds below 1e-8 of one false match.
 */

const WORD = /[\p{L}\p{N}]+/gu;

/** 32-bit hashes of the words of `text`, in order. */
export function wordHashes(text: string): Uint32Array {
  const words = text.toLowerCase().match(WORD) ?? [];
  const out = new Uint32Array(words.length);
  for (let i = 0; i < words.length; i++) out[i] = hashWord(words[i] as string);
  return out;
}

/** The set of shingle keys of `n` consecutive words (n >= 1; empty when there are fewer words). */
export function shingleSet(words: Uint32Array, n: number): Set<number> {
  const keys = new Set<number>();
  for (let start = 0; start + n <= words.length; start++) keys.add(shingleKey(words, start, n));
  return keys;
}

function shingleKey(words: Uint32Array, start: number, n: number): number {
  let h1 = 0x811c9dc5;
  let h2 = 0x9747b28c;
  for (let i = start; i < start + n; i++) {
    const w = words[i] as number;
    h1 = Math.imul(h1 ^ w, 0x01000193);
    h2 = Math.imul((h2 << 5) | (h2 >>> 27), 0x5bd1e995) ^ w;
  }
  h1 = fmix(h1);
  h2 = fmix(h2 ^ n);
  return (h1 >>> 0) * 0x200000 + (h2 >>> 11);
}

/** The distinct keys of `shingleSet(words, n)`, sorted ascending (for merge-based containment). */
export function shingleKeys(words: Uint32Array, n: number): Float64Array {
  const keys = new Float64Array(Math.max(0, words.length - n + 1));
  for (let start = 0; start < keys.length; start++) keys[start] = shingleKey(words, start, n);
  keys.sort();
  let kept = 0;
  for (let i = 0; i < keys.length; i++)
    if (i === 0 || keys[i] !== keys[i - 1]) keys[kept++] = keys[i] as number;
  return keys.subarray(0, kept);
}

/** `containment` over sorted distinct keys: the same value for the same sets. */
export function sortedContainment(a: Float64Array, b: Float64Array): number {
  const small = Math.min(a.length, b.length);
  if (small === 0) return 0;
  let shared = 0;
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i] as number;
    const y = b[j] as number;
    if (x === y) {
      shared++;
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
  }
  return shared / small;
}

/** |A ∩ B| / min(|A|, |B|): 1 when the smaller set lies entirely inside the larger; 0 if either is empty. */
export function containment(a: Set<number>, b: Set<number>): number {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  if (small.size === 0) return 0;
  let shared = 0;
  for (const key of small) if (large.has(key)) shared++;
  return shared / small.size;
}

function hashWord(word: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < word.length; i++) h = Math.imul(h ^ word.charCodeAt(i), 0x01000193);
  return fmix(h) >>> 0;
}

/** MurmurHash3's 32-bit finaliser: spreads every input bit over the output. */
function fmix(h: number): number {
  let x = h;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return x ^ (x >>> 16);
}
