import { runOperator } from "@dataflow/core";
import type { OpenAIServing } from "@dataflow/llm-serving";
import { type ChatServer, openAITestServing, startChatServer } from "@dataflow/llm-serving/testing";
import { HybridRetriever } from "@dataflow/retrieval";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NoisyContextOperator } from "./noisy-context.js";
import { checkContext, metaOf } from "./testdata/check-context.js";
import { CORPUS, goldRows } from "./testdata/corpus.js";

// The loopback server's default embedding (a hashed bag of words) makes real dense rankings.
let server: ChatServer;
let serving: OpenAIServing;
let retriever: HybridRetriever;
beforeAll(async () => {
  server = await startChatServer({ embeddingDims: 256 });
  serving = openAITestServing(server, { name: "embedder", model: "test-embedder" });
  retriever = new HybridRetriever({ name: "mixed", corpus: CORPUS, serving });
});
afterAll(async () => {
  await serving.close();
  await server.close();
});

const VIEWS = ["bm25", "dense", "hybrid"];
const run = (n: number, params: Record<string, unknown>) =>
  runOperator(NoisyContextOperator, goldRows(n), { params, retriever });

describe("rag/noisy-context over a hybrid retriever", () => {
  it("draws one view per query by weight, over the BM25, dense and hybrid views", async () => {
    const r = await run(200, { mix: { bm25: 1, dense: 1, hybrid: 2 }, noiseRate: 0 });
    expect(r.rejected).toEqual([]);
    for (const row of r.rows) {
      const { meta } = checkContext(row, 5, VIEWS);
      const views = new Set(meta.filter((m) => m.role === "retrieved").map((m) => m.retriever));
      expect(views.size).toBe(1);
    }
    // 1 : 1 : 2 of 200 → 50, 50, 100 expected (sd ≈ 6.1 and 7.1); fixed-seed draws, bounds at ±3 sd.
    const drawn = VIEWS.map((v) => r.counters[`query_retriever:${v}`] ?? 0);
    expect(drawn[0]).toBeGreaterThan(31);
    expect(drawn[0]).toBeLessThan(69);
    expect(drawn[1]).toBeGreaterThan(31);
    expect(drawn[1]).toBeLessThan(69);
    expect(drawn[2]).toBeGreaterThan(79);
    expect(drawn[2]).toBeLessThan(121);
    expect(drawn.reduce((a, b) => a + b, 0)).toBe(200);
    // Each view's share of the passages is observed per row.
    expect(r.observed["retriever_share:dense"]).toHaveLength(200);
  });

  it("interleaves the weighted views in turn, without duplicates, until a view runs out", async () => {
    const params = { mix: { bm25: 2, dense: 1 }, mixMode: "interleave", noiseRate: 0, shuffle: false };
    const r = await run(40, { ...params, k: 4 });
    expect(r.rejected).toEqual([]);
    let skipped = 0;
    for (const row of r.rows) {
      const { meta } = checkContext(row, 4, VIEWS);
      // Gold first, then smooth weighted round-robin at 2 : 1.
      expect(meta.map((m) => (m.role === "gold" ? "gold" : m.retriever))).toEqual([
        "gold",
        "bm25",
        "dense",
        "bm25",
      ]);
      // The first dense pick is ranked below 1 only when the gold or a BM25 pick was skipped.
      skipped += (meta[2]?.rank ?? 0) - 1;
    }
    // Both views rank the topic's passages at the top, so beyond the gold dedup had work to do.
    expect(skipped).toBeGreaterThan(40);
    expect(r.counters["retrieved:bm25"]).toBe(40 * 2);
    expect(r.counters["retrieved:dense"]).toBe(40);

    // BM25 ranks only the passages sharing a query word (a topic's six); dense ranks all, and fills in.
    const deep = await run(40, { ...params, k: 9 });
    for (const row of deep.rows) {
      const { meta } = checkContext(row, 9, VIEWS);
      expect(meta).toHaveLength(9);
      const order = meta.slice(1).map((m) => m.retriever);
      expect(order.slice(0, 3)).toEqual(["bm25", "dense", "bm25"]);
      expect(order.at(-1)).toBe("dense");
      for (const view of ["bm25", "dense"]) {
        const ranks = meta
          .filter((m) => m.retriever === view && m.role === "retrieved")
          .map((m) => m.rank ?? 0);
        expect([...ranks].sort((a, b) => a - b)).toEqual(ranks);
      }
    }
  });

  it("is deterministic over the hybrid views, and ranks near misses by BM25 by default", async () => {
    const params = {
      mix: { dense: 1, hybrid: 1 },
      k: 3,
      noiseRate: 1,
      noiseCount: 2,
      noiseFrom: { "near-miss": 1 },
    };
    const a = await run(30, params);
    const b = await run(30, params);
    expect(b.rows).toEqual(a.rows);
    const noise = a.rows.flatMap((row) => metaOf(row).filter((m) => m.role === "noise"));
    expect(noise).toHaveLength(60);
    // BM25 ranks only a topic's few passages: where ranks 4 … 23 hold none left, random noise stands in.
    const near = noise.filter((m) => m.noise === "near-miss");
    expect(near.length).toBeGreaterThan(20);
    for (const m of near) expect(m).toMatchObject({ retriever: "bm25", rank: expect.any(Number) });
    expect(a.counters["noise_near-miss_fell_back_to_random"] ?? 0).toBe(60 - near.length);
  });

  it("names the views a hybrid retriever offers when the mix names another", async () => {
    await expect(run(2, { mix: { sparse: 1 } })).rejects.toThrow(
      /mix names "sparse", but retriever "mixed" \(hybrid\) offers only bm25, dense, hybrid; use those names in mix$/,
    );
  });
});
