import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { runOperator } from "@dataflow/core";
import { analyze, Bm25Retriever } from "@dataflow/retrieval";
import { afterAll, describe, expect, it } from "vitest";
import { Bm25HardNegOperator } from "./bm25-hard-neg.js";

const repoRoot = path.resolve(import.meta.dirname, "../../..");
const SAMPLE = path.join(path.resolve(repoRoot, "..", "shared"), "data", "pipeline_small_chunk.json");
const haveSample = existsSync(SAMPLE);
if (!haveSample)
  console.warn(`[rare/bm25-hard-neg] skipping the real-corpus tests: ${SAMPLE} does not exist`);

// One question per chunk of the sample (consecutive, overlapping chunks of an anatomy textbook).
const QUESTIONS = [
  "A student can recite every muscle of the soft palate but cannot explain swallowing; how should gross anatomy be studied instead?",
  "Why is an iodine-based agent chosen over barium when contrast must be injected into arteries or veins?",
  "How does SPECT build three-dimensional images from technetium-99m gamma rays, and which diseases can it diagnose?",
  "How do compact and spongy bone differ, and why does a bone need both to support the body and store calcium?",
  "How do the epidermis and the dermis share the skin's barrier, sensory and thermoregulatory roles?",
  "Why is the lymph draining the small intestine milky, and what does that say about how absorbed fat is transported?",
  "How do somatic sensory afferents carrying proprioception differ from somatic motor efferents to skeletal muscle?",
  "Why does the gray ramus communicans look gray, and how do postganglionic sympathetic fibers reach the body wall?",
  "How can the enteric nervous system regulate peristalsis and secretomotor activity without the brain?",
  "Why are the muscles that abduct the arm innervated by the C5 and C6 spinal nerves, given how somites form myotomes?",
];

/** Textbook Lucene BM25 over the analyzer's terms, written here without the engines' code. */
function bm25Ranking(docs: string[], query: string, k1 = 0.9, b = 0.4): { doc: number; score: number }[] {
  const terms = docs.map((d) => analyze(d));
  const avg = terms.reduce((n, t) => n + t.length, 0) / docs.length;
  const df = new Map<string, number>();
  for (const t of terms) for (const w of new Set(t)) df.set(w, (df.get(w) ?? 0) + 1);
  const q = analyze(query);
  const ranked: { doc: number; score: number }[] = [];
  terms.forEach((t, doc) => {
    let score = 0;
    let hit = false;
    for (const w of q) {
      const tf = t.filter((x) => x === w).length;
      if (!tf) continue;
      hit = true;
      const n = df.get(w) ?? 0;
      score +=
        (Math.log(1 + (docs.length - n + 0.5) / (n + 0.5)) * tf) / (tf + k1 * (1 - b + (b * t.length) / avg));
    }
    if (hit) ranked.push({ doc, score });
  });
  return ranked.sort((x, y) => y.score - x.score || x.doc - y.doc);
}

/** Whether two texts share a run of `n` characters (whitespace collapsed, lower-cased). */
function shareRun(a: string, b: string, n = 300): boolean {
  const norm = (s: string) => s.toLowerCase().replace(/\s+/g, " ");
  const x = norm(a);
  const y = norm(b);
  const windows = new Set<string>();
  for (let i = 0; i + n <= x.length; i += 1) windows.add(x.slice(i, i + n));
  for (let i = 0; i + n <= y.length; i++) if (windows.has(y.slice(i, i + n))) return true;
  return false;
}

