import { runOperator, seededRandom } from "@dataflow/core";
import { describe, expect, it } from "vitest";
import { lshBands } from "./lsh-params.js";
import { NearDedupOperator } from "./near-dedup.js";

// ---------- a planted set: random texts, and edited copies of earlier ones ----------

const VOCAB = Array.from({ length: 4000 }, (_, i) => `w${i.toString(36)}x`);

function randomText(random: () => number): string[] {
  const length = 20 + Math.floor(random() * 30);
  return Array.from({ length }, () => VOCAB[Math.floor(random() * VOCAB.length)] as string);
}

/** `k` random edits (substitute, delete, insert), and sometimes a change of case and punctuation. */
function edited(words: string[], k: number, random: () => number): string[] {
  const out = [...words];
  for (let e = 0; e < k; e++) {
    const at = Math.floor(random() * out.length);
    const word = VOCAB[Math.floor(random() * VOCAB.length)] as string;
    const kind = random();
    if (kind < 0.5) out[at] = word;
    else if (kind < 0.75 && out.length > 5) out.splice(at, 1);
    else out.splice(at, 0, word);
  }
  return out;
}

function render(words: string[], random: () => number): string {
  if (random() < 0.5) return words.join(" ");
  // Same words after normalisation: capitals, commas and a full stop.
  return `${words.map((w, i) => (i % 7 === 0 ? w.toUpperCase() : w)).join(", ")}.`;
}

/** `n` rows; about 35% are copies of an earlier row with 0–4 edits, so pairs straddle 0.8. */
function plantedRows(n: number, seed: number): string[] {
  const rng = seededRandom(`planted-${seed}`);
  const random = () => rng.float();
  const words: string[][] = [];
  const texts: string[] = [];
  for (let i = 0; i < n; i++) {
    const copy = i > 0 && random() < 0.35;
    const w = copy
      ? edited(words[Math.floor(random() * i)] as string[], Math.floor(random() * 5), random)
      : randomText(random);
    words.push(w);
    texts.push(render(w, random));
  }
  return texts;
}

// ---------- exact Jaccard by brute force, written here without the operator's code ----------

function shingleSet(text: string, n: number): Set<string> {
  const w = text.toLowerCase().match(/[a-z0-9]+/g) ?? [];
  const size = Math.min(n, w.length);
  const set = new Set<string>();
  for (let i = 0; i + size <= w.length; i++) set.add(w.slice(i, i + size).join(" "));
  return set;
}

function jaccard(a: Set<string>, b: Set<string>): number {
  let common = 0;
  for (const x of a) if (b.has(x)) common++;
  return common / (a.size + b.size - common);
}

/** Greedy in input order: a row is a duplicate when some earlier kept row is within the threshold. */
function exactDuplicates(texts: string[], threshold: number, n: number): Set<number> {
  const sets = texts.map((t) => shingleSet(t, n));
  const kept: number[] = [];
  const dropped = new Set<number>();
  sets.forEach((s, i) => {
    if (kept.some((k) => jaccard(s, sets[k] as Set<string>) >= threshold)) dropped.add(i);
    else kept.push(i);
  });
  return dropped;
}

function precisionRecall(found: Set<number>, truth: Set<number>): { precision: number; recall: number } {
  const hit = [...found].filter((i) => truth.has(i)).length;
  return { precision: hit / Math.max(found.size, 1), recall: hit / Math.max(truth.size, 1) };
}

const dropped = (filtered: { id: string }[]) => new Set(filtered.map((f) => Number(f.id) - 1));

