import { describe, expect, it } from "vitest";
import { decodePipelineText, firstInvalidByte } from "./decode-pipeline-text.js";

const bytes = (...parts: (string | number[])[]) =>
  Buffer.concat(parts.map((p) => (typeof p === "string" ? Buffer.from(p, "utf8") : Buffer.from(p))));

describe("decodePipelineText", () => {
  it("decodes UTF-8, multi-byte characters and a literal U+FFFD included", () => {
    expect(decodePipelineText(bytes("name: café � 東京 🚲\n"), "p.yaml")).toEqual({
      text: "name: café � 東京 🚲\n",
    });
  });

  it("locates the first byte that is not UTF-8 (a latin-1 é) by line and byte", () => {
    const result = decodePipelineText(bytes("name: x\nsteps:\n  - prompt: caf", [0xe9], "\n"), "p.yaml");
    expect(result).toMatchObject({
      error: {
        message: "the pipeline file is not UTF-8 text: byte 0xE9 at line 3, byte 16 of the line",
        location: { file: "p.yaml", line: 3, column: 16 },
      },
    });
  });

  it("rejects overlong forms, surrogates and truncated sequences", () => {
    expect(firstInvalidByte(Buffer.from([0x61, 0xc0, 0x80]))).toBe(1);
    expect(firstInvalidByte(Buffer.from([0xed, 0xa0, 0x80]))).toBe(0);
    expect(firstInvalidByte(Buffer.from([0x61, 0x62, 0xe2, 0x82]))).toBe(2);
    expect(firstInvalidByte(Buffer.from("ok ✓", "utf8"))).toBe(6);
  });
});
