import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { createRetriever } from "./create-retriever.js";
import type { RetrieverConfig } from "./retriever-config.js";
import { Bm25Retriever } from "./retrievers/bm25-retriever.js";
import { DenseRetriever } from "./retrievers/dense-retriever.js";
import { HybridRetriever } from "./retrievers/hybrid-retriever.js";
import { type EmbeddingFixture, startEmbeddingServer } from "./retrievers/testdata/embedding-server.js";

const dir = mkdtempSync(join(tmpdir(), "create-retriever-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let fixture: EmbeddingFixture | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

const file = join(dir, "docs.jsonl");
writeFileSync(
  file,
  [
    { key: "a", body: "Brake pads glaze when they overheat." },
    { key: "b", body: "A warped rotor pulses through the lever." },
  ]
    .map((r) => JSON.stringify(r))
    .join("\n"),
);

function config(type: RetrieverConfig["type"], extra: Partial<RetrieverConfig> = {}): RetrieverConfig {
  return {
    type,
    corpus: file,
    textField: "body",
    idField: "key",
    bm25: { k1: 1.1, b: 0.5 },
    rrfK: 30,
    depth: 10,
    weights: { bm25: 1, dense: 2 },
    ...extra,
  };
}

describe("createRetriever", () => {
  it("builds each type from its pipeline config", async () => {
    fixture = await startEmbeddingServer();
    const servings = { emb: fixture.serving() };
    expect(createRetriever("s", config("bm25"))).toBeInstanceOf(Bm25Retriever);
    const dense = createRetriever("d", config("dense", { serving: "emb" }), { servings });
    expect(dense).toBeInstanceOf(DenseRetriever);
    expect((await dense.search("warped rotor pulses", 1)).map((h) => h.id)).toEqual(["b"]);
    const hybrid = createRetriever("h", config("hybrid", { serving: "emb" }), { servings });
    expect(hybrid).toBeInstanceOf(HybridRetriever);
    expect(hybrid.fingerprint()).toMatchObject({
      kind: "hybrid",
      bm25: { k1: 1.1, b: 0.5, corpus: { file, textField: "body", idField: "key" } },
      dense: { embeddingModel: "test-embedder" },
      rrfK: 30,
      depth: 10,
      weights: { bm25: 1, dense: 2 },
    });
    const hits = await hybrid.search("warped rotor", 2);
    expect(hits[0]).toMatchObject({ id: "b", ranks: { bm25: 1, dense: 1 } });
  });

  it("names the retriever and the serving when the serving is missing", () => {
    expect(() => createRetriever("near", config("dense"))).toThrow(
      'retriever "near" (type dense) needs a serving to embed passages and queries: set retrievers.near.serving (no servings are declared)',
    );
    expect(() => createRetriever("mix", config("hybrid", { serving: "embedder" }), { servings: {} })).toThrow(
      'retriever "mix" (type hybrid) names serving "embedder", which is not declared (no servings are declared)',
    );
  });

  it("rejects an unknown type", () => {
    expect(() => createRetriever("x", config("sparse" as RetrieverConfig["type"]))).toThrow(
      /retriever "x": type "sparse" is not supported \(bm25, dense or hybrid\)/,
    );
  });
});
