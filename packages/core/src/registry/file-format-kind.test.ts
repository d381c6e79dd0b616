import { describe, expect, it } from "vitest";
import { FileFormatTable } from "./file-format-kind.js";

function formats(): FileFormatTable {
  const t = new FileFormatTable();
  t.add({ name: "jsonl", extensions: [".jsonl", ".ndjson"], description: "JSON lines" }, "storage");
  t.add({ name: "jsonl.gz", extensions: [".jsonl.gz"], description: "gzipped JSON lines" }, "storage");
  t.add({ name: "gz", extensions: [".GZ"], description: "gzip" }, "storage");
  return t;
}

describe("FileFormatTable", () => {
  it("tells a path's format by its longest claimed extension, case-insensitively", () => {
    const t = formats();
    expect(t.forPath("/d/rows.JSONL")?.name).toBe("jsonl");
    expect(t.forPath("rows.jsonl.gz")?.name).toBe("jsonl.gz");
    expect(t.forPath("rows.tar.gz")?.name).toBe("gz");
    expect(t.forPath("/d/.jsonl")).toBeUndefined();
    expect(t.forPath("rows.csv")).toBeUndefined();
    expect(t.describeAll()).toBe("gz (.gz), jsonl (.jsonl, .ndjson), jsonl.gz (.jsonl.gz)");
  });

  it("refuses an extension two formats claim", () => {
    expect(() => formats().add({ name: "lines", extensions: [".NDJSON"], description: "" })).toThrow(
      'file formats "jsonl" and "lines" both claim extension .NDJSON',
    );
  });
});