describe.skipIf(!haveSample)("rare/bm25-hard-neg on the sample textbook chunks", () => {
  const texts = haveSample
    ? (JSON.parse(readFileSync(SAMPLE, "utf8")) as { text: string }[]).map((r) => r.text)
    : [];
  const rows = texts.map((text, i) => ({ text, question: QUESTIONS[i] }));
  const overlaps = texts.map((a, i) => texts.map((b, j) => i !== j && shareRun(a, b)));
  /** Every eligible candidate for row i, best first: not itself, not overlapping it. */
  const eligible = (i: number) =>
    bm25Ranking(texts, QUESTIONS[i] as string).filter((h) => h.doc !== i && !overlaps[i]?.[h.doc]);
  const ownScore = (i: number) =>
    bm25Ranking(texts, QUESTIONS[i] as string).find((h) => h.doc === i)?.score ?? 0;
  const run = (params: Record<string, unknown>) => runOperator(Bm25HardNegOperator, rows, { params });

  it("is the corpus the test was written for: neighbouring chunks overlap", () => {
    expect(texts).toHaveLength(10);
    for (let i = 0; i + 1 < texts.length; i++)
      expect(overlaps[i]?.[i + 1], `chunks ${i} and ${i + 1}`).toBe(true);
  });

  it("never returns the positive or an overlapping neighbour, and ranks like an independent BM25", async () => {
    const r = await run({});
    expect(r.rejected).toEqual([]);
    expect(r.rows).toHaveLength(10);
    r.rows.forEach((row, i) => {
      const negatives = row.hard_negatives as string[];
      expect(negatives).toHaveLength(3);
      for (const neg of negatives) {
        expect(neg).not.toBe(texts[i]);
        expect(shareRun(neg, texts[i] as string), `row ${i}`).toBe(false);
      }
      const ids = (row.negative_ids as string[]).map(Number);
      expect(ids).not.toContain(i + 1);
      expect(ids).not.toContain(i); // the previous chunk (ids are 1-based)
      expect(ids).not.toContain(i + 2); // the next chunk
      const expected = eligible(i).slice(0, 3);
      expect(ids).toEqual(expected.map((h) => h.doc + 1));
      (row.negative_scores as number[]).forEach((s, k) => {
        expect(s).toBeCloseTo(expected[k]?.score as number, 5);
      });
      expect(negatives).toEqual(expected.map((h) => texts[h.doc]));
    });
    // Every neighbour pair that ranked above the third negative was excluded and counted.
    expect(r.counters.excluded_overlap).toBeGreaterThan(0);
    expect(r.counters.excluded_identical).toBeUndefined();
    expect(r.observed.negatives_per_row).toEqual(new Array(10).fill(3));
    const margins = r.observed.bm25_margin ?? [];
    expect(margins).toHaveLength(10);
    margins.forEach((m, i) => {
      expect(m).toBeCloseTo(ownScore(i) - (eligible(i)[0]?.score as number), 5);
    });
  });

  it("picks the same negatives with lunr's own index as the reference engine", async () => {
    const compact = await run({});
    const lunr = await run({ engine: "lunr" });
    expect(lunr.rows.map((r) => r.negative_ids)).toEqual(compact.rows.map((r) => r.negative_ids));
  });

  it("skips the skipTop best candidates", async () => {
    const r = await run({ skipTop: 2 });
    r.rows.forEach((row, i) => {
      expect(row.negative_ids).toEqual(
        eligible(i)
          .slice(2, 5)
          .map((h) => String(h.doc + 1)),
      );
    });
  });

  it("keeps only candidates scoring at least minScore, rejecting rows left with fewer than minNeg", async () => {
    const all = QUESTIONS.map((_, i) => eligible(i));
    const scores = all.flatMap((e) => e.slice(0, 3).map((h) => h.score)).sort((x, y) => x - y);
    const minScore = scores[Math.floor(scores.length / 2)] as number;
    const r = await run({ minScore, minNeg: 2 });
    const expectedKept = all.map((e) => e.filter((h) => h.score >= minScore).slice(0, 3));
    const keptIdx = expectedKept.flatMap((e, i) => (e.length >= 2 ? [i] : []));
    expect(keptIdx.length).toBeGreaterThan(0);
    expect(keptIdx.length).toBeLessThan(10);
    expect(r.records.map((x) => Number(x.id) - 1)).toEqual(keptIdx);
    for (const rec of r.records) {
      const i = Number(rec.id) - 1;
      expect(rec.row.negative_ids).toEqual(expectedKept[i]?.map((h) => String(h.doc + 1)));
    }
    expect(r.rejected.map((x) => x.type)).toEqual(new Array(10 - keptIdx.length).fill("too-few-negatives"));
    expect(r.rejected[0]?.message).toMatch(/fewer than minNeg 2/);
    expect(r.counters.short_negatives).toBe(keptIdx.filter((i) => (expectedKept[i]?.length ?? 0) < 3).length);
  });

  it("keeps rows with fewer than numNeg but at least minNeg, and counts them", async () => {
    const r = await run({ numNeg: 8, minNeg: 8 });
    const enough = QUESTIONS.map((_, i) => eligible(i).length >= 8);
    expect(r.records.map((x) => Number(x.id) - 1)).toEqual(enough.flatMap((ok, i) => (ok ? [i] : [])));
    expect(r.rejected).toHaveLength(enough.filter((ok) => !ok).length);

    const lenient = await run({ numNeg: 8, minNeg: 1 });
    expect(lenient.rows).toHaveLength(10);
    lenient.rows.forEach((row, i) => {
      expect(row.hard_negatives).toHaveLength(Math.min(8, eligible(i).length));
    });
    expect(lenient.counters.short_negatives).toBe(enough.filter((ok) => !ok).length);
  });
});

