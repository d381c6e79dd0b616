/**
 * Exact "do two texts share a run of at least L characters?" in O(n + m) with a Rabin–Karp rolling
 * hash over UTF-16 code units. Hashes only propose matches; every proposal is verified character by
 * character, so hash collisions cost time, never correctness.
 */

// Mersenne prime 2^31 - 1; with a base below 2^21 every intermediate stays an exact double (< 2^53).
const MOD = 2147483647;
const BASE = 1000003;

/** All windows of `windowLength` code units of one text, ready to be probed with other texts. */
export class SharedRunIndex {
  // hash -> first window start; colliding windows with different content go to `more`.
  private readonly first = new Map<number, number>();
  private readonly more = new Map<number, number[]>();
  private readonly topPower: number;

  constructor(
    readonly text: string,
    readonly windowLength: number,
  ) {
    if (!Number.isInteger(windowLength) || windowLength < 1) {
      throw new RangeError(`windowLength must be an integer >= 1, got ${windowLength}`);
    }
    this.topPower = power(windowLength - 1);
    forEachWindow(text, windowLength, this.topPower, (hash, start) => {
      const seen = this.first.get(hash);
      if (seen === undefined) this.first.set(hash, start);
      else if (!sameWindow(text, seen, text, start, windowLength)) {
        const list = this.more.get(hash);
        if (list === undefined) this.more.set(hash, [start]);
        else if (!list.some((s) => sameWindow(text, s, text, start, windowLength))) list.push(start);
      }
      return true;
    });
  }

  /** Start of the first window of `other` that also occurs in the indexed text, or -1. */
  findIn(other: string): number {
    const L = this.windowLength;
    let found = -1;
    forEachWindow(other, L, this.topPower, (hash, start) => {
      const seen = this.first.get(hash);
      if (seen === undefined) return true;
      if (sameWindow(this.text, seen, other, start, L)) {
        found = start;
        return false;
      }
      const list = this.more.get(hash);
      if (list?.some((s) => sameWindow(this.text, s, other, start, L))) {
        found = start;
        return false;
      }
      return true;
    });
    return found;
  }
}

/** Whether `a` and `b` share a substring of at least `length` code units (length <= 0: always). */
export function hasSharedRun(a: string, b: string, length: number): boolean {
  if (length <= 0) return true;
  if (a.length < length || b.length < length) return false;
  const [small, large] = a.length <= b.length ? [a, b] : [b, a];
  return new SharedRunIndex(small, length).findIn(large) >= 0;
}

/** Length of the longest common substring, exact, in O((n + m) log min(n, m)). */
export function longestCommonSubstring(a: string, b: string): number {
  let lo = 0; // known shared
  let hi = Math.min(a.length, b.length); // upper bound
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (hasSharedRun(a, b, mid)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function power(exponent: number): number {
  let p = 1;
  for (let i = 0; i < exponent; i++) p = (p * BASE) % MOD;
  return p;
}

/** Calls `visit(hash, start)` for each window; stops early when `visit` returns false. */
function forEachWindow(
  text: string,
  L: number,
  topPower: number,
  visit: (hash: number, start: number) => boolean,
): void {
  const n = text.length;
  if (n < L) return;
  let h = 0;
  for (let i = 0; i < L; i++) h = (h * BASE + text.charCodeAt(i)) % MOD;
  if (!visit(h, 0)) return;
  for (let start = 1; start + L <= n; start++) {
    const out = text.charCodeAt(start - 1);
    h = (h - ((out * topPower) % MOD) + MOD) % MOD;
    h = (h * BASE + text.charCodeAt(start + L - 1)) % MOD;
    if (!visit(h, start)) return;
  }
}

function sameWindow(a: string, ai: number, b: string, bi: number, L: number): boolean {
  for (let i = 0; i < L; i++) if (a.charCodeAt(ai + i) !== b.charCodeAt(bi + i)) return false;
  return true;
}
