import { describe, expect, it } from "vitest";
import {
  describeSelection,
  hashSelection,
  parseShard,
  rangeSelection,
  selectionExhausted,
  selects,
  stableIdHash,
} from "./row-selection.js";

describe("row selection", () => {
  it("hashes ids with FNV-1a over UTF-8 (fixed values: shard membership must never change)", () => {
    expect(stableIdHash("")).toBe(0x811c9dc5);
    expect(stableIdHash("a")).toBe(0xe40c292c);
    expect(stableIdHash("foobar")).toBe(0xbf9cf968);
    expect(stableIdHash("é")).not.toBe(stableIdHash("e"));
  });

  it("puts every id in exactly one of N shards, spread evenly", () => {
    const shards = [0, 1, 2].map((i) => hashSelection(i, 3));
    const counts: number[] = [0, 0, 0];
    for (let n = 1; n <= 3000; n++) {
      const owners = shards.filter((s) => selects(s, String(n), n - 1));
      expect(owners).toHaveLength(1);
      const owner = (owners[0] as { index: number }).index;
      counts[owner] = (counts[owner] ?? 0) + 1;
    }
    for (const c of counts) expect(c).toBeGreaterThan(800);
  });

  it("selects a range of source positions, whatever the id, and says when it is exhausted", () => {
    const r = rangeSelection(10, 20);
    expect(selects(r, "x", 9)).toBe(false);
    expect(selects(r, "x", 10)).toBe(true);
    expect(selects(r, "x", 19)).toBe(true);
    expect(selects(r, "x", 20)).toBe(false);
    expect(selectionExhausted(r, 19)).toBe(false);
    expect(selectionExhausted(r, 20)).toBe(true);
    expect(selectionExhausted(hashSelection(0, 2), 1e9)).toBe(false);
    expect(selects(undefined, "x", 5)).toBe(true);
    expect(describeSelection(r)).toBe("rows 10…19");
  });

  it("parses I/N and explains a bad shard", () => {
    expect(parseShard("2/8")).toEqual({ kind: "hash", index: 2, count: 8 });
    expect(describeSelection(parseShard(" 0 / 1 "))).toBe("shard 0/1");
    expect(() => parseShard("3/3")).toThrow(/shard index 3 is outside 0…2/);
    expect(() => parseShard("0/0")).toThrow(/shard count 0 must be a whole number ≥ 1/);
    expect(() => parseShard("1-3")).toThrow(/write I\/N, e\.g\. 0\/4/);
    expect(() => parseShard("-1/3")).toThrow(/not a shard/);
    expect(() => rangeSelection(5, 4)).toThrow(/end 4 must be a whole number ≥ start \(5\)/);
  });
});