describe("rare/bm25-hard-neg on a small corpus", () => {
  const docs = [
    { id: "valve", text: "The heart valve keeps blood flowing one way through the heart chambers." },
    { id: "valve-copy", text: "The heart valve keeps blood  flowing one way through the heart chambers." },
    { id: "rhythm", text: "The heart rhythm is set by the sinoatrial node, the heart's pacemaker." },
    { id: "lungs", text: "The lungs exchange oxygen and carbon dioxide across thin alveolar walls." },
    { id: "kidney", text: "The kidney filters blood and balances water and salt." },
  ];
  const rows = docs.map((d) => ({
    id: d.id,
    row: { text: d.text, question: "Why does a leaking heart valve let blood flow backwards?" },
  }));
  const dir = mkdtempSync(path.join(tmpdir(), "rare-bm25-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("excludes an identical text under another id, and counts it", async () => {
    const r = await runOperator(Bm25HardNegOperator, rows.slice(0, 1).concat(rows.slice(1)), {
      params: { numNeg: 2 },
    });
    expect(r.rows[0]?.negative_ids).toEqual(["kidney", "rhythm"]);
    expect(r.counters.excluded_identical).toBeGreaterThanOrEqual(2);
  });

  it("searches question + scenario when asked", async () => {
    const input = [
      {
        id: "a",
        row: {
          text: docs[3]?.text,
          question: "What is exchanged?",
          scenario: "A diver's heart slows and her blood oxygen falls.",
        },
      },
      ...rows.slice(2, 3),
      ...rows.slice(4),
    ];
    const plain = await runOperator(Bm25HardNegOperator, input, { params: { minNeg: 0 } });
    // Only the positive itself shares a term with the bare question.
    expect(plain.rows[0]?.hard_negatives).toEqual([]);
    const both = await runOperator(Bm25HardNegOperator, input, {
      params: { query: "question+scenario" },
    });
    expect(both.rows[0]?.negative_ids).toEqual(["kidney", "rhythm"]);
  });

  it("mines from a separate JSONL corpus, excluding the row's own id", async () => {
    const corpus = path.join(dir, "corpus.jsonl");
    writeFileSync(
      corpus,
      `${docs.map((d) => JSON.stringify({ id: d.id, text: d.text.replace("keeps", "lets") })).join("\n")}\n`,
    );
    const r = await runOperator(
      Bm25HardNegOperator,
      [{ id: "rhythm", row: { text: "unrelated positive text", question: "How is the heart rhythm set?" } }],
      { params: { corpus, numNeg: 5 } },
    );
    // "rhythm" is the row's own id in the corpus; "valve-copy" repeats a chosen negative; the rest share no term.
    expect(r.rows[0]?.negative_ids).toEqual(["valve"]);
    expect(r.counters.excluded_duplicate).toBe(1);
  });

  it("mines from the step's retriever when it names one, and refuses a retriever together with params.corpus", async () => {
    const retriever = new Bm25Retriever({
      name: "docs",
      corpus: { ids: docs.map((d) => d.id), texts: docs.map((d) => d.text) },
    });
    // One row only: the retriever's corpus, not the dataset, is where negatives come from.
    const r = await runOperator(Bm25HardNegOperator, rows.slice(0, 1), { params: { numNeg: 2 }, retriever });
    expect(r.rows[0]?.negative_ids).toEqual(["kidney", "rhythm"]);
    expect(r.counters.excluded_identical).toBeGreaterThanOrEqual(1);
    await expect(
      runOperator(Bm25HardNegOperator, rows.slice(0, 1), { params: { corpus: "x.jsonl" }, retriever }),
    ).rejects.toThrow(/both a retriever \("docs"\) and params.corpus/);
  });

  it("rejects rows without a question or text, and refuses minNeg above numNeg", async () => {
    const r = await runOperator(Bm25HardNegOperator, [
      { text: "heart", question: " " },
      { text: 3, question: "heart?" },
      { text: "heart" },
    ]);
    expect(r.rejected.map((x) => [x.id, x.type])).toEqual([
      ["1", "bad-input"],
      ["2", "bad-input"],
      ["3", "bad-input"],
    ]);
    await expect(
      runOperator(Bm25HardNegOperator, rows, { params: { numNeg: 1, minNeg: 2 } }),
    ).rejects.toThrow(/minNeg \(2\) is greater than numNeg \(1\)/);
  });
});
