import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { Corpus } from "./corpus.js";
import { JsonlFileTexts } from "./jsonl-file-texts.js";

const dir = mkdtempSync(join(tmpdir(), "corpus-load-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  delete process.env.DATAFLOW_CORPUS_MEMORY_MIB;
});

const BODY = '{"id":"a","text":"alpha"}\n{"id":"b","text":"beta"}\n';

describe("Corpus.load", () => {
  it("holds a file's texts up to DATAFLOW_CORPUS_MEMORY_MIB and leaves a larger file's on disk, with the same passages", async () => {
    const file = join(dir, "c.jsonl");
    writeFileSync(file, BODY);
    const held = await Corpus.load({ file });
    expect(Array.isArray(held.texts)).toBe(true);
    process.env.DATAFLOW_CORPUS_MEMORY_MIB = "0";
    const onDisk = await Corpus.load({ file });
    expect(onDisk.texts).toBeInstanceOf(JsonlFileTexts);
    for (const corpus of [held, onDisk]) {
      expect([corpus.passage(0), corpus.passage(1), corpus.passage(2), corpus.passage(-1)]).toEqual([
        { id: "a", text: "alpha" },
        { id: "b", text: "beta" },
        undefined,
        undefined,
      ]);
      expect(corpus.docIdOf("b")).toBe(1);
    }
    onDisk.close();
    // Closed, it opens the file again when read.
    expect(onDisk.passage(1)?.text).toBe("beta");
    onDisk.close();
  });

  it("holds a gzip'd file's texts whatever its size, and rejects a bad memory setting", async () => {
    const file = join(dir, "c.jsonl.gz");
    writeFileSync(file, gzipSync(BODY));
    process.env.DATAFLOW_CORPUS_MEMORY_MIB = "0";
    expect(Array.isArray((await Corpus.load({ file })).texts)).toBe(true);
    process.env.DATAFLOW_CORPUS_MEMORY_MIB = "lots";
    await expect(Corpus.load({ file: join(dir, "c.jsonl") })).rejects.toThrow(
      /DATAFLOW_CORPUS_MEMORY_MIB must be a number of MiB ≥ 0 .* got "lots"/,
    );
  });
});
