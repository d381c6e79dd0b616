/** Exact Jaccard similarity of two sorted sets of unique values: |A ∩ B| / |A ∪ B|. */
export function sortedJaccard(a: Uint32Array, b: Uint32Array, bStart = 0, bEnd: number = b.length): number {
  const lenB = bEnd - bStart;
  if (a.length === 0 && lenB === 0) return 1;
  let i = 0;
  let j = bStart;
  let common = 0;
  while (i < a.length && j < bEnd) {
    const x = a[i] as number;
    const y = b[j] as number;
    if (x === y) {
      common++;
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
  }
  return common / (a.length + lenB - common);
}
