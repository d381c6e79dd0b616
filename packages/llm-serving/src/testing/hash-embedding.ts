/**
 * The test server's default embedding: a hashed bag of words. Each lower-cased word
 * (`[a-z0-9]+`) adds ±1 to one dimension, both picked by its FNV-1a 32-bit hash (the dimension
 * from the hash modulo `dims`, the sign from its top bit), and the sum is L2-normalised. Texts
 * sharing words get similar vectors, so dense retrieval can be tested without a model; a text
 * with no words gets the zero vector.
 */
export function hashEmbedding(text: string, dims: number): number[] {
  if (!Number.isInteger(dims) || dims < 1)
    throw new RangeError(`dims must be a whole number ≥ 1, got ${dims}`);
  const vector = new Array<number>(dims).fill(0);
  for (const word of text.toLowerCase().match(/[a-z0-9]+/g) ?? []) {
    const hash = fnv1a(word);
    const dim = hash % dims;
    vector[dim] = (vector[dim] ?? 0) + (hash & 0x80000000 ? -1 : 1);
  }
  let norm = 0;
  for (const v of vector) norm += v * v;
  norm = Math.sqrt(norm);
  return norm > 0 ? vector.map((v) => v / norm) : vector;
}

/** FNV-1a, 32 bits, over the string's UTF-16 code units (the words hashed are ASCII). */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}
