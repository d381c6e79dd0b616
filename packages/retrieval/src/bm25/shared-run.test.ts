import { describe, expect, it } from "vitest";
import { hasSharedRun, longestCommonSubstring, SharedRunIndex } from "./shared-run.js";
import { seededRandom } from "@dataflow/core";

/** O(n·m) dynamic programme, the textbook definition. */
function lcsByDp(a: string, b: string): number {
  let best = 0;
  let prev = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    const cur = new Array<number>(b.length + 1).fill(0);
    for (let j = 1; j <= b.length; j++) {
      if (a[i - 1] === b[j - 1]) {
        cur[j] = (prev[j - 1] as number) + 1;
        best = Math.max(best, cur[j] as number);
      }
    }
    prev = cur;
  }
  return best;
}

describe("shared runs", () => {
  it("longestCommonSubstring equals the DP on random strings over small alphabets", () => {
    const random = seededRandom("11").float;
    for (let round = 0; round < 300; round++) {
      const alphabet = "abcé🫀"[Math.floor(random() * 5)]
        ? "abc".slice(0, 1 + Math.floor(random() * 3))
        : "ab";
      const make = () =>
        Array.from(
          { length: Math.floor(random() * 40) },
          () => alphabet[Math.floor(random() * alphabet.length)],
        ).join("");
      const a = make();
      const b = make();
      expect(longestCommonSubstring(a, b), `${a} / ${b}`).toBe(lcsByDp(a, b));
    }
  });

  it("handles empty strings, identical strings, and non-ASCII text", () => {
    expect(longestCommonSubstring("", "abc")).toBe(0);
    expect(longestCommonSubstring("same text", "same text")).toBe(9);
    expect(longestCommonSubstring("naïve café ☕ ok", "a naïve café ☕!")).toBe(
      lcsByDp("naïve café ☕ ok", "a naïve café ☕!"),
    );
    expect(hasSharedRun("abc", "xyz", 0)).toBe(true);
    expect(hasSharedRun("ab", "abc", 3)).toBe(false);
  });

  it("finds a verified run even among many repeated windows", () => {
    const index = new SharedRunIndex(`${"ab".repeat(500)}XYZ`, 3);
    expect(index.findIn("qqqbXYqq")).toBe(3);
    expect(index.findIn("qqqq")).toBe(-1);
    expect(() => new SharedRunIndex("abc", 0)).toThrow(RangeError);
  });
});
