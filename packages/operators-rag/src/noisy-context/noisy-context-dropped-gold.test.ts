import { runOperator } from "@dataflow/core";
import { Bm25Retriever, OverlapDetector } from "@dataflow/retrieval";
import { describe, expect, it } from "vitest";
import { NoisyContextOperator } from "./noisy-context.js";
import { metaOf } from "./testdata/check-context.js";
import { CHUNKED_CORPUS, CHUNKS } from "./testdata/chunked-corpus.js";
import { CORPUS, goldRows } from "./testdata/corpus.js";

const manual = new Bm25Retriever({ name: "manual", corpus: CHUNKED_CORPUS });
const GOLD = CHUNKS[1]?.text ?? "";
const NEIGHBOURS = ["manual-0", "manual-2"];
const QUERIES = [
  "how do I close a quick link on a new chain",
  "should I replace the chain when the checker reads half a percent",
  "how many links should a new chain have",
];
/** Rows whose gold is the middle chunk of the manual, which overlaps both its neighbours. */
const rows = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    id: `q${i}`,
    row: { query: QUERIES[i % QUERIES.length], gold_ids: ["manual-1"] },
  }));

const run = (input: { id: string; row: Record<string, unknown> }[], params: Record<string, unknown>) =>
  runOperator(NoisyContextOperator, input, { params: { mix: { bm25: 1 }, ...params }, retriever: manual });

const detector = new OverlapDetector();
const overlapsGold = (text: string) => detector.check(GOLD, text).overlapping;

describe("rag/noisy-context: a row whose gold was dropped holds no passage that could answer it", () => {
  it("lets the gold's overlapping neighbours in while the gold is there", async () => {
    const r = await run(rows(3), { k: 3, noiseRate: 0 });
    for (const row of r.rows) {
      expect(row.answerable).toBe(true);
      expect(metaOf(row).some((m) => NEIGHBOURS.includes(m.id ?? ""))).toBe(true);
    }
    expect(r.counters.dropped_gold_overlaps_skipped).toBeUndefined();
  });

  it("keeps out every chunk that overlaps the dropped gold, fills the context from other passages, and counts them", async () => {
    const r = await run(rows(3), { k: 3, noiseRate: 0, dropGoldRate: 1 });
    expect(r.rejected).toEqual([]);
    for (const row of r.rows) {
      expect(row.answerable).toBe(false);
      const passages = row.passages as string[];
      expect(passages).toHaveLength(3);
      expect(passages.filter(overlapsGold)).toEqual([]);
      expect(metaOf(row).map((m) => m.id)).not.toContain("manual-1");
      expect(metaOf(row).every((m) => m.id?.startsWith("note-"))).toBe(true);
    }
    // Each row's ranking reaches both neighbours; each is counted once per row.
    expect(r.counters.dropped_gold_overlaps_skipped).toBe(6);
    expect(r.counters.dropped_gold_hits_skipped).toBe(3);
  });

  it("draws no overlapping noise either: random picks and near misses go through the same rule", async () => {
    const r = await run(rows(30), {
      k: 5,
      dropGoldRate: 1,
      noiseRate: 1,
      noiseCount: 2,
      noiseFrom: { random: 1, "near-miss": 1 },
      nearMissDepth: 10,
    });
    expect(r.rejected).toEqual([]);
    for (const row of r.rows) expect((row.passages as string[]).filter(overlapsGold)).toEqual([]);
    // The corpus has 11 passages, 3 of them the gold and its neighbours: random picks meet them often.
    expect(r.counters["noise:random"]).toBeGreaterThan(0);
    expect(r.counters.dropped_gold_overlaps_skipped).toBeGreaterThanOrEqual(60);
  });

  it("follows the overlap param: with its rules off, the neighbours come back", async () => {
    const r = await run(rows(3), {
      k: 3,
      noiseRate: 0,
      dropGoldRate: 1,
      overlap: { minSharedChars: 0, maxContainment: 0 },
    });
    for (const row of r.rows) expect(metaOf(row).some((m) => NEIGHBOURS.includes(m.id ?? ""))).toBe(true);
    expect(r.counters.dropped_gold_overlaps_skipped).toBeUndefined();
  });

  it("keeps out the row's own document, found by its corpus id, when the gold was given as text", async () => {
    // A row made from note-4 (belt drives), its gold an excerpt that shares no run of text with it.
    const input = [
      {
        id: "note-4",
        row: { query: "do belt drive bikes need chain lubricant", gold_passages: ["Belts skip the oil."] },
      },
    ];
    const kept = await run(input, { k: 3, noiseRate: 0 });
    expect(metaOf(kept.rows[0]).map((m) => m.id)).toContain("note-4");
    const dropped = await run(input, { k: 3, noiseRate: 0, dropGoldRate: 1 });
    expect(metaOf(dropped.rows[0]).map((m) => m.id)).not.toContain("note-4");
    expect(dropped.rows[0]?.passages).toHaveLength(3);
    expect(dropped.counters.dropped_gold_same_doc_skipped).toBe(1);
  });

  it("rejects a dropped row when every passage found for it overlaps its gold, saying so", async () => {
    // In the topic corpus, a passage's only BM25 matches are its topic siblings, which overlap it.
    const r = await runOperator(NoisyContextOperator, goldRows(1), {
      params: { mix: { bm25: 1 }, noiseRate: 0, dropGoldRate: 1 },
      retriever: new Bm25Retriever({ name: "docs", corpus: CORPUS }),
    });
    expect(r.rows).toEqual([]);
    expect(r.rejected).toEqual([
      {
        id: "q0",
        type: "empty-context",
        message:
          'no passage for the query: its gold was dropped, and every passage retriever "docs" found for it was gold or overlapped it',
      },
    ]);
    expect(r.counters.dropped_gold_overlaps_skipped).toBe(5);
  });
});
