import { describe, expect, it } from "vitest";
import { detectFormat, resolveFormat } from "./file-format.js";

describe("detectFormat", () => {
  it("infers the format from the extension", () => {
    expect(detectFormat("a/b.jsonl")).toBe("jsonl");
    expect(detectFormat("b.NDJSON")).toBe("jsonl");
    expect(detectFormat("b.json")).toBe("json");
    expect(detectFormat("data/x.csv")).toBe("csv");
    expect(detectFormat("x.Parquet")).toBe("parquet");
    expect(detectFormat("x.pq")).toBe("parquet");
    expect(detectFormat("out/x.jsonl.gz")).toBe("jsonl.gz");
    expect(detectFormat("x.ndjson.GZ")).toBe("jsonl.gz");
  });

  it("names the path and the supported formats for anything else", () => {
    expect(() => detectFormat("data/x.tsv")).toThrow(
      'cannot tell the format of data/x.tsv: ".tsv" is not a supported extension; supported formats are jsonl (.jsonl, .ndjson), jsonl.gz (.jsonl.gz, .ndjson.gz), json (.json), csv (.csv) and parquet (.parquet, .pq)',
    );
    expect(() => detectFormat("data/x.json.gz")).toThrow(/"\.gz" is not a supported extension/);
    expect(() => detectFormat("data/x")).toThrow(/data\/x: it has no extension/);
    expect(() => detectFormat("data/.jsonl")).toThrow(/it has no extension/);
  });
});

describe("resolveFormat", () => {
  it("prefers an explicit format, and checks it", () => {
    expect(resolveFormat("x.txt", "jsonl")).toBe("jsonl");
    expect(resolveFormat("x.txt", "jsonl.gz")).toBe("jsonl.gz");
    expect(resolveFormat("x.json", undefined)).toBe("json");
    expect(() => resolveFormat("x.txt", "xml")).toThrow(/unsupported format "xml" for x.txt/);
  });
});
