import { mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readJsonlCorpus } from "./jsonl-corpus.js";
import { scanJsonlCorpus } from "./scan-jsonl-corpus.js";

const dir = mkdtempSync(join(tmpdir(), "scan-corpus-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const FIELDS = { textField: "text", idField: "id" };

/** Lines of every kind: CRLF, blank, without id, without text, multi-byte text, no final newline. */
const LINES = [
  '{"id":"a","text":"first"}\r',
  "",
  '{"text":"no id: ünïcödé — 東京 🚲"}',
  '{"id":7,"body":"no text"}',
  "   ",
  '{"id":9,"text":"ninth\\nwith an escaped newline"}',
].join("\n");

/** The scan's passages as readJsonlCorpus gives them. */
async function expectSameAsRead(path: string): Promise<void> {
  const want = await readJsonlCorpus(path, FIELDS);
  const got = await scanJsonlCorpus(path, FIELDS);
  try {
    expect(got.ids).toEqual(want.ids);
    expect(got.skipped).toBe(want.skipped);
    expect([...got.texts]).toEqual(want.texts);
    expect(got.texts.slice()).toEqual(want.texts);
    expect(want.texts.map((_, d) => got.texts.at(d))).toEqual(want.texts);
  } finally {
    got.texts.close();
  }
}

describe("scanJsonlCorpus", () => {
  it("finds the passages readJsonlCorpus reads, leaving their texts in the file", async () => {
    const path = join(dir, "kinds.jsonl");
    writeFileSync(path, LINES);
    await expectSameAsRead(path);
    const { texts } = await scanJsonlCorpus(path, FIELDS);
    expect(texts.length).toBe(3);
    expect(texts.at(1)).toBe("no id: ünïcödé — 東京 🚲");
    expect(texts.at(3)).toBeUndefined();
    expect(texts.at(-1)).toBeUndefined();
    expect(texts.slice(1, 3)).toEqual(["no id: ünïcödé — 東京 🚲", "ninth\nwith an escaped newline"]);
    expect(texts.slice(2, 99)).toEqual(["ninth\nwith an escaped newline"]);
    texts.close();
  });

  it("reads lines across its 1 MiB read chunks and slices beyond one 4 MiB read", async () => {
    const path = join(dir, "big.jsonl");
    // ~6 MB of lines of uneven length, multi-byte characters among them.
    const lines = Array.from({ length: 3000 }, (_, i) =>
      JSON.stringify({
        id: `p${i}`,
        text: `${i} ${"é".repeat(i % 7)}${"word ".repeat(1 + ((i * 37) % 800))}`,
      }),
    );
    writeFileSync(path, `${lines.join("\n")}\n`);
    await expectSameAsRead(path);
  });

  it("names the file and line of bad JSON, and a missing file", async () => {
    const path = join(dir, "bad.jsonl");
    writeFileSync(path, '{"text":"ok"}\n{"text": oops}\n');
    await expect(scanJsonlCorpus(path, FIELDS)).rejects.toThrow(/bad\.jsonl:2: not valid JSON/);
    await expect(scanJsonlCorpus(join(dir, "none.jsonl"), FIELDS)).rejects.toThrow(
      /corpus file not found: .*none\.jsonl/,
    );
  });

  it("refuses to read passages from a file changed after the scan", async () => {
    const path = join(dir, "changing.jsonl");
    writeFileSync(path, '{"id":"a","text":"alpha"}\n{"id":"b","text":"beta"}\n');
    const { texts } = await scanJsonlCorpus(path, FIELDS);
    writeFileSync(path, '{"id":"a","text":"ALPHA"}\n{"id":"b","text":"beta"}\n');
    utimesSync(path, new Date(), new Date(Date.now() + 5000));
    expect(() => texts.at(0)).toThrow(/changing\.jsonl changed after it was read/);
  });
});
