import { readdir, readFile, writeFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { JsonlSink } from "./jsonl-sink.js";
import { JsonlSource } from "./jsonl-source.js";
import { collect, useTempDir } from "./testdata/temp-dir.js";

const tmp = useTempDir();

describe("JsonlSink", () => {
  it("writes one JSON line per row, visible only after commit", async () => {
    const path = tmp("out/nested/rows.jsonl");
    const sink = await JsonlSink.open(path);
    await sink.write({ id: "1", row: { a: 1 } });
    await sink.write({ id: "2", row: { b: "x\ny" } });
    expect(await readdir(tmp("out/nested"))).toEqual([
      expect.stringMatching(/^\.rows\.jsonl\.tmp-\d+-[0-9a-f]+$/),
    ]);
    await sink.commit();
    expect(await readFile(path, "utf8")).toBe('{"a":1}\n{"b":"x\\ny"}\n');
    expect(await readdir(tmp("out/nested"))).toEqual(["rows.jsonl"]);
    expect(sink.rowsWritten).toBe(2);
  });

  it("leaves nothing behind on abort", async () => {
    const sink = await JsonlSink.open(tmp("rows.jsonl"));
    await sink.write({ id: "1", row: { a: 1 } });
    await sink.abort();
    expect(await readdir(tmp())).toEqual([]);
    await sink.abort(); // idempotent
    expect(() => sink.write({ id: "2", row: {} })).toThrow(/already aborted/);
  });

  it("replaces an existing file on commit, and leaves it untouched until then", async () => {
    const path = tmp("rows.jsonl");
    await writeFile(path, "old\n");
    const sink = await JsonlSink.open(path);
    await sink.write({ id: "1", row: { new: true } });
    expect(await readFile(path, "utf8")).toBe("old\n");
    await sink.commit();
    expect(await readFile(path, "utf8")).toBe('{"new":true}\n');
    await expect(sink.commit()).rejects.toThrow(/already committed/);
  });

  it("keeps an existing file when aborted", async () => {
    const path = tmp("rows.jsonl");
    await writeFile(path, "old\n");
    const sink = await JsonlSink.open(path);
    await sink.write({ id: "1", row: { new: true } });
    await sink.abort();
    expect(await readFile(path, "utf8")).toBe("old\n");
    expect(await readdir(tmp())).toEqual(["rows.jsonl"]);
  });

  it("writes an empty file when there are no rows", async () => {
    const path = tmp("empty.jsonl");
    const sink = await JsonlSink.open(path);
    await sink.commit();
    expect(await readFile(path, "utf8")).toBe("");
  });

  it("round-trips 200k rows with backpressure", async () => {
    const path = tmp("many.jsonl");
    const sink = await JsonlSink.open(path);
    const n = 200_000;
    let waits = 0;
    for (let i = 1; i <= n; i++) {
      const pending = sink.write({ id: String(i), row: { i, text: `row ${i} ✓` } });
      if (pending) {
        waits++;
        await pending;
      }
    }
    await sink.commit();
    expect(waits).toBeGreaterThan(0); // it did ask the producer to wait
    const items = await collect(new JsonlSource({ path }).read());
    expect(items.length).toBe(n);
    let mismatches = 0;
    items.forEach((item, k) => {
      if (item.kind !== "row" || item.row.i !== k + 1 || item.row.text !== `row ${k + 1} ✓`) mismatches++;
    });
    expect(mismatches).toBe(0);
  });

  it("fails clearly when the destination cannot be written", async () => {
    await writeFile(tmp("file"), "");
    await expect(JsonlSink.open(tmp("file/rows.jsonl"))).rejects.toThrow(
      /cannot write output file .*rows\.jsonl/,
    );
  });

  it("fails commit when the destination is a directory, removing the temp file", async () => {
    const path = tmp("dir.jsonl");
    const sink = await JsonlSink.open(path);
    await sink.write({ id: "1", row: {} });
    const { mkdir } = await import("node:fs/promises");
    await mkdir(path);
    await writeFile(`${path}/keep`, "");
    await expect(sink.commit()).rejects.toThrow(/cannot write output file/);
    expect(await readdir(tmp())).toEqual(["dir.jsonl"]);
  });
});
