import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { HybridRetriever } from "./hybrid-retriever.js";
import { type EmbeddingFixture, startEmbeddingServer } from "./testdata/embedding-server.js";

const dir = mkdtempSync(join(tmpdir(), "hybrid-retriever-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let fixture: EmbeddingFixture | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

/**
 * A corpus where sparse and dense retrieval each miss, at k = 2, the passage that fusion finds.
 *
 * The query is "warped brake rotor". Only A, B and T contain any of its words, so BM25 ranks
 * exactly those: A (all three words, twice over) > B (brake, rotor) > T (only "warped", in a long
 * passage). The dense vectors are scripted: the query embeds to (1, 0) and each passage to
 * (c, √(1 − c²)), so its cosine with the query is exactly c:
 *
 *   C .95 > D .90 > T .80 > F1 .50 > F2 .40 > F3 .30 > A .10 > B .05
 *
 * BM25's top 2 is {A, B}, dense's top 2 is {C, D}; T is third in both. With rrfK = 60 and equal
 * weights, T scores 1/63 + 1/63 ≈ 0.03175, above A (1/61 + 1/67 ≈ 0.03132), B (1/62 + 1/68 ≈
 * 0.03084), C (1/61; no BM25 rank) and everything else: fused, T is first.
 */
const QUERY = "warped brake rotor";
const PASSAGES = [
  { id: "A", text: "Warped brake rotor? True the brake rotor.", cosine: 0.1 },
  { id: "B", text: "Brake rotor bolts need thread locker.", cosine: 0.05 },
  {
    id: "T",
    text: "A warped wheel wobbles at speed, rubs the frame on every turn and squeals going down long hills.",
    cosine: 0.8,
  },
  { id: "C", text: "Disc stoppers shudder when the disc is bent.", cosine: 0.95 },
  { id: "D", text: "Shuddering goes away once the disc is trued.", cosine: 0.9 },
  { id: "F1", text: "Chain wax lasts longer than oil in dry weather.", cosine: 0.5 },
  { id: "F2", text: "Tubeless tyres seal small punctures on their own.", cosine: 0.4 },
  { id: "F3", text: "A torque wrench keeps carbon parts from cracking.", cosine: 0.3 },
];
const corpus = { ids: PASSAGES.map((p) => p.id), texts: PASSAGES.map((p) => p.text) };

function scriptedEmbedding(text: string): number[] {
  if (text === QUERY) return [1, 0];
  const c = PASSAGES.find((p) => p.text === text)?.cosine ?? 0;
  return [c, Math.sqrt(1 - c * c)];
}

async function start(): Promise<EmbeddingFixture> {
  fixture = await startEmbeddingServer({ embed: scriptedEmbedding });
  return fixture;
}

describe("HybridRetriever", () => {
  it("finds by fusion a passage that sparse and dense retrieval each miss at k = 2", async () => {
    const f = await start();
    const hybrid = new HybridRetriever({ name: "mix", corpus, serving: f.serving() });
    const views = hybrid.views();
    const ids = (hits: { id: string }[]) => hits.map((h) => h.id);

    // The construction holds: T is third in each ranking on its own.
    expect(ids(await (views.bm25 as HybridRetriever["bm25"]).search(QUERY, 3))).toEqual(["A", "B", "T"]);
    expect(ids(await (views.dense as HybridRetriever["dense"]).search(QUERY, 3))).toEqual(["C", "D", "T"]);
    expect(ids(await hybrid.bm25.search(QUERY, 2))).not.toContain("T");
    expect(ids(await hybrid.dense.search(QUERY, 2))).not.toContain("T");

    const fused = await hybrid.search(QUERY, 2);
    expect(ids(fused)).toEqual(["T", "A"]);
    expect(fused[0]).toMatchObject({ docId: 2, text: PASSAGES[2]?.text, ranks: { bm25: 3, dense: 3 } });
    expect(fused[0]?.score).toBeCloseTo(2 / 63, 12);
    expect(fused[1]).toMatchObject({ ranks: { bm25: 1, dense: 7 } });
    expect(fused[1]?.score).toBeCloseTo(1 / 61 + 1 / 67, 12);

    // Deeper down, a passage only one ranking holds carries only that rank.
    const all = await hybrid.search(QUERY, 8);
    expect(all.find((h) => h.id === "C")?.ranks).toEqual({ dense: 1 });
    expect(all).toHaveLength(8);
  });

  it("passes exclude down to both rankings", async () => {
    const f = await start();
    const hybrid = new HybridRetriever({ name: "mix", corpus, serving: f.serving() });
    const hits = await hybrid.search(QUERY, 3, { exclude: (d) => d === 2 || d === 3 });
    expect(hits.map((h) => h.id)).toEqual(["A", "B", "D"]);
    // With T and C gone, D is dense's first and A, B keep their BM25 ranks 1 and 2.
    expect(hits.map((h) => h.ranks)).toEqual([{ bm25: 1, dense: 5 }, { bm25: 2, dense: 6 }, { dense: 1 }]);
  });

  it("cuts each ranking at the depth: a shallow fusion never sees T", async () => {
    const f = await start();
    const hybrid = new HybridRetriever({ name: "mix", corpus, serving: f.serving(), depth: 2 });
    expect((await hybrid.search(QUERY, 2)).map((h) => h.id)).toEqual(["A", "C"]);
    // k above the depth deepens the cut to k.
    expect((await hybrid.search(QUERY, 3)).map((h) => h.id)[0]).toBe("T");
  });

  it("weights the rankings, and never embeds for a zero dense weight", async () => {
    const f = await start();
    const sparseOnly = new HybridRetriever({
      name: "s",
      corpus,
      serving: f.serving(),
      weights: { dense: 0 },
    });
    const hits = await sparseOnly.search(QUERY, 5);
    expect(hits.map((h) => [h.id, h.ranks])).toEqual([
      ["A", { bm25: 1 }],
      ["B", { bm25: 2 }],
      ["T", { bm25: 3 }],
    ]);
    expect(f.embedded()).toEqual([]);
    expect(sparseOnly.size).toBe(8);
    const denseHeavy = new HybridRetriever({
      name: "d",
      corpus,
      serving: f.serving(),
      weights: { bm25: 0.01 },
    });
    expect((await denseHeavy.search(QUERY, 2)).map((h) => h.id)).toEqual(["C", "D"]);
  });

  it("loads a corpus file once for both rankings, and offers each as a view", async () => {
    const f = await start();
    const file = join(dir, "corpus.jsonl");
    writeFileSync(file, PASSAGES.map((p) => JSON.stringify({ id: p.id, text: p.text })).join("\n"));
    const serving = f.serving();
    const hybrid = new HybridRetriever({
      name: "mix",
      corpus: { file },
      serving,
      k1: 1.2,
      rrfK: 10,
      depth: 20,
    });
    await hybrid.bm25.open();
    // Read once: the dense ranking, opened after the file changed, holds the passages BM25 read.
    writeFileSync(file, JSON.stringify({ id: "late", text: "A passage written later." }));
    await hybrid.open();
    expect(hybrid.size).toBe(8);
    expect(hybrid.dense.size).toBe(8);
    expect(hybrid.dense.passage(2)).toEqual({ id: "T", text: PASSAGES[2]?.text });
    expect(f.embedded()).toEqual([PASSAGES.map((p) => p.text)]);
    expect(hybrid.docIdOf("F3")).toBe(7);
    expect(Object.keys(hybrid.views())).toEqual(["bm25", "dense", "hybrid"]);
    expect(hybrid.views().hybrid).toBe(hybrid);
    expect([hybrid.bm25.name, hybrid.dense.name]).toEqual(["mix.bm25", "mix.dense"]);
    expect(serving.usage().byTag["retriever:mix.dense"]?.requests).toBe(1);
    expect(hybrid.fingerprint()).toEqual({
      kind: "hybrid",
      bm25: hybrid.bm25.fingerprint(),
      dense: hybrid.dense.fingerprint(),
      rrfK: 10,
      depth: 20,
      weights: { bm25: 1, dense: 1 },
    });
    expect(hybrid.bm25.fingerprint()).toMatchObject({
      kind: "bm25",
      k1: 1.2,
      corpus: expect.objectContaining({ file }),
    });
    expect(hybrid.dense.fingerprint()).toMatchObject({ kind: "dense", embeddingModel: "test-embedder" });
  });

  it("rejects bad fusion settings when it is created", async () => {
    const f = await start();
    const make = (extra: object) => () =>
      new HybridRetriever({ name: "h", corpus, serving: f.serving(), ...extra });
    expect(make({ weights: { bm25: 0, dense: 0 } })).toThrow(
      /retriever "h": weights.bm25 and weights.dense are both 0/,
    );
    expect(make({ weights: { dense: -1 } })).toThrow(/weights.dense must be a finite number ≥ 0, got -1/);
    expect(make({ depth: 0 })).toThrow(/depth must be a whole number ≥ 1, got 0/);
    expect(make({ rrfK: Number.NaN })).toThrow(/rrfK must be a finite number ≥ 0, got NaN/);
    expect(make({ b: 3 })).toThrow(/b must be in \[0, 1\]/);
  });
});
