import { readdir, readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { CsvSink } from "./csv-sink.js";
import { CsvSource } from "./csv-source.js";
import { collect, useTempDir } from "./testdata/temp-dir.js";

const tmp = useTempDir();

describe("CsvSink", () => {
  it("writes a header from the first row and quotes as needed, visible only after commit", async () => {
    const path = tmp("out/rows.csv");
    const sink = await CsvSink.open(path);
    await sink.write({ id: "1", row: { a: "plain", b: 'has "quotes", commas', c: 1.5 } });
    await sink.write({ id: "2", row: { a: "two\nlines", b: null, c: true } });
    await sink.write({ id: "3", row: { b: { nested: [1, "x"] }, a: undefined } });
    expect(await readdir(tmp("out"))).toEqual([expect.stringMatching(/^\.rows\.csv\.tmp-/)]);
    await sink.commit();
    expect(await readFile(path, "utf8")).toBe(
      'a,b,c\nplain,"has ""quotes"", commas",1.5\n"two\nlines",,true\n,"{""nested"":[1,""x""]}",\n',
    );
    expect(sink.rowsWritten).toBe(3);
    // It reads back as strings.
    const items = await collect(new CsvSource({ path }).read());
    expect(items.map((i) => i.kind === "row" && i.row)).toEqual([
      { a: "plain", b: 'has "quotes", commas', c: "1.5" },
      { a: "two\nlines", b: "", c: "true" },
      { a: "", b: '{"nested":[1,"x"]}', c: "" },
    ]);
  });

  it("throws an Error naming the row and the columns for a row with a column the header lacks", async () => {
    const path = tmp("rows.csv");
    const sink = await CsvSink.open(path);
    await sink.write({ id: "r1", row: { a: 1, b: 2 } });
    expect(() => sink.write({ id: "r2", row: { a: 1, extra: 2, more: 3 } })).toThrow(
      `cannot write row r2 to ${path}: it has columns "extra", "more" not in the CSV header ("a", "b")`,
    );
    await sink.abort();
    expect(await readdir(tmp())).toEqual([]);
  });

  it("writes an empty file for no rows, and round-trips many rows with backpressure", async () => {
    const empty = await CsvSink.open(tmp("empty.csv"));
    await empty.commit();
    expect(await readFile(tmp("empty.csv"), "utf8")).toBe("");

    const path = tmp("many.csv");
    const sink = await CsvSink.open(path, { delimiter: ";" });
    const n = 20_000;
    for (let i = 1; i <= n; i++) await sink.write({ id: String(i), row: { i, text: `row; ${i}` } });
    await sink.commit();
    const items = await collect(new CsvSource({ path, delimiter: ";" }).read());
    expect(items.length).toBe(n);
    expect(items[n - 1]).toEqual({ kind: "row", id: String(n), row: { i: String(n), text: `row; ${n}` } });
  });
});
