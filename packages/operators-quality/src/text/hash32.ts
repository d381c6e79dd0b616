/** MurmurHash3's 32-bit finaliser: a bijection that spreads every input bit over the output. */
export function mix32(value: number): number {
  let h = value | 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** A seeded 32-bit hash of `text[start, end)` by UTF-16 code unit (FNV-1a steps, then mixed). */
export function hashCodeUnits(text: string, start: number, end: number, seed: number): number {
  let h = (0x811c9dc5 ^ seed) | 0;
  for (let i = start; i < end; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return mix32(h ^ (end - start));
}

/**
 * The hash of the `n` token hashes from `start`: folded in order, so "a b" and "b a" differ.
 * Two calls with independent token hashes and seeds make a 64-bit key.
 */
export function ngramHash(tokens: Uint32Array, start: number, n: number, seed: number): number {
  let h = seed | 0;
  for (let i = start; i < start + n; i++) h = mix32((h + Math.imul(tokens[i] as number, 0x9e3779b1)) | 0);
  return h;
}
