import { writeFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { JsonSource } from "./json-source.js";
import { collect, useTempDir } from "./testdata/temp-dir.js";

const tmp = useTempDir();

async function fileWith(content: string | Buffer, name = "in.json"): Promise<string> {
  const path = tmp(name);
  await writeFile(path, content);
  return path;
}

describe("JsonSource", () => {
  it("reads an array of objects, ids = 1-based record index", async () => {
    const path = await fileWith('[\n  {"a": 1},\n  {"a": 2, "b": [1, 2]}\n]\n');
    expect(await collect(new JsonSource({ path }).read())).toEqual([
      { kind: "row", id: "1", row: { a: 1 } },
      { kind: "row", id: "2", row: { a: 2, b: [1, 2] } },
    ]);
  });

  it("reads an empty array, and ignores a byte order mark", async () => {
    expect(await collect(new JsonSource({ path: await fileWith("[]") }).read())).toEqual([]);
    const path = await fileWith(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('[{"a":1}]')]));
    expect(await collect(new JsonSource({ path }).read())).toEqual([{ kind: "row", id: "1", row: { a: 1 } }]);
  });

  it("makes non-object elements bad items located at their line and column", async () => {
    const text = [
      "[",
      '  {"a": 1},',
      '  "a string with, commas [and] {braces} \\" quotes",',
      '  {"nested": [1, {"x": "]"}]}, 42,',
      "  [1, 2],",
      "  null,",
      '  {"a": "é"}, "😀"',
      "]",
    ].join("\n");
    const path = await fileWith(text);
    const items = await collect(new JsonSource({ path }).read());
    expect(items.map((i) => [i.kind, i.id])).toEqual([
      ["row", "1"],
      ["bad", "2"],
      ["row", "3"],
      ["bad", "4"],
      ["bad", "5"],
      ["bad", "6"],
      ["row", "7"],
      ["bad", "8"],
    ]);
    const bad = items.flatMap((i) => (i.kind === "bad" ? [[i.location, i.reason, i.raw]] : []));
    expect(bad).toEqual([
      [
        { file: path, line: 3, column: 3 },
        "expected a JSON object, found a string",
        '"a string with, commas [and] {braces} \\" quotes"',
      ],
      [{ file: path, line: 4, column: 32 }, "expected a JSON object, found a number", "42"],
      [{ file: path, line: 5, column: 3 }, "expected a JSON object, found an array", "[1,2]"],
      [{ file: path, line: 6, column: 3 }, "expected a JSON object, found null", "null"],
      [{ file: path, line: 7, column: 15 }, "expected a JSON object, found a string", '"😀"'],
    ]);
  });

  it("locates non-object elements on one long minified line", async () => {
    const elements = Array.from({ length: 2000 }, (_, i) => (i % 500 === 499 ? String(i) : `{"i":${i}}`));
    const text = `[${elements.join(",")}]`;
    const path = await fileWith(text);
    const bad = (await collect(new JsonSource({ path }).read())).flatMap((i) =>
      i.kind === "bad" ? [i] : [],
    );
    expect(bad.map((b) => b.id)).toEqual(["500", "1000", "1500", "2000"]);
    for (const b of bad) {
      expect(b.location.line).toBe(1);
      expect(text.slice((b.location.column ?? 0) - 1).startsWith(b.raw ?? "?")).toBe(true);
    }
  });

  it("takes ids from idColumn; missing or duplicate ids are bad items", async () => {
    const path = await fileWith('[{"id":"a"},{"id":2},{"x":1},{"id":"a"}]');
    const items = await collect(new JsonSource({ path, idColumn: "id" }).read());
    expect(items.map((i) => [i.kind, i.id])).toEqual([
      ["row", "a"],
      ["row", "2"],
      ["bad", "record:3"],
      ["bad", "record:4"],
    ]);
    expect(items[3]).toMatchObject({
      reason: 'duplicate id "a" in column "id"',
      location: { line: 1, column: 30 },
    });
  });

  it("stops after `limit` rows", async () => {
    const path = await fileWith('[{"a":1},{"a":2},{"a":3}]');
    expect((await collect(new JsonSource({ path, limit: 2 }).read())).map((i) => i.id)).toEqual(["1", "2"]);
  });

  it("throws file:line:column for invalid JSON", async () => {
    const path = await fileWith('[\n  {"a": 1},\n  {"b": }\n]');
    await expect(collect(new JsonSource({ path }).read())).rejects.toThrow(`${path}:3:9: invalid JSON: `);
    const truncated = await fileWith('[\n  {"a": 1},\n', "truncated.json");
    await expect(collect(new JsonSource({ path: truncated }).read())).rejects.toThrow(
      `${truncated}:3:1: invalid JSON`,
    );
  });

  it("suggests JSONL when a .json file holds one object per line", async () => {
    const path = await fileWith('{"a":1}\n{"a":2}\n');
    await expect(collect(new JsonSource({ path }).read())).rejects.toThrow(
      new RegExp(`${path}:2:1: invalid JSON: .*name the file .jsonl`),
    );
  });

  it("throws when the top level is not an array", async () => {
    const path = await fileWith('\n  {"a": [1]}');
    await expect(collect(new JsonSource({ path }).read())).rejects.toThrow(
      `${path}:2:3: expected a JSON array of objects, found an object`,
    );
    const empty = await fileWith("  \n", "empty.json");
    await expect(collect(new JsonSource({ path: empty }).read())).rejects.toThrow(/the file is empty/);
  });

  it("throws file:line:column for invalid UTF-8", async () => {
    const path = await fileWith(
      Buffer.concat([Buffer.from('[\n{"a":"é'), Buffer.from([0xc3, 0x28]), Buffer.from('"}]')]),
    );
    await expect(collect(new JsonSource({ path }).read())).rejects.toThrow(`${path}:2:8: invalid UTF-8`);
  });

  it("reports a missing file clearly", async () => {
    const path = tmp("missing.json");
    await expect(new JsonSource({ path }).checkReadable()).rejects.toThrow(`input file not found: ${path}`);
    await expect(collect(new JsonSource({ path }).read())).rejects.toThrow(`input file not found: ${path}`);
  });

  it("reports progress", async () => {
    const content = '[{"a":1},{"a":2}]';
    const source = new JsonSource({ path: await fileWith(content) });
    await collect(source.read());
    expect(source.progress()).toEqual({ bytesRead: content.length, bytesTotal: content.length });
  });
});
