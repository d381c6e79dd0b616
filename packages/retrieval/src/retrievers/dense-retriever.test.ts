import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hashEmbedding } from "@dataflow/llm-serving/testing";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { DenseRetriever } from "./dense-retriever.js";
import { type EmbeddingFixture, startEmbeddingServer } from "./testdata/embedding-server.js";

const dir = mkdtempSync(join(tmpdir(), "dense-retriever-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let fixture: EmbeddingFixture | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

async function start(options: Parameters<typeof startEmbeddingServer>[0] = {}): Promise<EmbeddingFixture> {
  fixture = await startEmbeddingServer(options);
  return fixture;
}

const DOCS = [
  { id: "chain", text: "A worn chain stretches and skips on the cassette under load." },
  { id: "pads", text: "Brake pads glaze when they overheat on long descents." },
  { id: "rotor", text: "A warped brake rotor pulses through the lever when braking." },
  { id: "tyre", text: "Tyre pressure depends on rider weight and tyre width." },
  { id: "saddle", text: "Saddle height sets how far the knee bends at the bottom of the stroke." },
];
const memory = { ids: DOCS.map((d) => d.id), texts: DOCS.map((d) => d.text) };

describe("DenseRetriever", () => {
  it("embeds a JSONL corpus in batches at open and ranks passages by cosine similarity", async () => {
    const f = await start();
    const file = join(dir, "docs.jsonl");
    writeFileSync(file, DOCS.map((d) => JSON.stringify(d)).join("\n"));
    const serving = f.serving();
    const retriever = new DenseRetriever({ name: "docs", corpus: { file }, serving, embedBatchSize: 2 });
    await Promise.all([retriever.open(), retriever.open()]);
    expect(retriever.size).toBe(5);
    expect(retriever.dims).toBe(64);
    // Three corpus calls of at most 2 passages, one build for both opens.
    expect(f.embedded()).toEqual([
      [DOCS[0]?.text, DOCS[1]?.text],
      [DOCS[2]?.text, DOCS[3]?.text],
      [DOCS[4]?.text],
    ]);
    expect(serving.usage().byTag["retriever:docs"]?.requests).toBe(3);

    const hits = await retriever.search("warped rotor pulses when braking", 3, { tag: "mine" });
    expect(f.embedded().at(-1)).toEqual(["warped rotor pulses when braking"]);
    expect(serving.usage().byTag.mine?.requests).toBe(1);
    expect(hits[0]).toMatchObject({ docId: 2, id: "rotor", text: DOCS[2]?.text });
    const expected = cosine(
      hashEmbedding("warped rotor pulses when braking", 64),
      hashEmbedding(DOCS[2]?.text ?? "", 64),
    );
    expect(hits[0]?.score).toBeCloseTo(expected, 5);
    expect(hits).toHaveLength(3);
    for (let i = 1; i < hits.length; i++)
      expect(hits[i - 1]?.score).toBeGreaterThanOrEqual(hits[i]?.score ?? 0);
    expect(retriever.docIdOf("tyre")).toBe(3);
    expect(retriever.passage(4)).toEqual({ id: "saddle", text: DOCS[4]?.text });
    expect(retriever.views()).toEqual({ dense: retriever });
    expect(retriever.fingerprint()).toEqual({
      kind: "dense",
      corpus: expect.objectContaining({ file, textField: "text", idField: "id" }),
      embeddingModel: "test-embedder",
      serving: serving.fingerprint(),
    });
  });

  it("honours exclude, and answers concurrent searches exactly as one at a time", async () => {
    const f = await start();
    const retriever = new DenseRetriever({ name: "mem", corpus: memory, serving: f.serving() });
    const queries = [
      "brake rotor",
      "tyre pressure",
      "chain skips",
      "saddle knee",
      "brake pads",
      "rider weight",
    ];
    const oneByOne = [];
    for (const q of queries) oneByOne.push(await retriever.search(q, 3, { exclude: (d) => d === 2 }));
    const together = await Promise.all(
      queries.map((q) => retriever.search(q, 3, { exclude: (d) => d === 2 })),
    );
    expect(together).toEqual(oneByOne);
    expect(oneByOne.flat().some((h) => h.docId === 2)).toBe(false);
    const mixedK = await Promise.all([
      retriever.search("brake rotor", 1),
      retriever.search("brake rotor", 4),
    ]);
    expect(mixedK[0]).toEqual(mixedK[1]?.slice(0, 1));
    expect(mixedK[1]).toHaveLength(4);
  });

  it("ranks the same on search threads (workers: 2) as on one, and on one again once closed", async () => {
    const f = await start();
    const words = DOCS.flatMap((d) => d.text.split(" "));
    const texts = Array.from({ length: 300 }, (_, i) =>
      Array.from({ length: 8 }, (_, j) => words[(i * 31 + j * 7) % words.length]).join(" "),
    );
    const corpus = { ids: texts.map((_, i) => `p${i}`), texts };
    const one = new DenseRetriever({ name: "one", corpus, serving: f.serving(), workers: 1 });
    const two = new DenseRetriever({ name: "two", corpus, serving: f.serving(), workers: 2 });
    const queries = texts.slice(0, 40).map((t) => t.split(" ").slice(2, 6).join(" "));
    const want = await Promise.all(queries.map((q, i) => one.search(q, 1 + (i % 9))));
    expect(await Promise.all(queries.map((q, i) => two.search(q, 1 + (i % 9))))).toEqual(want);
    await two.close();
    expect(await Promise.all(queries.map((q, i) => two.search(q, 1 + (i % 9))))).toEqual(want);
    expect(want[3]).toHaveLength(4);
  });

  it("serves a rerun over the same corpus from the response cache: no corpus embedding requests", async () => {
    const f = await start();
    const cacheDir = join(dir, "cache");
    const first = new DenseRetriever({ name: "docs", corpus: memory, serving: f.serving({ cacheDir }) });
    const before = await first.search("brake rotor", 2);
    expect(f.embedded()).toHaveLength(2); // the corpus, then the query

    const logged: string[] = [];
    const logger = { debug() {}, info: (m: string) => logged.push(m), warn() {}, error() {} };
    const second = new DenseRetriever({
      name: "docs",
      corpus: memory,
      serving: f.serving({ cacheDir }),
      logger,
    });
    await second.open();
    expect(f.embedded()).toHaveLength(2);
    expect(logged).toEqual([
      expect.stringMatching(
        /^retriever "docs": dense index over 5 passages \(64 dimensions, (wasm|js) kernel\) with test-embedder in \d+ ms; 5 embeddings from the cache, 0 prompt tokens$/,
      ),
    ]);
    expect(await second.search("brake rotor", 2)).toEqual(before);
    expect(f.embedded()).toHaveLength(2);
    // A new passage is the only text sent.
    const grown = { ids: [...memory.ids, "bell"], texts: [...memory.texts, "Ring the bell before passing."] };
    await new DenseRetriever({ name: "docs", corpus: grown, serving: f.serving({ cacheDir }) }).open();
    expect(f.embedded().slice(2)).toEqual([["Ring the bell before passing."]]);
  });

  it("gives empty passages a zero vector and blank queries no hits, without sending them", async () => {
    const f = await start();
    const retriever = new DenseRetriever({
      name: "gaps",
      corpus: { ids: ["e1", "a", "e2", "b"], texts: ["", "brake rotor", "", "tyre pressure"] },
      serving: f.serving(),
    });
    expect(await retriever.search("   ", 2)).toEqual([]);
    expect(f.embedded()).toEqual([["brake rotor", "tyre pressure"]]);
    const hits = await retriever.search("brake rotor", 4);
    expect(hits.map((h) => h.id).sort()).toEqual(["a", "b", "e1", "e2"]);
    expect(hits[0]).toMatchObject({ id: "a", docId: 1 });
    expect(hits[0]?.score).toBeCloseTo(1, 6);
    const zeros = hits.filter((h) => h.id.startsWith("e"));
    expect(zeros.map((h) => [h.id, h.score])).toEqual([
      ["e1", 0],
      ["e2", 0],
    ]);
    expect(await retriever.search("brake", 0)).toEqual([]);
  });

  it("fails clearly when a query embedding has another length than the passages", async () => {
    const f = await start({ embed: (text) => (text === "odd one" ? [1, 0, 0] : hashEmbedding(text, 8)) });
    const retriever = new DenseRetriever({ name: "mixed", corpus: memory, serving: f.serving() });
    await expect(retriever.search("odd one", 2)).rejects.toThrow(
      /retriever "mixed": the query embedding has 3 dimensions but the passages have 8; were they embedded with another model\?/,
    );
    expect(await retriever.search("brake rotor", 1)).toHaveLength(1);
  });

  it("fails open when embedding fails, and builds on the next call", async () => {
    const f = await start({ embeddingFaults: [{ fault: { status: 400, message: "bad input" }, times: 1 }] });
    const retriever = new DenseRetriever({ name: "flaky", corpus: memory, serving: f.serving() });
    await expect(retriever.open()).rejects.toThrow(/bad input/);
    expect(retriever.size).toBe(0);
    expect((await retriever.search("warped rotor pulses", 1)).map((h) => h.id)).toEqual(["rotor"]);
  });

  it("stops embedding the corpus when the open is aborted", async () => {
    const f = await start();
    const retriever = new DenseRetriever({ name: "stop", corpus: memory, serving: f.serving() });
    const controller = new AbortController();
    controller.abort(new Error("run cancelled"));
    await expect(retriever.open({ signal: controller.signal })).rejects.toThrow("run cancelled");
    expect(f.embedded()).toEqual([]);
    expect(await retriever.search("warped rotor pulses", 1)).toHaveLength(1);
  });

  it("has nothing to search in an empty corpus, and rejects a bad batch size", async () => {
    const f = await start();
    const retriever = new DenseRetriever({
      name: "none",
      corpus: { ids: [], texts: [] },
      serving: f.serving(),
    });
    expect(await retriever.search("anything", 3)).toEqual([]);
    expect(f.embedded()).toEqual([]);
    expect(
      () => new DenseRetriever({ name: "x", corpus: memory, serving: f.serving(), embedBatchSize: 0 }),
    ).toThrow(/retriever "x": embedBatchSize must be a whole number ≥ 1, got 0/);
  });
});

function cosine(a: number[], b: number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += (a[i] ?? 0) * (b[i] ?? 0);
    na += (a[i] ?? 0) ** 2;
    nb += (b[i] ?? 0) ** 2;
  }
  return dot / Math.sqrt(na * nb);
}
