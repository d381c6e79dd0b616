type IntArray = Uint32Array | Int32Array;

/** `array`, or a copy at least twice as long when it has fewer than `needed` elements. */
export function ensureLength<T extends IntArray>(array: T, needed: number): T {
  if (needed <= array.length) return array;
  const grown = new (array.constructor as new (n: number) => T)(Math.max(needed, array.length * 2));
  grown.set(array);
  return grown;
}
