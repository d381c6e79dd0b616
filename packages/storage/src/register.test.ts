import { OperatorRegistry } from "@dataflow/core";
import { describe, expect, it } from "vitest";
import { detectFormat } from "./file-format.js";
import { resolveSourceFormat } from "./open-source.js";
import { register } from "./register.js";

describe("the file formats this package registers", () => {
  it("claim the extensions detectFormat reads, so the compiler and the storage agree", () => {
    const registry = new OperatorRegistry();
    registry.use({ register }, "@dataflow/storage");
    const formats = registry.fileFormats;
    expect(formats.names()).toEqual([
      "csv",
      "documents",
      "hf-dataset",
      "json",
      "jsonl",
      "jsonl.gz",
      "parquet",
    ]);
    for (const path of [
      "a.jsonl",
      "a.NDJSON",
      "a.json",
      "a.csv",
      "a.pq",
      "a.parquet",
      "a.jsonl.gz",
      "a.ndjson.gz",
    ]) {
      expect(formats.forPath(path)?.name).toBe(detectFormat(path));
    }
    expect(formats.forPath("a.json.gz")).toBeUndefined();
    for (const path of ["docs/**/*.{md,pdf}", "a.md", "a.PDF", "a.html", "a.txt", "."]) {
      expect(formats.forPath(path)?.name).toBe("documents");
      expect(resolveSourceFormat(path, undefined)).toBe("documents");
    }
    expect(formats.origin("csv")).toBe("@dataflow/storage");
  });
});
