import { describe, expect, it } from "vitest";
import { completeUtf8Length, firstInvalidUtf8 } from "./utf8.js";

describe("firstInvalidUtf8", () => {
  it("accepts well-formed UTF-8 of every length", () => {
    expect(firstInvalidUtf8(Buffer.from("aé€😀"))).toBe(-1);
  });

  it("finds the start of the first ill-formed sequence", () => {
    const bytes = (...b: number[]) => Uint8Array.from(b);
    expect(firstInvalidUtf8(bytes(0x61, 0xff))).toBe(1); // never valid
    expect(firstInvalidUtf8(bytes(0x61, 0xc3))).toBe(1); // truncated
    expect(firstInvalidUtf8(bytes(0xc0, 0xaf))).toBe(0); // overlong
    expect(firstInvalidUtf8(bytes(0xed, 0xa0, 0x80))).toBe(0); // surrogate
    expect(firstInvalidUtf8(bytes(0xf4, 0x90, 0x80, 0x80))).toBe(0); // above U+10FFFF
    expect(firstInvalidUtf8(bytes(0xe2, 0x82, 0x41))).toBe(0); // bad continuation
  });

  it("agrees with a fatal TextDecoder", () => {
    const decoder = new TextDecoder("utf-8", { fatal: true });
    for (let b = 0x80; b <= 0xff; b++) {
      for (const tail of [[0x80], [0xbf, 0x80], [0x90, 0x80, 0x80], [0x41]]) {
        const bytes = Uint8Array.from([b, ...tail]);
        let valid = true;
        try {
          decoder.decode(bytes);
        } catch {
          valid = false;
        }
        expect(firstInvalidUtf8(bytes) === -1, bytes.join(",")).toBe(valid);
      }
    }
  });
});

describe("completeUtf8Length", () => {
  it("leaves out a sequence cut off at the end, and only that", () => {
    const text = Buffer.from("aé€😀");
    // Every cut point: the complete part ends at a character boundary.
    const boundaries = [0, 1, 3, 6, 10];
    for (let end = 0; end <= text.length; end++) {
      const expected = Math.max(...boundaries.filter((b) => b <= end));
      expect(completeUtf8Length(text, end)).toBe(expected);
    }
    expect(completeUtf8Length(Uint8Array.from([0x61, 0xff]))).toBe(2); // invalid, not cut off: checked now
    expect(completeUtf8Length(Uint8Array.from([0x80, 0x80, 0x80, 0x80]))).toBe(4);
  });
});
