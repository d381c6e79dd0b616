import { writeFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { CsvSource } from "./csv-source.js";
import { InputFileError } from "./input-file.js";
import { collect, useTempDir } from "./testdata/temp-dir.js";

const tmp = useTempDir();

async function read(
  content: string | Buffer,
  options: { idColumn?: string; limit?: number; chunkSize?: number } = {},
) {
  const path = tmp("in.csv");
  await writeFile(path, content);
  return collect(new CsvSource({ path, ...options }).read());
}

describe("CsvSource", () => {
  it("reads rows keyed by the header, values as strings, ids by record number", async () => {
    const items = await read(
      '\ufeffid,text,n\r\na,"hello, world",1\r\nb,"two\nlines ""quoted""",\r\n\r\nc,x,3',
    );
    expect(items).toEqual([
      { kind: "row", id: "1", row: { id: "a", text: "hello, world", n: "1" } },
      { kind: "row", id: "2", row: { id: "b", text: 'two\nlines "quoted"', n: "" } },
      { kind: "row", id: "3", row: { id: "c", text: "x", n: "3" } },
    ]);
  });

  it("makes a record with the wrong number of fields a bad item with its line, and goes on", async () => {
    const path = tmp("in.csv");
    const items = await read('a,b\n1,2\n3\n"multi\nline",5,6\n7,8\n');
    expect(items).toEqual([
      { kind: "row", id: "1", row: { a: "1", b: "2" } },
      {
        kind: "bad",
        id: "2",
        location: { file: path, line: 3 },
        reason: "expected 2 fields (one per header column), found 1",
        raw: "3",
      },
      {
        kind: "bad",
        id: "3",
        location: { file: path, line: 4 },
        reason: "expected 2 fields (one per header column), found 3",
        raw: '"multi\nline",5,6',
      },
      { kind: "row", id: "4", row: { a: "7", b: "8" } },
    ]);
  });

  it("makes a record with invalid UTF-8 a bad item at its line and column, whatever the chunk size", async () => {
    const path = tmp("in.csv");
    const content = Buffer.concat([
      Buffer.from("a,b\n1,é\n2,x"),
      Buffer.from([0xc3, 0x28]), // a lead byte without its continuation
      Buffer.from('y\n3,"q\nr'),
      Buffer.from([0xff]),
      Buffer.from('"\n4,ok\n'),
    ]);
    for (const chunkSize of [4, 5, 7, 1024]) {
      const items = await read(content, { chunkSize });
      expect(items.map((i) => i.kind)).toEqual(["row", "bad", "bad", "row"]);
      expect(items[0]).toEqual({ kind: "row", id: "1", row: { a: "1", b: "é" } });
      expect(items[1]).toMatchObject({ id: "2", reason: "invalid UTF-8 (unexpected byte 0xc3)" });
      expect(items[1]?.kind === "bad" && items[1].location).toMatchObject({ file: path, line: 3 });
      expect(items[2]).toMatchObject({ id: "3", reason: "invalid UTF-8 (unexpected byte 0xff)" });
      expect(items[2]?.kind === "bad" && items[2].location.line).toBe(5);
      expect(items[3]).toEqual({ kind: "row", id: "4", row: { a: "4", b: "ok" } });
    }
    // With the whole line in one chunk the column is known too.
    const [, bad] = await read(content);
    expect(bad?.kind === "bad" && bad.location).toEqual({ file: path, line: 3, column: 4 });
  });

  it("keeps a stray quote as text, and rejects a quote left open at the end", async () => {
    const path = tmp("in.csv");
    const items = await read('a,b\n1,ab"c\n2,"x"y\n3,"open\n4,5\n');
    expect(items).toEqual([
      { kind: "row", id: "1", row: { a: "1", b: 'ab"c' } },
      { kind: "row", id: "2", row: { a: "2", b: '"x"y' } },
      // Located where the quote opens, not at the end of the file where the parser gave up.
      expect.objectContaining({ kind: "bad", id: "3", location: { file: path, line: 4, column: 3 } }),
    ]);
    expect(items[2]?.kind === "bad" && items[2].reason).toMatch(
      /^invalid CSV: a quoted field opened in this record is never closed/,
    );
  });

  it("takes ids from idColumn, rejecting missing and duplicate ids", async () => {
    const path = tmp("in.csv");
    const items = await read("key,v\nk1,a\n,b\nk1,c\nk2,d\n", { idColumn: "key" });
    expect(items.map((i) => i.id)).toEqual(["k1", "record:2", "record:3", "k2"]);
    expect(items[1]).toMatchObject({
      kind: "bad",
      location: { file: path, line: 3 },
      reason: 'empty id in column "key"',
    });
    expect(items[2]).toMatchObject({ kind: "bad", reason: 'duplicate id "k1" in column "key"' });
  });

  it("stops after limit rows", async () => {
    const items = await read("a\n1\n2\n3\n", { limit: 2 });
    expect(items.map((i) => i.id)).toEqual(["1", "2"]);
  });

  it("reads a header-only file as no rows, and keeps a __proto__ column as data", async () => {
    expect(await read("a,b\n")).toEqual([]);
    const [item] = await read("__proto__,b\n1,2\n");
    expect(item?.kind === "row" && Object.keys(item.row)).toEqual(["__proto__", "b"]);
    expect(item?.kind === "row" && Object.getPrototypeOf(item.row)).toBe(Object.prototype);
  });

  it("fails clearly on an empty file, a duplicate column, a bad header and a missing file", async () => {
    const path = tmp("in.csv");
    await expect(read("")).rejects.toThrow(
      `${path}: the file is empty; expected a CSV header row naming the columns`,
    );
    await expect(read("\n\n")).rejects.toThrow(/the file is empty/);
    await expect(read("a,b,a\n1,2,3\n")).rejects.toThrow(
      `${path}:1: duplicate column name "a" in the header row`,
    );
    await expect(read(Buffer.from([0x61, 0xff, 0x0a, 0x31, 0x0a]))).rejects.toThrow(
      `${path}:1:2: invalid UTF-8 in the header row (unexpected byte 0xff)`,
    );
    const missing = new CsvSource({ path: tmp("missing.csv") });
    await expect(missing.checkReadable()).rejects.toBeInstanceOf(InputFileError);
    await expect(collect(missing.read())).rejects.toThrow(/input file not found/);
  });

  it("streams a large file with a TSV delimiter, reporting progress", async () => {
    const path = tmp("big.tsv");
    const n = 50_000;
    const lines = ["n\ttext"];
    for (let i = 1; i <= n; i++) lines.push(`${i}\trow ${i} ✓`);
    await writeFile(path, `${lines.join("\n")}\n`);
    const source = new CsvSource({ path, delimiter: "\t", chunkSize: 64 * 1024 });
    let count = 0;
    let sawPartial = false;
    for await (const item of source.read()) {
      count++;
      if (item.kind !== "row" || item.row.n !== String(count) || item.row.text !== `row ${count} ✓`)
        throw new Error(`bad item ${JSON.stringify(item)}`);
      const { bytesRead, bytesTotal } = source.progress();
      if (bytesTotal !== undefined && bytesRead < bytesTotal) sawPartial = true;
    }
    expect(count).toBe(n);
    expect(sawPartial).toBe(true); // it did not read the whole file up front
  });
});
