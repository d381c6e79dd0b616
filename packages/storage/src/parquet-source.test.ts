import { writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { parquetWriteBuffer } from "hyparquet-writer";
import { describe, expect, it } from "vitest";
import { InputFileError } from "./input-file.js";
import { ParquetSink } from "./parquet-sink.js";
import { ParquetSource } from "./parquet-source.js";
import { collect, useTempDir } from "./testdata/temp-dir.js";

const tmp = useTempDir();

async function writeRows(path: string, rows: Record<string, unknown>[], rowGroupSize = 10_000) {
  const sink = await ParquetSink.open(path, { rowGroupSize });
  for (const [i, row] of rows.entries()) await sink.write({ id: String(i + 1), row });
  await sink.commit();
}

describe("ParquetSource", () => {
  it("reads one row group at a time, on demand", async () => {
    const path = tmp("in.parquet");
    await writeRows(
      path,
      Array.from({ length: 30 }, (_, i) => ({ i })),
      10,
    );
    const source = new ParquetSource({ path });
    const seen: number[] = [];
    for await (const item of source.read()) {
      if (item.kind === "row") seen.push(item.row.i as number);
      if (seen.length === 5) {
        const { bytesRead, bytesTotal } = source.progress();
        expect(bytesRead).toBeGreaterThan(0);
        expect(bytesRead).toBeLessThan((bytesTotal ?? 0) / 2); // only the first group so far
      }
    }
    expect(seen).toEqual(Array.from({ length: 30 }, (_, i) => i));
  });

  it("takes ids from idColumn, rejects missing or duplicate ids, and stops at limit", async () => {
    const path = tmp("in.parquet");
    await writeRows(path, [{ key: "a" }, { key: null }, { key: "a" }, { key: "b" }, { key: "c" }]);
    const items = await collect(new ParquetSource({ path, idColumn: "key", limit: 2 }).read());
    expect(items).toEqual([
      { kind: "row", id: "a", row: { key: "a" } },
      { kind: "bad", id: "record:2", location: { file: path }, reason: 'row 2: missing id column "key"' },
      {
        kind: "bad",
        id: "record:3",
        location: { file: path },
        reason: 'row 3: duplicate id "a" in column "key"',
      },
      { kind: "row", id: "b", row: { key: "b" } },
    ]);
  });

  it("makes a row with a string that is not UTF-8 a bad item naming the row and column", async () => {
    const path = tmp("in.parquet");
    const bytes = parquetWriteBuffer({
      columnData: [
        { name: "n", data: [1, 2, 3], type: "INT32" },
        { name: "s", data: ["ok", new Uint8Array([0x61, 0xff, 0x62]), "fine"], type: "STRING" },
      ],
    });
    await writeFile(path, new Uint8Array(bytes));
    expect(await collect(new ParquetSource({ path }).read())).toEqual([
      { kind: "row", id: "1", row: { n: 1, s: "ok" } },
      {
        kind: "bad",
        id: "2",
        location: { file: path },
        reason: 'row 2: invalid UTF-8 in column "s" (unexpected byte 0xff)',
      },
      { kind: "row", id: "3", row: { n: 3, s: "fine" } },
    ]);
  });

  it("turns Parquet values into JSON: big INT64 as strings, timestamps as ISO strings", async () => {
    const path = tmp("in.parquet");
    const bytes = parquetWriteBuffer({
      columnData: [
        { name: "big", data: [2n ** 60n, 5n], type: "INT64" },
        { name: "at", data: [new Date("2024-01-02T03:04:05.006Z"), null], type: "TIMESTAMP" },
      ],
    });
    await writeFile(path, new Uint8Array(bytes));
    const items = await collect(new ParquetSource({ path }).read());
    expect(items.map((i) => i.kind === "row" && i.row)).toEqual([
      { big: "1152921504606846976", at: "2024-01-02T03:04:05.006Z" },
      { big: 5, at: null },
    ]);
  });

  it("fails clearly on an empty file, a file that is not Parquet and a missing file", async () => {
    const empty = tmp("empty.parquet");
    await writeFile(empty, "");
    await expect(collect(new ParquetSource({ path: empty }).read())).rejects.toThrow(
      `${empty}: the file is empty; expected a Parquet file`,
    );
    const notParquet = tmp("x.parquet");
    await writeFile(notParquet, '{"a":1}\n'.repeat(10));
    await expect(collect(new ParquetSource({ path: notParquet }).read())).rejects.toThrow(
      new RegExp(`^${notParquet}: not a readable Parquet file`),
    );
    const missing = new ParquetSource({ path: tmp("missing.parquet") });
    await expect(missing.checkReadable()).rejects.toBeInstanceOf(InputFileError);
    await expect(collect(missing.read())).rejects.toThrow(/input file not found/);
  });
});

describe("ParquetSource with files from other writers", () => {
  it("reads a zstd file from pyarrow: dictionaries, lists, structs, timestamps, dates", async () => {
    // testdata/pyarrow-zstd.parquet: pyarrow 25, compression="zstd", row_group_size=2.
    const path = fileURLToPath(new URL("./testdata/pyarrow-zstd.parquet", import.meta.url));
    const items = await collect(new ParquetSource({ path, idColumn: "id" }).read());
    const common = { at: "2024-01-02T03:04:05.000Z", day: "2024-02-29" };
    expect(items).toEqual([
      {
        kind: "row",
        id: "1",
        row: { id: 1, text: "first ✓", cat: "a", score: 0.5, tags: ["x", "y"], meta: { k: 1 }, ...common },
      },
      {
        kind: "row",
        id: "2",
        row: { id: 2, text: null, cat: "b", score: 1.25, tags: [], meta: { k: 2 }, ...common },
      },
      {
        kind: "row",
        id: "3",
        row: { id: 3, text: "third", cat: "a", score: -2, tags: null, meta: { k: 3 }, ...common },
      },
    ]);
  });
});
