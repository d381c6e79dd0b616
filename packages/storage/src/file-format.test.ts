import { describe, expect, it } from "vitest";
import { detectFormat, resolveFormat } from "./file-format.js";

describe("detectFormat", () => {
  it("infers the format from the extension", () => {
    expect(detectFormat("a/b.jsonl")).toBe("jsonl");
    expect(detectFormat("b.NDJSON")).toBe("jsonl");
    expect(detectFormat("b.json")).toBe("json");
  });

  it("names the path and the supported formats for anything else", () => {
    expect(() => detectFormat("data/x.csv")).toThrow(
      'cannot tell the format of data/x.csv: ".csv" is not a supported extension; supported formats are jsonl (.jsonl, .ndjson) and json (.json)',
    );
    expect(() => detectFormat("data/x")).toThrow(/data\/x: it has no extension/);
  });
});

describe("resolveFormat", () => {
  it("prefers an explicit format, and checks it", () => {
    expect(resolveFormat("x.txt", "jsonl")).toBe("jsonl");
    expect(resolveFormat("x.json", undefined)).toBe("json");
    expect(() => resolveFormat("x.txt", "xml")).toThrow(/unsupported format "xml" for x.txt/);
  });
});
