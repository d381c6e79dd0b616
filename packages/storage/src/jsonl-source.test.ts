import { open, writeFile } from "node:fs/promises";
import type { SourceItem } from "@dataflow/core";
import { describe, expect, it } from "vitest";
import { InputFileError } from "./input-file.js";
import { JsonlSource } from "./jsonl-source.js";
import { collect, useTempDir } from "./testdata/temp-dir.js";

const tmp = useTempDir();

async function fileWith(content: string | Buffer, name = "in.jsonl"): Promise<string> {
  const path = tmp(name);
  await writeFile(path, content);
  return path;
}

function rows(items: SourceItem[]): Array<[string, unknown]> {
  return items.flatMap((i) => (i.kind === "row" ? [[i.id, i.row] as [string, unknown]] : []));
}

function bads(items: SourceItem[]) {
  return items.flatMap((i) => (i.kind === "bad" ? [i] : []));
}

describe("JsonlSource", () => {
  it("reads one row per line, ids = line numbers, blank lines skipped", async () => {
    const path = await fileWith('{"a":1}\n\n  \n{"a":2,"b":"x"}\r\n{"a":3}');
    const items = await collect(new JsonlSource({ path }).read());
    expect(items).toEqual([
      { kind: "row", id: "1", row: { a: 1 } },
      { kind: "row", id: "4", row: { a: 2, b: "x" } },
      { kind: "row", id: "5", row: { a: 3 } },
    ]);
  });

  it("reads an empty file as no rows, and a file ending in a newline without an extra row", async () => {
    expect(await collect(new JsonlSource({ path: await fileWith("", "empty.jsonl") }).read())).toEqual([]);
    const items = await collect(new JsonlSource({ path: await fileWith('{"a":1}\n{"a":2}\n') }).read());
    expect(rows(items).map(([id]) => id)).toEqual(["1", "2"]);
  });

  it("ignores a UTF-8 byte order mark at the start", async () => {
    const path = await fileWith(
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"a":1}\n{"b":2}\n')]),
    );
    const items = await collect(new JsonlSource({ path }).read());
    expect(rows(items)).toEqual([
      ["1", { a: 1 }],
      ["2", { b: 2 }],
    ]);
  });

  it("reads multi-byte characters and long lines across chunk boundaries", async () => {
    const lines = [
      { t: "héllo wörld 😀 ünïcode" },
      { t: "x".repeat(1000) },
      { t: "€".repeat(50), n: 1 },
      { t: "日本語のテキスト" },
    ];
    const path = await fileWith(`${lines.map((l) => JSON.stringify(l)).join("\n")}\n`);
    for (const chunkSize of [1, 2, 3, 7, 64, 4096]) {
      const items = await collect(new JsonlSource({ path, chunkSize }).read());
      expect(
        rows(items).map(([, r]) => r),
        `chunkSize ${chunkSize}`,
      ).toEqual(lines);
    }
  });

  it("takes ids from idColumn (strings and numbers)", async () => {
    const path = await fileWith('{"id":"a","v":1}\n{"id":7,"v":2}\n{"id":"c","v":3}\n');
    const items = await collect(new JsonlSource({ path, idColumn: "id" }).read());
    expect(rows(items).map(([id]) => id)).toEqual(["a", "7", "c"]);
  });

  it("makes a missing or duplicate id a bad item", async () => {
    const path = await fileWith('{"id":"a"}\n{"v":1}\n{"id":"a"}\n{"id":null}\n{"id":[1]}\n{"id":"b"}\n');
    const items = await collect(new JsonlSource({ path, idColumn: "id" }).read());
    expect(rows(items).map(([id]) => id)).toEqual(["a", "b"]);
    const bad = bads(items);
    expect(bad.map((b) => [b.id, b.location.line])).toEqual([
      ["line:2", 2],
      ["line:3", 3],
      ["line:4", 4],
      ["line:5", 5],
    ]);
    expect(bad[0]?.reason).toMatch(/missing id column "id"/);
    expect(bad[1]?.reason).toMatch(/duplicate id "a"/);
    expect(bad[3]?.reason).toMatch(/must be a string or a number, found an array/);
    expect(bad[1]?.raw).toBe('{"id":"a"}');
  });

  it("makes malformed JSON a bad item with its line and column", async () => {
    const path = await fileWith('{"a":1}\n{"a":}\n  {"b" 2}\n{"c":1}x\n{"d":"é", oops}\n{"e":1\n{"f":1}\n');
    const items = await collect(new JsonlSource({ path }).read());
    expect(rows(items).map(([id]) => id)).toEqual(["1", "7"]);
    const bad = bads(items);
    expect(bad.map((b) => [b.id, b.location])).toEqual([
      ["2", { file: path, line: 2, column: 6 }],
      ["3", { file: path, line: 3, column: 8 }],
      ["4", { file: path, line: 4, column: 8 }],
      ["5", { file: path, line: 5, column: 11 }],
      ["6", { file: path, line: 6, column: 7 }],
    ]);
    for (const b of bad) expect(b.reason).toMatch(/^invalid JSON: /);
    expect(bad[0]?.raw).toBe('{"a":}');
  });

  it("makes a JSON value that is not an object a bad item", async () => {
    const path = await fileWith('[1,2]\n"str"\n42\nnull\ntrue\n {"ok":1}\n');
    const items = await collect(new JsonlSource({ path }).read());
    expect(rows(items)).toEqual([["6", { ok: 1 }]]);
    expect(bads(items).map((b) => b.reason)).toEqual([
      "expected a JSON object, found an array",
      "expected a JSON object, found a string",
      "expected a JSON object, found a number",
      "expected a JSON object, found null",
      "expected a JSON object, found a boolean",
    ]);
    expect(bads(items)[0]?.location).toEqual({ file: path, line: 1, column: 1 });
  });

  it("makes a line with invalid UTF-8 a bad item, and reads the lines around it", async () => {
    const path = await fileWith(
      Buffer.concat([
        Buffer.from('{"a":1}\n{"t":"é'),
        Buffer.from([0xff, 0xfe]),
        Buffer.from('"}\n{"a":3}\n'),
      ]),
    );
    for (const chunkSize of [3, 1024]) {
      const items = await collect(new JsonlSource({ path, chunkSize }).read());
      expect(rows(items)).toEqual([
        ["1", { a: 1 }],
        ["3", { a: 3 }],
      ]);
      const [bad] = bads(items);
      expect(bad?.id).toBe("2");
      expect(bad?.reason).toMatch(/invalid UTF-8/);
      expect(bad?.location).toEqual({ file: path, line: 2, column: 8 });
      expect(bad?.raw).toContain('{"t":"é');
    }
  });

  it("stops after `limit` rows", async () => {
    const path = await fileWith('{"a":1}\nbad\n{"a":2}\n{"a":3}\n');
    const items = await collect(new JsonlSource({ path, limit: 2 }).read());
    expect(items.map((i) => [i.kind, i.id])).toEqual([
      ["row", "1"],
      ["bad", "2"],
      ["row", "3"],
    ]);
    expect(await collect(new JsonlSource({ path, limit: 0 }).read())).toEqual([]);
    expect(() => new JsonlSource({ path, limit: -1 })).toThrow(/limit must be a non-negative integer/);
  });

  it("reports a missing file clearly, from checkReadable() and from the first next()", async () => {
    const path = tmp("nope.jsonl");
    const source = new JsonlSource({ path });
    await expect(source.checkReadable()).rejects.toThrow(`input file not found: ${path}; check source.path`);
    await expect(source.checkReadable()).rejects.toBeInstanceOf(InputFileError);
    await expect(collect(source.read())).rejects.toThrow(/input file not found/);
    await expect(collect(new JsonlSource({ path: tmp() }).read())).rejects.toThrow(/is a directory/);
  });

  it("reports progress in bytes", async () => {
    const content = '{"a":1}\n{"a":2}\n';
    const source = new JsonlSource({ path: await fileWith(content) });
    expect(source.progress()).toEqual({ bytesRead: 0 });
    await source.checkReadable();
    expect(source.progress()).toEqual({ bytesRead: 0, bytesTotal: content.length });
    await collect(source.read());
    expect(source.progress()).toEqual({ bytesRead: content.length, bytesTotal: content.length });
  });

  it("throws the abort reason when the signal is aborted", async () => {
    const path = await fileWith('{"a":1}\n{"a":2}\n{"a":3}\n');
    const controller = new AbortController();
    const seen: string[] = [];
    const run = async () => {
      for await (const item of new JsonlSource({ path }).read({ signal: controller.signal })) {
        seen.push(item.id);
        controller.abort();
      }
    };
    await expect(run()).rejects.toMatchObject({ name: "AbortError" });
    expect(seen).toEqual(["1"]);
  });

  it("reads a large file incrementally: stopping early reads a small part of it", async () => {
    const path = tmp("large.jsonl");
    const fh = await open(path, "w");
    const lines = 300_000;
    const batch: string[] = [];
    for (let i = 1; i <= lines; i++) {
      batch.push(JSON.stringify({ i, text: `row number ${i} with some padding text` }));
      if (batch.length === 10_000) {
        await fh.write(`${batch.join("\n")}\n`);
        batch.length = 0;
      }
    }
    await fh.close();

    const source = new JsonlSource({ path });
    const first: string[] = [];
    for await (const item of source.read()) {
      first.push(item.id);
      if (first.length === 10) break;
    }
    expect(first).toEqual(["1", "2", "3", "4", "5", "6", "7", "8", "9", "10"]);
    const { bytesRead, bytesTotal } = source.progress();
    expect(bytesTotal).toBeGreaterThan(15_000_000);
    expect(bytesRead).toBeLessThan((bytesTotal ?? 0) / 20);

    // And the whole file reads completely, in order.
    let count = 0;
    let outOfOrder = 0;
    for await (const item of source.read()) {
      count++;
      if (item.kind !== "row" || item.row.i !== count || item.id !== String(count)) outOfOrder++;
    }
    expect(count).toBe(lines);
    expect(outOfOrder).toBe(0);
    expect(source.progress().bytesRead).toBe(bytesTotal);
  });
});
