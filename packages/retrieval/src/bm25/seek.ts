/** The first position in [p, end) whose docId is >= doc: an exponential probe, then binary search. */
export function seek(docIds: Int32Array, p: number, end: number, doc: number): number {
  if (p >= end || (docIds[p] as number) >= doc) return p;
  let low = p + 1;
  let step = 1;
  let high = p + 1;
  while (high < end && (docIds[high] as number) < doc) {
    low = high + 1;
    step *= 2;
    high += step;
  }
  if (high > end) high = end;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((docIds[mid] as number) < doc) low = mid + 1;
    else high = mid;
  }
  return low;
}
