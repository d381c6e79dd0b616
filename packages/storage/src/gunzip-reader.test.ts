import { readdir, readFile, writeFile } from "node:fs/promises";
import { gunzipSync, gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { JsonlSink } from "./jsonl-sink.js";
import { JsonlSource } from "./jsonl-source.js";
import { collect, useTempDir } from "./testdata/temp-dir.js";

const tmp = useTempDir();

describe("gzipped JSONL", () => {
  it("streams rows out of a .jsonl.gz file, with the same bad-line handling", async () => {
    const path = tmp("in.jsonl.gz");
    await writeFile(path, gzipSync('{"a":1}\nnot json\n\n{"a":3}\n'));
    const items = await collect(new JsonlSource({ path, compression: "gzip" }).read());
    expect(items.map((i) => [i.kind, i.id])).toEqual([
      ["row", "1"],
      ["bad", "2"],
      ["row", "4"],
    ]);
    expect(items[1]).toMatchObject({ location: { file: path, line: 2, column: 2 } });
  });

  it("reads concatenated gzip members as one stream", async () => {
    const path = tmp("in.jsonl.gz");
    await writeFile(path, Buffer.concat([gzipSync('{"a":1}\n{"a'), gzipSync('":2}\n')]));
    const items = await collect(new JsonlSource({ path, compression: "gzip", chunkSize: 3 }).read());
    expect(items.map((i) => i.kind === "row" && i.row)).toEqual([{ a: 1 }, { a: 2 }]);
  });

  it("fails with the path on corrupt or truncated gzip, after the rows before the damage", async () => {
    const notGzip = tmp("plain.jsonl.gz");
    await writeFile(notGzip, '{"a":1}\n');
    await expect(collect(new JsonlSource({ path: notGzip, compression: "gzip" }).read())).rejects.toThrow(
      `${notGzip}: corrupt gzip data (incorrect header check)`,
    );

    const truncated = tmp("cut.jsonl.gz");
    const lines = Array.from({ length: 20_000 }, (_, i) => JSON.stringify({ i, pad: "x".repeat(i % 50) }));
    const whole = gzipSync(`${lines.join("\n")}\n`);
    await writeFile(truncated, whole.subarray(0, Math.floor(whole.length * 0.7)));
    const seen: number[] = [];
    const reading = (async () => {
      for await (const item of new JsonlSource({
        path: truncated,
        compression: "gzip",
        chunkSize: 4096,
      }).read())
        if (item.kind === "row") seen.push(item.row.i as number);
    })();
    await expect(reading).rejects.toThrow(
      new RegExp(`^${truncated}: truncated gzip data \\(unexpected end of file\\)`),
    );
    expect(seen.length).toBeGreaterThan(1000);
    expect(seen).toEqual(seen.map((_, k) => k)); // in order, none torn
  });

  it("reads an empty file as no rows", async () => {
    const path = tmp("empty.jsonl.gz");
    await writeFile(path, "");
    expect(await collect(new JsonlSource({ path, compression: "gzip" }).read())).toEqual([]);
  });

  it("reports progress in compressed bytes", async () => {
    const path = tmp("in.jsonl.gz");
    const text = Array.from({ length: 5000 }, (_, i) => JSON.stringify({ i })).join("\n");
    await writeFile(path, gzipSync(text));
    const source = new JsonlSource({ path, compression: "gzip" });
    await collect(source.read());
    const size = (await readFile(path)).length;
    expect(source.progress()).toEqual({ bytesRead: size, bytesTotal: size });
  });

  it("writes .jsonl.gz atomically, readable by gunzip", async () => {
    const path = tmp("out/rows.jsonl.gz");
    const sink = await JsonlSink.open(path, { compression: "gzip" });
    const n = 100_000;
    for (let i = 0; i < n; i++) await sink.write({ id: String(i), row: { i, text: `row ${i} ✓` } });
    expect(await readdir(tmp("out"))).toEqual([expect.stringMatching(/^\.rows\.jsonl\.gz\.tmp-/)]);
    await sink.commit();
    const compressed = await readFile(path);
    const text = gunzipSync(compressed).toString("utf8");
    expect(text.length).toBeGreaterThan(compressed.length * 4);
    const lines = text.trimEnd().split("\n");
    expect(lines.length).toBe(n);
    expect(JSON.parse(lines[n - 1] ?? "")).toEqual({ i: n - 1, text: `row ${n - 1} ✓` });
    const items = await collect(new JsonlSource({ path, compression: "gzip" }).read());
    expect(items.length).toBe(n);
  });
});
