import { type Row, runOperator } from "@dataflow/core";
import { Bm25Retriever } from "@dataflow/retrieval";
import { describe, expect, it } from "vitest";
import { sameTextKey } from "../shared/same-text.js";
import type { PassageMeta } from "./context-types.js";
import { NoisyContextOperator } from "./noisy-context.js";
import { checkContext, goldIdOf, metaOf, textOf } from "./testdata/check-context.js";
import { CORPUS, goldRows, PASSAGES } from "./testdata/corpus.js";

const retriever = new Bm25Retriever({ name: "docs", corpus: CORPUS });

function run(
  rows: { id: string; row: Record<string, unknown> }[],
  params: Record<string, unknown> = {},
  options: { concurrency?: number } = {},
) {
  return runOperator(NoisyContextOperator, rows, { params, retriever, ...options });
}

describe("rag/noisy-context", () => {
  it("declares a required retriever, no serving and no row cache", () => {
    const { spec } = NoisyContextOperator;
    expect(spec.name).toBe("rag/noisy-context");
    expect(spec.retriever).toBe("required");
    expect(spec.serving).toBeUndefined();
    expect(spec.cacheRows).toBe(false);
    expect(Object.fromEntries(Object.entries(spec.outputs).map(([p, s]) => [p, s.column]))).toEqual({
      passages: "passages",
      passage_meta: "passage_meta",
      answerable: "answerable",
    });
  });

  it("puts the gold first-class and fills the rest from the ranking, a retrieved gold counting as gold", async () => {
    const gold = PASSAGES[8]; // bike-2
    const r = await run([{ id: "q", row: { query: gold?.query, gold_ids: [gold?.id] } }], {
      mix: { bm25: 1 },
      noiseRate: 0,
      shuffle: false,
    });
    expect(r.rejected).toEqual([]);
    const { passages, meta } = checkContext(r.rows[0] as Row, 5);
    expect(passages).toHaveLength(5);
    // The gold ranks first for its own query: it is recorded as gold, with where the retriever found it.
    expect(meta[0]).toEqual({ id: "bike-2", role: "gold", retriever: "bm25", rank: 1 });
    expect(passages[0]).toBe(gold?.text);
    expect(meta.slice(1).map((m) => m.role)).toEqual(["retrieved", "retrieved", "retrieved", "retrieved"]);
    // Retrieved passages come best first, after the gold's rank; the bike topic outranks the others.
    expect(meta.slice(1).map((m) => m.rank)).toEqual([2, 3, 4, 5]);
    expect(meta.slice(1).every((m) => m.id?.startsWith("bike-"))).toBe(true);
    expect(r.rows[0]?.answerable).toBe(true);
    expect(r.observed.gold_share).toEqual([0.2]);
    expect(r.observed.noise_share).toEqual([0]);
    expect(r.observed["retriever_share:bm25"]).toEqual([0.8]);
    expect(r.counters["retrieved:bm25"]).toBe(4);
  });

  it("recognises gold given only as text, and never repeats a passage copied under another id", async () => {
    const bee = PASSAGES[0];
    const r = await run(
      [
        { id: "by-text", row: { query: bee?.query, gold_passages: [` ${bee?.text}`] } },
        { id: "by-id", row: { query: bee?.query, gold_ids: ["bee-0"] } },
        { id: "near", row: { query: PASSAGES[1]?.query, gold_ids: ["bee-1"] } },
      ],
      { mix: { bm25: 1 }, noiseRate: 0 },
    );
    expect(r.rejected).toEqual([]);
    for (const row of r.rows) {
      const { meta } = checkContext(row, 5);
      expect(meta.filter((m) => m.role === "gold")).toHaveLength(1);
      // "bee-0-copy" has bee-0's text: it is gold for the first two rows, and at most once in the third.
      const copies = meta.filter((m) => m.id === "bee-0" || m.id === "bee-0-copy");
      expect(copies.length).toBeLessThanOrEqual(1);
    }
    expect(metaOf(r.rows[0]).find((m) => m.role === "gold")).toMatchObject({
      id: null,
      retriever: "bm25",
    });
  });

  it("is deterministic: the same seed gives the same contexts whatever the order and concurrency", async () => {
    const rows = goldRows(60);
    const params = {
      mix: { bm25: 1 },
      noiseRate: 0.5,
      noiseCount: 2,
      noiseFrom: { random: 1, "near-miss": 1 },
    };
    const a = await run(rows, params);
    const b = await run([...rows].reverse(), params, { concurrency: 1 });
    const byId = new Map(b.records.map((rec) => [rec.id, rec.row]));
    for (const rec of a.records) expect(byId.get(rec.id), rec.id).toEqual(rec.row);
    const c = await run(rows, { ...params, seed: 3 });
    const differ = c.rows.filter((row, i) => JSON.stringify(row) !== JSON.stringify(a.rows[i])).length;
    expect(differ).toBeGreaterThan(30);
  });

  it("adds noise to about noiseRate of the rows, noiseCount passages each, never in place of gold", async () => {
    const rows = goldRows(400);
    const r = await run(rows, { mix: { bm25: 1 }, k: 5, noiseRate: 0.3, noiseCount: 2 });
    expect(r.rejected).toEqual([]);
    let noisy = 0;
    r.rows.forEach((row, i) => {
      const { meta } = checkContext(row, 5);
      const gold = goldIdOf(rows, i);
      expect(meta.filter((m) => m.role === "gold").map((m) => m.id)).toEqual([gold]);
      const noise = meta.filter((m) => m.role === "noise");
      if (noise.length) noisy++;
      expect([0, 2]).toContain(noise.length);
      expect(noise.every((m) => m.noise === "random" && m.id !== gold)).toBe(true);
      expect(meta).toHaveLength(5);
    });
    // 400 fixed-seed draws at p = 0.3: 120 expected, sd ≈ 9.2; ±28 is three sd.
    expect(noisy).toBeGreaterThan(92);
    expect(noisy).toBeLessThan(148);
    expect(r.counters.rows_with_noise).toBe(noisy);
    expect(r.counters["noise:random"]).toBe(2 * noisy);
    expect(r.counters.gold_dropped).toBeUndefined();

    const none = await run(rows.slice(0, 50), { mix: { bm25: 1 }, noiseRate: 0 });
    expect(none.counters.rows_with_noise).toBeUndefined();
  });

  it("drops all gold from about dropGoldRate of the rows, marking them unanswerable, and keeps it out of retrieval", async () => {
    const rows = goldRows(400);
    // Containment off: this corpus's topic siblings share 59% of their 8-word shingles, so the default
    // rule would keep them all out of a dropped row. Overlap is tested on chunked documents instead.
    const r = await run(rows, {
      mix: { bm25: 1 },
      dropGoldRate: 0.25,
      noiseRate: 0,
      overlap: { maxContainment: 0 },
    });
    let dropped = 0;
    r.rows.forEach((row, i) => {
      const { passages, meta } = checkContext(row, 5);
      const goldId = goldIdOf(rows, i);
      const goldKey = sameTextKey(textOf.get(goldId) ?? "");
      const hasGold = meta.some((m) => m.role === "gold");
      expect(row.answerable).toBe(hasGold);
      if (!hasGold) {
        dropped++;
        // Neither the gold id nor its text (bee-0's copy included) comes back as a retrieved passage.
        expect(meta.some((m) => m.id === goldId)).toBe(false);
        expect(passages.map(sameTextKey)).not.toContain(goldKey);
        expect(passages).toHaveLength(5);
      }
    });
    expect(dropped).toBeGreaterThan(75);
    expect(dropped).toBeLessThan(125);
    expect(r.counters.gold_dropped).toBe(dropped);
    expect(r.counters.dropped_gold_hits_skipped).toBeGreaterThanOrEqual(dropped);
  });

  it("draws near misses from just below the context, and other rows' gold when asked", async () => {
    const rows = goldRows(42);
    const near = await run(rows, {
      mix: { bm25: 1 },
      k: 3,
      noiseRate: 1,
      noiseCount: 2,
      noiseFrom: { "near-miss": 1 },
    });
    expect(near.rejected).toEqual([]);
    for (const row of near.rows) {
      const noise = checkContext(row, 3).meta.filter((m) => m.role === "noise");
      expect(noise).toHaveLength(2);
      for (const m of noise) {
        expect(m).toMatchObject({ noise: "near-miss", retriever: "bm25" });
        expect(m.rank).toBeGreaterThanOrEqual(4);
        expect(m.rank).toBeLessThanOrEqual(23);
      }
    }

    const other = await run(rows, { mix: { bm25: 1 }, noiseRate: 1, noiseFrom: { "other-gold": 1 } });
    const golds = new Set(PASSAGES.map((p) => p.id));
    other.rows.forEach((row, i) => {
      const noise = checkContext(row, 5).meta.filter((m) => m.role === "noise");
      expect(noise).toHaveLength(1);
      expect(noise[0]?.noise).toBe("other-gold");
      expect(golds.has(noise[0]?.id ?? "")).toBe(true);
      expect(noise[0]?.id).not.toBe(goldIdOf(rows, i));
    });
  });

  it("shuffles each context by (seed, row id), and keeps gold, retrieved, noise order with shuffle off", async () => {
    const rows = goldRows(30);
    const params = { mix: { bm25: 1 }, noiseRate: 1, noiseCount: 1 };
    const plain = await run(rows, { ...params, shuffle: false });
    const shuffled = await run(rows, params);
    let moved = 0;
    plain.rows.forEach((row, i) => {
      const roles = (row.passage_meta as PassageMeta[]).map((m) => m.role);
      expect(roles).toEqual(["gold", "retrieved", "retrieved", "retrieved", "noise"]);
      const s = shuffled.rows[i] as Row;
      expect([...(s.passages as string[])].sort()).toEqual([...(row.passages as string[])].sort());
      if ((s.passage_meta as PassageMeta[])[0]?.role !== "gold") moved++;
    });
    expect(moved).toBeGreaterThan(15);
  });

  it("marks rows without gold as unknown, and rejects bad rows with the reason", async () => {
    const r = await run(
      [
        { id: "free", row: { query: PASSAGES[3]?.query } },
        { id: "blank", row: { query: "  ", gold_ids: ["bee-0"] } },
        { id: "unknown", row: { query: "bees", gold_ids: ["nope"] } },
        { id: "misaligned", row: { query: "bees", gold_ids: ["bee-0"], gold_passages: ["a", "b"] } },
        { id: "typed", row: { query: "bees", gold_ids: "bee-0" } },
      ],
      { mix: { bm25: 1 }, noiseRate: 0 },
    );
    expect(r.rows).toHaveLength(1);
    expect(r.rows[0]?.answerable).toBeNull();
    expect(metaOf(r.rows[0]).every((m) => m.role === "retrieved")).toBe(true);
    expect(r.counters.rows_without_gold).toBe(1);
    expect(r.rejected.map((x) => [x.id, x.type])).toEqual([
      ["blank", "bad-input"],
      ["unknown", "bad-input"],
      ["misaligned", "bad-input"],
      ["typed", "bad-input"],
    ]);
    expect(r.rejected[0]?.message).toBe('column "query" must hold a non-empty query, got an empty string');
    expect(r.rejected[1]?.message).toMatch(/gold id "nope" is not in the corpus of retriever "docs"/);
    expect(r.rejected[2]?.message).toMatch(/1 ids but "gold_passages" has 2 passages/);
    expect(r.rejected[3]?.message).toMatch(/"gold_ids" must hold a list of non-empty strings, got a string/);
  });

  it("refuses at prepare a mix the retriever cannot serve, and noise that leaves no room", async () => {
    await expect(run(goldRows(2), { mix: { dense: 1, bm25: 1 } })).rejects.toThrow(
      /mix names "dense", but retriever "docs" \(bm25\) offers only bm25; use those names in mix, or declare a hybrid retriever/,
    );
    // The default mix is the retriever's own kind.
    expect((await run(goldRows(2), { noiseRate: 0 })).rejected).toEqual([]);
    await expect(run(goldRows(2), { mix: { bm25: 0 } })).rejects.toThrow(
      /no retriever view a positive weight/,
    );
    await expect(run(goldRows(2), { k: 3, noiseCount: 3 })).rejects.toThrow(
      /noiseCount \(3\) must be at most k − 1 \(2\)/,
    );
    expect((await run(goldRows(2), { k: 3, noiseCount: 3, noiseRate: 0 })).rejected).toEqual([]);
    await expect(run(goldRows(2), { nearMissView: "dense" })).rejects.toThrow(
      /nearMissView "dense" is not offered by retriever "docs"; use one of bm25/,
    );
    await expect(run(goldRows(2), { noiseFrom: { random: 0 } })).rejects.toThrow(
      /noiseFrom gives no noise kind/,
    );
  });
});
