import { readdir, readFile, writeFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { CsvSource } from "./csv-source.js";
import { FILE_FORMATS, type FileFormat } from "./file-format.js";
import { FileStorage } from "./file-storage.js";
import { InputFileError } from "./input-file.js";
import { JsonSource } from "./json-source.js";
import { JsonlSource } from "./jsonl-source.js";
import { ParquetSource } from "./parquet-source.js";
import { collect, useTempDir } from "./testdata/temp-dir.js";

const tmp = useTempDir();

describe("FileStorage", () => {
  it("reads, writes atomically and records rejects", async () => {
    await writeFile(tmp("in.jsonl"), '{"id":"x","t":1}\n{"id":"y","t":2}\n{"id":"z","t":3}\n');
    const storage = new FileStorage({
      input: { path: tmp("in.jsonl"), idColumn: "id", limit: 2 },
      output: { path: tmp("out/out.json") },
      rejects: { path: tmp("out/rejects.jsonl") },
    });
    expect(storage.inputFormat).toBe("jsonl");
    expect(storage.outputFormat).toBe("json");
    await storage.checkInput();
    const source = storage.openSource();
    expect(source).toBeInstanceOf(JsonlSource);
    const items = await collect(source.read());
    expect(items.map((i) => i.id)).toEqual(["x", "y"]);

    const sink = await storage.openSink();
    const rejects = await storage.openRejects();
    for (const item of items) if (item.kind === "row") await sink.write({ id: item.id, row: item.row });
    await rejects.write({ rowId: "y", stepId: "s", type: "bad-output", message: "m" });
    await rejects.close();
    await sink.commit();
    expect(JSON.parse(await readFile(tmp("out/out.json"), "utf8"))).toEqual([
      { id: "x", t: 1 },
      { id: "y", t: 2 },
    ]);
    expect((await readdir(tmp("out"))).sort()).toEqual(["out.json", "rejects.jsonl"]);
  });

  it("honours explicit formats", () => {
    const storage = new FileStorage({
      input: { path: tmp("in.txt"), format: "json" },
      output: { path: tmp("out.data"), format: "jsonl" },
      rejects: { path: tmp("r.jsonl") },
    });
    expect(storage.openSource()).toBeInstanceOf(JsonSource);
    expect(storage.outputFormat).toBe("jsonl");
  });

  it("rejects an unknown extension or a bad limit at construction", () => {
    const rejects = { path: tmp("r.jsonl") };
    expect(
      () => new FileStorage({ input: { path: "data/in.xml" }, output: { path: "o.jsonl" }, rejects }),
    ).toThrow(/cannot tell the format of data\/in\.xml.*supported formats are jsonl/);
    expect(
      () => new FileStorage({ input: { path: "in.jsonl" }, output: { path: "out.txt" }, rejects }),
    ).toThrow(/out\.txt/);
    expect(
      () =>
        new FileStorage({ input: { path: "in.jsonl", limit: 1.5 }, output: { path: "o.jsonl" }, rejects }),
    ).toThrow(/limit/);
    expect(
      () =>
        new FileStorage({
          input: { path: "in.jsonl" },
          output: { path: "o.parquet", rowGroupSize: -1 },
          rejects,
        }),
    ).toThrow(/rowGroupSize/);
  });

  it("reports a missing input from checkInput()", async () => {
    const storage = new FileStorage({
      input: { path: tmp("missing.jsonl") },
      output: { path: tmp("o.jsonl") },
      rejects: { path: tmp("r.jsonl") },
    });
    await expect(storage.checkInput()).rejects.toBeInstanceOf(InputFileError);
    await expect(storage.checkInput()).rejects.toThrow(`input file not found: ${tmp("missing.jsonl")}`);
  });
});

describe("FileStorage formats", () => {
  const rows = [
    { id: "a", text: "first, with a comma", n: 1 },
    { id: "b", text: "second\nline ✓", n: 2 },
  ];
  const ext: Record<FileFormat, string> = {
    jsonl: "jsonl",
    json: "json",
    csv: "csv",
    parquet: "parquet",
    "jsonl.gz": "jsonl.gz",
  };

  it.each(FILE_FORMATS)("writes and reads back %s", async (format) => {
    const path = tmp(`data.${ext[format]}`);
    const writer = new FileStorage({
      input: { path: tmp("unused.jsonl") },
      output: { path },
      rejects: { path: tmp("r.jsonl") },
    });
    expect(writer.outputFormat).toBe(format);
    const sink = await writer.openSink();
    for (const row of rows) await sink.write({ id: row.id, row });
    await sink.commit();

    const reader = new FileStorage({
      input: { path, idColumn: "id" },
      output: { path: tmp("o.jsonl") },
      rejects: { path: tmp("r.jsonl") },
    });
    expect(reader.inputFormat).toBe(format);
    await reader.checkInput();
    const items = await collect(reader.openSource().read());
    // CSV has no types: its values come back as strings.
    const expected = format === "csv" ? rows.map((r) => ({ ...r, n: String(r.n) })) : rows;
    expect(items).toEqual(expected.map((row) => ({ kind: "row", id: row.id, row })));
  });

  it("picks the source class for each format", () => {
    const open = (path: string, format?: FileFormat) =>
      new FileStorage({
        input: format ? { path, format } : { path },
        output: { path: "o.jsonl" },
        rejects: { path: "r.jsonl" },
      }).openSource();
    expect(open("x.csv")).toBeInstanceOf(CsvSource);
    expect(open("x.parquet")).toBeInstanceOf(ParquetSource);
    expect(open("x.jsonl.gz")).toBeInstanceOf(JsonlSource);
    expect(open("x.data", "csv")).toBeInstanceOf(CsvSource);
  });
});
