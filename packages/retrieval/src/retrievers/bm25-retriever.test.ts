import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Bm25Retriever } from "./bm25-retriever.js";

const dir = mkdtempSync(join(tmpdir(), "bm25-retriever-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const DOCS = [
  { id: "chain", text: "A worn chain stretches and skips on the cassette under load." },
  { id: "pads", text: "Brake pads glaze when they overheat on long descents." },
  { id: "rotor", text: "A warped brake rotor pulses through the lever when braking." },
  { id: "tyre", text: "Tyre pressure depends on rider weight and tyre width." },
];

describe("Bm25Retriever", () => {
  it("loads a JSONL corpus once, ranks by BM25 and maps docIds back to ids and texts", async () => {
    const file = join(dir, "docs.jsonl");
    writeFileSync(file, DOCS.map((d) => JSON.stringify(d)).join("\n"));
    const retriever = new Bm25Retriever({ name: "docs", corpus: { file } });
    await Promise.all([retriever.open(), retriever.open()]);
    expect(retriever.size).toBe(4);
    const hits = await retriever.search("brake rotor pulses", 2);
    expect(hits.map((h) => h.id)).toEqual(["rotor", "pads"]);
    expect(hits[0]?.text).toBe(DOCS[2]?.text);
    expect(hits[0]?.score).toBeGreaterThan(hits[1]?.score ?? Number.POSITIVE_INFINITY);
    expect(retriever.docIdOf("tyre")).toBe(3);
    expect(retriever.passage(0)).toEqual({ id: "chain", text: DOCS[0]?.text });
    expect(retriever.views()).toEqual({ bm25: retriever });
  });

  it("honours exclude, and fingerprints the corpus file and params", async () => {
    const retriever = new Bm25Retriever({
      name: "mem",
      corpus: { ids: DOCS.map((d) => d.id), texts: DOCS.map((d) => d.text) },
      k1: 1.2,
    });
    const hits = await retriever.search("brake rotor", 5, { exclude: (d) => d === 2 });
    expect(hits.map((h) => h.id)).toEqual(["pads"]);
    expect(retriever.fingerprint()).toEqual({
      kind: "bm25",
      corpus: { passages: 4 },
      engine: "compact",
      k1: 1.2,
      b: 0.4,
      scoring: "lucene",
    });
  });

  it("fails open with the file name when the corpus is missing, and retries on the next call", async () => {
    const file = join(dir, "later.jsonl");
    const retriever = new Bm25Retriever({ name: "late", corpus: { file } });
    await expect(retriever.search("chain", 1)).rejects.toThrow(/corpus file not found: .*later\.jsonl/);
    writeFileSync(file, `${JSON.stringify(DOCS[0])}\n`);
    expect((await retriever.search("chain", 1)).map((h) => h.id)).toEqual(["chain"]);
  });

  it("rejects bad BM25 params when it is created", () => {
    expect(() => new Bm25Retriever({ name: "x", corpus: { ids: [], texts: [] }, b: 2 })).toThrow(
      /b must be in \[0, 1\]/,
    );
  });
});
