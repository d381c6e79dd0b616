import { describe, expect, it } from "vitest";
import { hashCodeUnits } from "./hash32.js";
import { SEED_A, SEED_B, TokenHasher, words } from "./tokens.js";

describe("words", () => {
  it("normalises case, punctuation and compatibility forms", () => {
    expect(words("Hello, WORLD!! It's ﬁne—really")).toEqual(["hello", "world", "it", "s", "fine", "really"]);
    expect(words("Ça va? नमस्ते दुनिया")).toEqual(["ça", "va", "नमस्ते", "दुनिया"]);
  });
});

describe("TokenHasher", () => {
  it("hashes ASCII text without strings exactly as the Unicode path hashes its words", () => {
    const hasher = new TokenHasher();
    const text = "The  QUICK brown_fox, 42 times!";
    const n = hasher.hash(text);
    const expected = words(text);
    expect(n).toBe(expected.length);
    expected.forEach((w, i) => {
      expect(hasher.a[i]).toBe(hashCodeUnits(w, 0, w.length, SEED_A));
      expect(hasher.b[i]).toBe(hashCodeUnits(w, 0, w.length, SEED_B));
    });
    // The same words in a non-ASCII text take the other path and hash the same.
    const ascii = Array.from(hasher.a.subarray(0, n));
    expect(hasher.hash(`${text} é`)).toBe(n + 1);
    expect(Array.from(hasher.a.subarray(0, n))).toEqual(ascii);
  });

  it("grows its buffers for long texts", () => {
    const hasher = new TokenHasher();
    const text = Array.from({ length: 1000 }, (_, i) => `w${i}`).join(" ");
    expect(hasher.hash(text)).toBe(1000);
    expect(hasher.a[999]).toBe(hashCodeUnits("w999", 0, 4, SEED_A));
  });
});
