/**
 * Winnowing (Schleimer, Wilkerson & Aiken, 2003): from the hashes of every k-gram of a text, keep the
 * minimum of each window of w consecutive k-grams (the rightmost one on ties). Any common substring of
 * at least w + k - 1 code units covers a full window, and equal windows select the same k-gram, so two
 * texts sharing such a run always share a fingerprint. The converse does not hold: a shared
 * fingerprint only proposes a run, which the caller verifies exactly.
 */

/** k-gram length used for a guaranteed run length (shorter runs use k = run length). */
export const WINNOW_K = 24;

/**
 * Sorted, distinct fingerprints of `text` that every common run of >= `runLength` code units hits.
 * Empty when the text is shorter than `runLength` (it can share no such run).
 */
export function winnowFingerprints(text: string, runLength: number): Uint32Array {
  const k = Math.min(WINNOW_K, runLength);
  const w = runLength - k + 1;
  const grams = text.length - k + 1;
  if (runLength < 1 || text.length < runLength || grams < 1) return new Uint32Array(0);
  const hashes = kgramHashes(text, k);
  const picked: number[] = [];
  let last = -1;
  // Sliding-window minimum with a monotonic deque of positions (hashes ascending); it never holds
  // more than `grams` pushes, so plain indices need no wrap-around.
  const deque = new Int32Array(grams);
  let head = 0;
  let tail = 0;
  for (let i = 0; i < grams; i++) {
    const h = hashes[i] as number;
    // Rightmost minimum: pop entries >= h, so an equal later hash replaces the earlier one.
    while (tail > head && (hashes[deque[tail - 1] as number] as number) >= h) tail--;
    deque[tail++] = i;
    if ((deque[head] as number) <= i - w) head++;
    if (i >= w - 1) {
      const at = deque[head] as number;
      if (at !== last) {
        picked.push(hashes[at] as number);
        last = at;
      }
    }
  }
  const out = Uint32Array.from(picked).sort();
  return dedupeSorted(out);
}

/** Whether two sorted fingerprint arrays share a value. */
export function intersects(a: Uint32Array, b: Uint32Array): boolean {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i] as number;
    const y = b[j] as number;
    if (x === y) return true;
    if (x < y) i++;
    else j++;
  }
  return false;
}

/**
 * Whether `a` and `b` share a run of at least `runLength` code units, given fingerprints that both
 * texts' winnowing produced (`shared`, sorted). Exact: every k-gram with a shared fingerprint value
 * is located in both texts and the match around it extended; a run of `runLength` contains a window
 * whose selected k-gram is such a pair, and its extension covers the run.
 */
export function sharedRunThrough(a: string, b: string, runLength: number, shared: Uint32Array): boolean {
  const k = Math.min(WINNOW_K, runLength);
  const ha = kgramHashes(a, k);
  const hb = kgramHashes(b, k);
  const inShared = (h: number) => binarySearch(shared, h);
  const positions = new Map<number, number[]>();
  for (let j = 0; j < hb.length; j++) {
    const h = hb[j] as number;
    if (!inShared(h)) continue;
    const list = positions.get(h);
    if (list) list.push(j);
    else positions.set(h, [j]);
  }
  for (let i = 0; i < ha.length; i++) {
    const list = positions.get(ha[i] as number);
    if (list === undefined) continue;
    for (const j of list) if (runAround(a, i, b, j) >= runLength) return true;
  }
  return false;
}

/** Sorted fingerprint values present in both arrays. */
export function commonValues(a: Uint32Array, b: Uint32Array): Uint32Array {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i] as number;
    const y = b[j] as number;
    if (x === y) {
      out.push(x);
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
  }
  return Uint32Array.from(out);
}

/** Length of the longest common run of `a` and `b` that contains a[i] aligned with b[j]. */
function runAround(a: string, i: number, b: string, j: number): number {
  if (a.charCodeAt(i) !== b.charCodeAt(j)) return 0;
  let left = 0;
  while (i - left - 1 >= 0 && j - left - 1 >= 0 && a.charCodeAt(i - left - 1) === b.charCodeAt(j - left - 1))
    left++;
  let right = 1;
  while (i + right < a.length && j + right < b.length && a.charCodeAt(i + right) === b.charCodeAt(j + right))
    right++;
  return left + right;
}

function binarySearch(sorted: Uint32Array, value: number): boolean {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const v = sorted[mid] as number;
    if (v === value) return true;
    if (v < value) lo = mid + 1;
    else hi = mid;
  }
  return false;
}

/** Rolling polynomial hashes (mod 2^32) of every k-gram, each scrambled by MurmurHash3's finaliser. */
function kgramHashes(text: string, k: number): Uint32Array {
  const BASE = 0x01000193;
  let top = 1;
  for (let i = 0; i < k - 1; i++) top = Math.imul(top, BASE);
  const out = new Uint32Array(text.length - k + 1);
  let h = 0;
  for (let i = 0; i < k; i++) h = (Math.imul(h, BASE) + text.charCodeAt(i)) | 0;
  out[0] = fmix(h);
  for (let i = k; i < text.length; i++) {
    h = (h - Math.imul(text.charCodeAt(i - k), top)) | 0;
    h = (Math.imul(h, BASE) + text.charCodeAt(i)) | 0;
    out[i - k + 1] = fmix(h);
  }
  return out;
}

function fmix(h: number): number {
  let x = h;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

function dedupeSorted(a: Uint32Array): Uint32Array {
  let n = 0;
  for (let i = 0; i < a.length; i++) if (i === 0 || a[i] !== a[i - 1]) a[n++] = a[i] as number;
  return a.subarray(0, n);
}
