import { describe, expect, it } from "vitest";
import { mix32 } from "../text/hash32.js";
import { NgramHashSet } from "./ngram-hash-set.js";

describe("NgramHashSet", () => {
  it("keeps the first item of each key through growth and misses keys that differ in one half", () => {
    const set = new NgramHashSet();
    const n = 50_000;
    for (let i = 0; i < n; i++) set.add(mix32(i), mix32(i + n), i % 97);
    for (let i = 0; i < n; i += 7) set.add(mix32(i), mix32(i + n), 500);
    expect(set.size).toBe(n);
    for (let i = 0; i < n; i++) expect(set.get(mix32(i), mix32(i + n))).toBe(i % 97);
    expect(set.get(mix32(5), mix32(6))).toBe(-1);
    expect(set.get(mix32(3 * n), mix32(5))).toBe(-1);
  });
});
