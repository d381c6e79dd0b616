import { readdir, readFile } from "node:fs/promises";
import { parquetMetadata } from "hyparquet";
import { describe, expect, it } from "vitest";
import { ParquetSink } from "./parquet-sink.js";
import { ParquetSource } from "./parquet-source.js";
import { collect, useTempDir } from "./testdata/temp-dir.js";

const tmp = useTempDir();

async function metadata(path: string) {
  const bytes = await readFile(path);
  return parquetMetadata(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

describe("ParquetSink", () => {
  it("infers column types from the first row group and round-trips rows", async () => {
    const path = tmp("out/rows.parquet");
    const sink = await ParquetSink.open(path, { rowGroupSize: 2 });
    const rows = [
      { n: 1, big: 2 ** 53 - 1, x: 0.5, s: "a", b: true, o: { k: [1, "x"] }, mixed: "str", none: null },
      { n: 2, big: -7, x: 2, s: "é ✓", b: false, o: [1, 2], mixed: 3 },
      { n: 3, big: null, x: -1.25, s: "", b: null, o: null, mixed: null, none: "later" },
    ];
    for (const [i, row] of rows.entries()) await sink.write({ id: String(i + 1), row });
    expect(await readdir(tmp("out"))).toEqual([expect.stringMatching(/^\.rows\.parquet\.tmp-/)]);
    await sink.commit();
    expect(await readdir(tmp("out"))).toEqual(["rows.parquet"]);

    const meta = await metadata(path);
    expect(meta.row_groups.map((g) => Number(g.num_rows))).toEqual([2, 1]);
    expect(meta.schema.slice(1).map((e) => [e.name, e.type, e.converted_type, e.repetition_type])).toEqual([
      ["n", "INT64", undefined, "OPTIONAL"],
      ["big", "INT64", undefined, "OPTIONAL"],
      ["x", "DOUBLE", undefined, "OPTIONAL"],
      ["s", "BYTE_ARRAY", "UTF8", "OPTIONAL"],
      ["b", "BOOLEAN", undefined, "OPTIONAL"],
      ["o", "BYTE_ARRAY", "JSON", "OPTIONAL"],
      ["mixed", "BYTE_ARRAY", "JSON", "OPTIONAL"],
      ["none", "BYTE_ARRAY", "JSON", "OPTIONAL"], // all null in the first group: json, so anything fits later
    ]);

    const items = await collect(new ParquetSource({ path }).read());
    expect(items).toEqual([
      { kind: "row", id: "1", row: { ...rows[0] } },
      { kind: "row", id: "2", row: { ...rows[1], none: null } },
      { kind: "row", id: "3", row: rows[2] },
    ]);
  });

  it("throws an Error naming the row and column for a value or column the schema cannot hold", async () => {
    const path = tmp("rows.parquet");
    const sink = await ParquetSink.open(path, { rowGroupSize: 2 });
    await sink.write({ id: "a", row: { n: 1, s: "x" } });
    await sink.write({ id: "b", row: { n: 2, s: "y" } });
    expect(() => sink.write({ id: "c", row: { n: 2.5, s: "z" } })).toThrow(
      `cannot write row c to ${path}: column "n" is int64 (from the first row group) but the row has the number 2.5; set its type (columnTypes: { "n": "double" }) to write such values`,
    );
    expect(() => sink.write({ id: "d", row: { n: 3, s: "z", extra: 1 } })).toThrow(
      /cannot write row d to .*: column "extra" is not in the Parquet schema \("n", "s"\)/,
    );
    await sink.abort();
    expect(await readdir(tmp())).toEqual([]);

    // Within the first group, the error comes from the write that fills it.
    const first = await ParquetSink.open(path, { rowGroupSize: 2, columnTypes: { s: "string" } });
    await first.write({ id: "a", row: { s: "x" } });
    expect(() => first.write({ id: "b", row: { s: 5 } })).toThrow(/row b .*column "s" is string/);
    await expect(first.commit()).rejects.toThrow(/row b/);
    expect(await readdir(tmp())).toEqual([]);
  });

  it("honours columnTypes, and checks options before opening anything", async () => {
    const path = tmp("rows.parquet");
    const sink = await ParquetSink.open(path, { columnTypes: { n: "double", tag: "string" } });
    await sink.write({ id: "1", row: { n: 1 } });
    await sink.write({ id: "2", row: { n: 2.5, tag: "t" } });
    await sink.commit();
    const meta = await metadata(path);
    expect(meta.schema.slice(1).map((e) => [e.name, e.type])).toEqual([
      ["n", "DOUBLE"],
      ["tag", "BYTE_ARRAY"],
    ]);
    expect((await collect(new ParquetSource({ path }).read())).map((i) => i.kind === "row" && i.row)).toEqual(
      [
        { n: 1, tag: null },
        { n: 2.5, tag: "t" },
      ],
    );
    expect(() => ParquetSink.checkOptions({ rowGroupSize: 0 })).toThrow(
      "rowGroupSize must be a positive integer, got 0",
    );
    await expect(
      ParquetSink.open(tmp("x.parquet"), { columnTypes: { a: "date" as "string" } }),
    ).rejects.toThrow(
      /unknown Parquet column type "date" for column "a"; use one of string, int64, double, boolean, json/,
    );
    expect(await readdir(tmp())).toEqual(["rows.parquet"]);
  });

  it("checks rows written while the first group is still being written", async () => {
    const path = tmp("rows.parquet");
    const sink = await ParquetSink.open(path, { rowGroupSize: 2 });
    void sink.write({ id: "1", row: { a: 1 } });
    const writing = sink.write({ id: "2", row: { a: 2 } }); // not awaited
    expect(() => sink.write({ id: "3", row: { a: 3, b: 1 } })).toThrow(
      /row 3 .*column "b" is not in the Parquet schema/,
    );
    await writing;
    await sink.abort();
  });

  it("writes a valid file with no rows", async () => {
    const path = tmp("empty.parquet");
    const sink = await ParquetSink.open(path);
    await sink.commit();
    expect(await collect(new ParquetSource({ path }).read())).toEqual([]);
  });

  it("writes row groups as they fill, holding one group of rows", async () => {
    const path = tmp("many.parquet");
    const sink = await ParquetSink.open(path, { rowGroupSize: 1000 });
    let waits = 0;
    const n = 25_500;
    for (let i = 0; i < n; i++) {
      const pending = sink.write({ id: String(i), row: { i, text: `row ${i}`, score: i / 3 } });
      if (pending) {
        waits++;
        await pending;
      }
    }
    expect(waits).toBe(25); // one wait per full group: the sink asked the producer to wait while writing
    await sink.commit();
    const meta = await metadata(path);
    expect(meta.row_groups.length).toBe(26);
    let count = 0;
    for await (const item of new ParquetSource({ path }).read()) {
      if (item.kind !== "row" || item.row.i !== count || item.row.score !== count / 3)
        throw new Error("mismatch");
      count++;
    }
    expect(count).toBe(n);
  });

  it("keeps an existing file until commit, and leaves it when aborted", async () => {
    const path = tmp("rows.parquet");
    const first = await ParquetSink.open(path);
    await first.write({ id: "1", row: { v: "old" } });
    await first.commit();
    const second = await ParquetSink.open(path);
    await second.write({ id: "1", row: { v: "new" } });
    await second.abort();
    await expect(second.commit()).rejects.toThrow(/already aborted/);
    const items = await collect(new ParquetSource({ path }).read());
    expect(items.map((i) => i.kind === "row" && i.row)).toEqual([{ v: "old" }]);
    expect(await readdir(tmp())).toEqual(["rows.parquet"]);
  });
});
