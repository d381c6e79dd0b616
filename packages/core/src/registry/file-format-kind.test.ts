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

  it("asks a format's claims when no extension matches, and merges the options formats add", () => {
    const t = formats();
    t.add({
      name: "docs",
      extensions: [".md"],
      description: "documents",
      claims: (path) => path.includes("*"),
      claimsDescription: "a glob",
      sourceOptions: { include: { type: "array" } },
    });
    expect(t.forPath("docs/**/*.{md,txt}")?.name).toBe("docs");
    expect(t.forPath("rows.jsonl")?.name).toBe("jsonl");
    expect(t.forPath("docs/readme")).toBeUndefined();
    expect(t.describeAll()).toContain("docs (.md, a glob)");
    expect(t.options("source")).toEqual({ include: { type: "array" } });
    expect(t.options("output")).toEqual({});
  });

  it("refuses an option named like one core owns", () => {
    expect(() =>
      formats().add({
        name: "x",
        extensions: [],
        description: "",
        outputOptions: { path: { type: "string" } },
      }),
    ).toThrow('file format "x" cannot add the option "path": core owns it');
  });
});