describe("quality/near-dedup", () => {
  it("matches exact Jaccard at the threshold on a planted set (precision ≥ 0.98, recall ≥ 0.95)", async () => {
    const texts = plantedRows(3000, 11);
    const truth = exactDuplicates(texts, 0.8, 3);
    expect(truth.size).toBeGreaterThan(300);
    const result = await runOperator(
      NearDedupOperator,
      texts.map((text) => ({ text })),
    );
    const { precision, recall } = precisionRecall(dropped(result.filtered), truth);
    expect(precision).toBeGreaterThanOrEqual(0.98);
    expect(recall).toBeGreaterThanOrEqual(0.95);
    expect(result.rows.length + result.filtered.length).toBe(texts.length);
    expect(result.counters.near_duplicates).toBe(result.filtered.length);
  });

  it("drops a row only for a kept earlier row within the threshold, named in the reason", async () => {
    const texts = plantedRows(1500, 5);
    const result = await runOperator(
      NearDedupOperator,
      texts.map((text) => ({ text })),
    );
    const keptIds = new Set(result.records.map((r) => r.id));
    for (const { id, reason } of result.filtered) {
      const m = /^near-duplicate of row (\d+)$/.exec(reason);
      expect(m, reason).not.toBeNull();
      const of = Number(m?.[1]);
      expect(of).toBeLessThan(Number(id));
      expect(keptIds.has(String(of))).toBe(true);
      const j = jaccard(
        shingleSet(texts[of - 1] as string, 3),
        shingleSet(texts[Number(id) - 1] as string, 3),
      );
      expect(j).toBeGreaterThanOrEqual(0.8);
    }
  });

  it("works on character shingles at another threshold", async () => {
    const texts = plantedRows(1200, 23).map((t) => t.slice(0, 160));
    const charSet = (t: string): Set<string> => {
      const s = (t.toLowerCase().match(/[a-z0-9]+/g) ?? []).join(" ");
      return new Set(Array.from({ length: Math.max(s.length - 4, 1) }, (_, i) => s.slice(i, i + 5)));
    };
    const sets = texts.map(charSet);
    const kept: number[] = [];
    const truth = new Set<number>();
    sets.forEach((s, i) => {
      if (kept.some((k) => jaccard(s, sets[k] as Set<string>) >= 0.7)) truth.add(i);
      else kept.push(i);
    });
    const result = await runOperator(
      NearDedupOperator,
      texts.map((text) => ({ text })),
      {
        params: { shingle: "char", threshold: 0.7 },
      },
    );
    const { precision, recall } = precisionRecall(dropped(result.filtered), truth);
    expect(truth.size).toBeGreaterThan(200);
    expect(precision).toBeGreaterThanOrEqual(0.98);
    expect(recall).toBeGreaterThanOrEqual(0.95);
  });

  it("keeps the first of a cluster, reports cluster sizes and the dedup rate", async () => {
    const base = "the quick brown fox jumps over the lazy dog near the river bank today";
    const rows = [
      { text: "an unrelated sentence about bicycle chains and how to oil them well" },
      { text: base },
      { text: base.toUpperCase().replace(/ /g, ", ") },
      { text: `${base} again` },
      { text: "something else entirely, with its own words and no overlap at all" },
      { text: base },
    ];
    const result = await runOperator(NearDedupOperator, rows);
    expect(result.records.map((r) => r.id)).toEqual(["1", "2", "5"]);
    expect(result.filtered).toEqual([
      { id: "3", reason: "near-duplicate of row 2" },
      { id: "4", reason: "near-duplicate of row 2" },
      { id: "6", reason: "near-duplicate of row 2" },
    ]);
    expect(result.observed.cluster_size).toEqual([4]);
    expect(result.observed.dedup_rate).toEqual([0.5]);
    expect(result.counters).toMatchObject({ near_duplicates: 3, clusters: 1 });
  });

  it("annotates instead of dropping with action annotate", async () => {
    const rows = [
      { text: "one two three four five six" },
      { text: "One, two; three four five six!" },
      { text: "" },
    ];
    const result = await runOperator(NearDedupOperator, rows, {
      params: { action: "annotate", annotateColumn: "dup" },
    });
    expect(result.rows.map((r) => r.dup)).toEqual([null, "1", null]);
    expect(result.filtered).toEqual([]);
    expect(result.counters.no_words).toBe(1);
  });

  it("treats a text shorter than one n-gram as one shingle", async () => {
    const result = await runOperator(NearDedupOperator, [
      { text: "Hi there" },
      { text: "hi, there" },
      { text: "hi" },
    ]);
    expect(result.filtered.map((f) => f.id)).toEqual(["2"]);
  });

  it("rejects a row whose text is not a string, and reads a bound column", async () => {
    const result = await runOperator(NearDedupOperator, [{ body: 3 }, { body: "fine text here" }], {
      inputs: { text: "body" },
    });
    expect(result.rejected).toEqual([expect.objectContaining({ id: "1", type: "bad-input" })]);
    expect(result.rows).toHaveLength(1);
  });

  it("fails the step when only one of bands and rows is given", async () => {
    await expect(
      runOperator(NearDedupOperator, [{ text: "a b c" }], { params: { bands: 4 } }),
    ).rejects.toThrow(/both bands and rows/);
  });

  it("uses explicit bands × rows", async () => {
    const texts = plantedRows(800, 3);
    const truth = exactDuplicates(texts, 0.8, 3);
    const result = await runOperator(
      NearDedupOperator,
      texts.map((text) => ({ text })),
      {
        params: { bands: 20, rows: 5 },
      },
    );
    expect(precisionRecall(dropped(result.filtered), truth).recall).toBeGreaterThanOrEqual(0.95);
  });
});

describe("lshBands", () => {
  it("derives the documented banding from the threshold", () => {
    expect(lshBands(0.8, 128)).toEqual({ bands: 18, rows: 7 });
    expect(lshBands(0.9, 128)).toEqual({ bands: 11, rows: 11 });
    expect(lshBands(0.7, 128)).toEqual({ bands: 25, rows: 5 });
    expect(lshBands(0.5, 128)).toEqual({ bands: 42, rows: 3 });
  });
});
