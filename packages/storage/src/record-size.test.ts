import { open, writeFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { JsonSource } from "./json-source.js";
import { JsonlSource } from "./jsonl-source.js";
import { collect, useTempDir } from "./testdata/temp-dir.js";

const row = (n: number) => JSON.stringify({ n, text: "ok" });

describe("JsonlSource maxRecordBytes", () => {
  const tmp = useTempDir();

  async function read(content: string, options: { maxRecordBytes: number; chunkSize?: number }) {
    const path = tmp("in.jsonl");
    await writeFile(path, content);
    return { path, items: await collect(new JsonlSource({ path, ...options }).read()) };
  }

  it("rejects a line over the limit with its line and size, and reads on", async () => {
    const long = JSON.stringify({ text: "x".repeat(5000) });
    for (const chunkSize of [16, 64, 256 * 1024]) {
      const { path, items } = await read(`${row(1)}\n${long}\n${row(3)}\n`, {
        maxRecordBytes: 100,
        chunkSize,
      });
      expect(items.map((i) => [i.kind, i.id])).toEqual([
        ["row", "1"],
        ["bad", "2"],
        ["row", "3"],
      ]);
      const bad = items[1];
      if (bad?.kind !== "bad") throw new Error("expected a bad item");
      expect(bad.location).toEqual({ file: path, line: 2 });
      expect(bad.reason).toContain(
        `line is 4.9 KiB (${long.length.toLocaleString("en-US")} bytes), over the 100 bytes limit`,
      );
      expect(bad.reason).toContain("maxRecordBytes");
      // The reject keeps a short prefix, not the whole line.
      expect(bad.raw?.length).toBeLessThan(300);
      expect(bad.raw).toContain(`[${long.length.toLocaleString("en-US")} bytes in all]`);
    }
  });

  it("rejects a last line without a newline, and a file that is one long line", async () => {
    const long = "y".repeat(3000);
    const last = await read(`${row(1)}\n${long}`, { maxRecordBytes: 100, chunkSize: 32 });
    expect(last.items.map((i) => [i.kind, i.id])).toEqual([
      ["row", "1"],
      ["bad", "2"],
    ]);
    const only = await read(long, { maxRecordBytes: 1000, chunkSize: 64 });
    expect(only.items).toHaveLength(1);
    expect(only.items[0]).toMatchObject({ kind: "bad", location: { line: 1 } });
    expect((only.items[0] as { reason: string }).reason).toContain("3,000 bytes");
  });

  it("keeps line numbers right after a skipped line", async () => {
    const { items } = await read(`${row(1)}\n${"z".repeat(500)}\n{"bad json\n${row(4)}\n`, {
      maxRecordBytes: 100,
      chunkSize: 8,
    });
    expect(items.map((i) => (i.kind === "bad" ? `${i.location.line}:bad` : `${i.id}:row`))).toEqual([
      "1:row",
      "2:bad",
      "3:bad",
      "4:row",
    ]);
  });

  it("reads lines up to the limit exactly", async () => {
    const line = JSON.stringify({ t: "é".repeat(20) }); // 2 bytes per é
    const bytes = Buffer.byteLength(line);
    const fits = await read(`${line}\n`, { maxRecordBytes: bytes });
    expect(fits.items[0]?.kind).toBe("row");
    const over = await read(`${line}\n`, { maxRecordBytes: bytes - 1 });
    expect(over.items[0]?.kind).toBe("bad");
  });

  it("refuses a limit that could not be one string", () => {
    expect(() => new JsonlSource({ path: "x.jsonl", maxRecordBytes: 2 ** 30 })).toThrow(
      /maxRecordBytes must be an integer from 1 to 268435456/,
    );
  });
});

describe("JsonSource size bound", () => {
  const tmp = useTempDir();

  it("refuses a .json file too large to read whole, naming it and the fix", async () => {
    const path = tmp("big.json");
    // A sparse file: its size is what is checked, before any byte is read.
    const fh = await open(path, "w");
    await fh.truncate(300 * 2 ** 20);
    await fh.close();
    await expect(collect(new JsonSource({ path }).read())).rejects.toThrow(
      /big\.json is 300\.0 MiB .*read whole.*convert it to JSONL/,
    );
  });
});
