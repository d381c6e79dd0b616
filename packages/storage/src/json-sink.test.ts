import { readdir, readFile, writeFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { JsonSink } from "./json-sink.js";
import { JsonSource } from "./json-source.js";
import { collect, useTempDir } from "./testdata/temp-dir.js";

const tmp = useTempDir();

describe("JsonSink", () => {
  it("writes a valid JSON array, visible only after commit", async () => {
    const path = tmp("a/rows.json");
    const sink = await JsonSink.open(path);
    await sink.write({ id: "1", row: { a: 1 } });
    await sink.write({ id: "2", row: { b: [1, 2] } });
    await expect(readFile(path)).rejects.toMatchObject({ code: "ENOENT" });
    await sink.commit();
    const text = await readFile(path, "utf8");
    expect(text).toBe('[\n{"a":1},\n{"b":[1,2]}\n]\n');
    expect(JSON.parse(text)).toEqual([{ a: 1 }, { b: [1, 2] }]);
  });

  it("writes [] when there are no rows", async () => {
    const path = tmp("empty.json");
    const sink = await JsonSink.open(path);
    await sink.commit();
    expect(JSON.parse(await readFile(path, "utf8"))).toEqual([]);
  });

  it("leaves nothing on abort and replaces an existing file on commit", async () => {
    const path = tmp("rows.json");
    const aborted = await JsonSink.open(path);
    await aborted.write({ id: "1", row: { a: 1 } });
    await aborted.abort();
    expect(await readdir(tmp())).toEqual([]);

    await writeFile(path, "[]");
    const sink = await JsonSink.open(path);
    await sink.write({ id: "1", row: { a: 2 } });
    expect(await readFile(path, "utf8")).toBe("[]");
    await sink.commit();
    expect(JSON.parse(await readFile(path, "utf8"))).toEqual([{ a: 2 }]);
  });

  it("round-trips 200k rows with backpressure", async () => {
    const path = tmp("many.json");
    const sink = await JsonSink.open(path);
    const n = 200_000;
    for (let i = 1; i <= n; i++) await sink.write({ id: String(i), row: { i } });
    await sink.commit();
    const items = await collect(new JsonSource({ path }).read());
    expect(items.length).toBe(n);
    expect(items.every((item, k) => item.kind === "row" && item.row.i === k + 1)).toBe(true);
  });
});
