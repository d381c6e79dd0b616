import { createHash } from "node:crypto";

/**
 * A permutation of 0 … n-1 that depends only on `key`: Fisher–Yates driven by xoshiro128**, seeded
 * with the SHA-256 of the key. The same key gives the same order on every machine and run; keys
 * that differ in any way (another row id, another seed) give unrelated orders.
 */
export function seededPermutation(n: number, key: string): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  const random = seededRandom(key);
  for (let i = n - 1; i > 0; i--) {
    const j = random.below(i + 1);
    const t = order[i] as number;
    order[i] = order[j] as number;
    order[j] = t;
  }
  return order;
}

/** `items` in the order of `seededPermutation(items.length, key)`. */
export function seededShuffle<T>(items: readonly T[], key: string): T[] {
  return seededPermutation(items.length, key).map((i) => items[i] as T);
}

/** A reproducible random source: the same key gives the same sequence on every machine and run. */
export interface SeededRandom {
  /** An unbiased integer in [0, bound); bound ≥ 1. */
  below(bound: number): number;
  /** A float in [0, 1) with 32 bits of randomness. */
  float(): number;
}

/** xoshiro128** seeded with the SHA-256 of `key`. */
export function seededRandom(key: string): SeededRandom {
  const next = xoshiro128(createHash("sha256").update(key).digest());
  return { below: (bound) => uniformBelow(next, bound), float: () => next() / 2 ** 32 };
}

function xoshiro128(seed: Buffer): () => number {
  let a = seed.readUInt32LE(0);
  let b = seed.readUInt32LE(4);
  let c = seed.readUInt32LE(8);
  let d = seed.readUInt32LE(12);
  if ((a | b | c | d) === 0) a = 1; // the all-zero state never leaves zero
  return () => {
    const result = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
    const t = b << 9;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = rotl(d, 11);
    return result;
  };
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** An unbiased integer in [0, bound), by rejecting the uneven top of the 32-bit range. */
function uniformBelow(next: () => number, bound: number): number {
  const limit = 2 ** 32 - (2 ** 32 % bound);
  for (;;) {
    const x = next();
    if (x < limit) return x % bound;
  }
}
