import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { readJsonlCorpus } from "./jsonl-corpus.js";

const dir = mkdtempSync(join(tmpdir(), "corpus-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const LINES = [
  '{"id":"a","text":"first"}',
  "",
  '{"text":"no id"}',
  '{"id":7,"body":"no text"}',
  '{"id":9,"text":"ninth"}',
].join("\n");

describe("readJsonlCorpus", () => {
  it("keeps ids and texts, numbering records without an id by line, skipping records without text", async () => {
    const path = join(dir, "c.jsonl");
    writeFileSync(path, `${LINES}\n`);
    expect(await readJsonlCorpus(path, { textField: "text", idField: "id" })).toEqual({
      ids: ["a", "3", "9"],
      texts: ["first", "no id", "ninth"],
      skipped: 1,
    });
  });

  it("reads gzip'd JSONL and other field names", async () => {
    const path = join(dir, "c.jsonl.gz");
    writeFileSync(path, gzipSync('{"doc":"d1","body":"one"}\r\n{"doc":"d2","body":"two"}\r\n'));
    expect(await readJsonlCorpus(path, { textField: "body", idField: "doc" })).toEqual({
      ids: ["d1", "d2"],
      texts: ["one", "two"],
      skipped: 0,
    });
  });

  it("names the file and line of bad JSON, and a missing file", async () => {
    const path = join(dir, "bad.jsonl");
    writeFileSync(path, '{"text":"ok"}\n{"text": oops}\n');
    await expect(readJsonlCorpus(path, { textField: "text", idField: "id" })).rejects.toThrow(
      /bad\.jsonl:2: not valid JSON/,
    );
    await expect(
      readJsonlCorpus(join(dir, "none.jsonl"), { textField: "text", idField: "id" }),
    ).rejects.toThrow(/corpus file not found: .*none\.jsonl/);
  });
});
