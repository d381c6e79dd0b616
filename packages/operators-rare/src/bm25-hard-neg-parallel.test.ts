import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { runOperator, seededRandom } from "@dataflow/core";
import { afterAll, describe, expect, it } from "vitest";
import { Bm25HardNegOperator } from "./bm25-hard-neg.js";

const repoRoot = path.resolve(import.meta.dirname, "../../..");
const SAMPLE = path.join(path.resolve(repoRoot, "..", "shared"), "data", "pipeline_small_chunk.json");
const haveSample = existsSync(SAMPLE);

const tmp = mkdtempSync(path.join(tmpdir(), "bm25-parallel-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/**
 * Sliding-window chunks (400 words, stride 250: neighbours share 150 words, so the overlap rule
 * fires) of documents made from the real sample's sentences reshuffled, with a few exact copies,
 * and a 12-word question per chunk drawn from its own words.
 */
function generatedRows(docs: number): { id: string; row: Record<string, unknown> }[] {
  const sample = haveSample
    ? (JSON.parse(readFileSync(SAMPLE, "utf8")) as { text: string }[]).map((r) => r.text).join(" ")
    : "the heart pumps blood through arteries and veins while lymph returns fluid to the venous system";
  const words = sample.split(/\s+/).filter(Boolean);
  const random = seededRandom("bm25-parallel").float;
  const rows: { id: string; row: Record<string, unknown> }[] = [];
  for (let d = 0; d < docs; d++) {
    const start = Math.floor(random() * (words.length - 1200));
    const doc = words.slice(start, start + 1000 + Math.floor(random() * 200));
    for (let c = 0, at = 0; at < doc.length; c++, at += 250) {
      const chunk = doc.slice(at, at + 400);
      const pick = () => chunk[Math.floor(random() * chunk.length)] ?? "blood";
      const question = `How does ${pick()} ${pick()} ${pick()} relate to ${pick()} ${pick()} when ${pick()} ${pick()}?`;
      rows.push({
        id: `d${d}#${c}`,
        row: { text: chunk.join(" "), question, doc_id: `d${d}`, chunk_index: c },
      });
    }
  }
  // Exact copies elsewhere in the corpus: excluded as identical, and as duplicates of each other.
  for (let i = 0; i < 20; i++) {
    const copied = rows[i * 7] as { row: Record<string, unknown> };
    rows.push({ id: `copy${i}`, row: { text: copied.row.text, question: `${copied.row.question} again` } });
  }
  return rows;
}

/**
 * Everything the step reports, for comparing runs. Rejections and observations arrive as rows
 * finish, which threads reorder (as an LLM step's do); rows themselves come out in input order.
 */
async function mine(rows: ReturnType<typeof generatedRows>, params: Record<string, unknown>) {
  const r = await runOperator(Bm25HardNegOperator, rows, { params });
  const observed = Object.fromEntries(
    Object.entries(r.observed).map(([name, values]) => [name, [...values].sort((a, b) => a - b)]),
  );
  const rejected = [...r.rejected].sort((a, b) => a.id.localeCompare(b.id));
  return { rows: r.rows, rejected, counters: r.counters, observed };
}

describe("rare/bm25-hard-neg on ranking threads", () => {
  const rows = generatedRows(120);

  it("mines exactly what one thread mines: rows in input order with the same negatives, ids and scores; counters; margins", async () => {
    const one = await mine(rows, { numNeg: 3, skipTop: 1, workers: 1 });
    const three = await mine(rows, { numNeg: 3, skipTop: 1, workers: 2 });
    expect(three).toEqual(one);
    expect(rows.length).toBeGreaterThan(500);
    expect(one.rows.length + one.rejected.length).toBe(rows.length);
    expect(one.counters.excluded_overlap).toBeGreaterThan(0);
    expect(one.counters.excluded_same_document).toBeGreaterThan(0);
    expect(one.counters.excluded_identical).toBeGreaterThan(0);
  });

  it("agrees with one thread with minScore, the scenario in the query, and a corpus file", async () => {
    const file = path.join(tmp, "corpus.jsonl");
    writeFileSync(file, rows.map((r) => JSON.stringify({ id: r.id, text: r.row.text })).join("\n"));
    const params = { numNeg: 4, minNeg: 2, minScore: 6, query: "question+scenario", corpus: file };
    const withScenario = rows.map((r, i) => ({ ...r, row: { ...r.row, scenario: i % 3 ? "" : "blood" } }));
    const one = await mine(withScenario, { ...params, workers: 1 });
    const two = await mine(withScenario, { ...params, workers: 2 });
    expect(two).toEqual(one);
    expect(one.rejected.length).toBeGreaterThan(0);
    expect(one.rows.length).toBeGreaterThan(0);
  });

  it("mines the same from a corpus file whose texts stay on disk (DATAFLOW_CORPUS_MEMORY_MIB=0)", async () => {
    const file = path.join(tmp, "corpus-on-disk.jsonl");
    writeFileSync(file, rows.map((r) => JSON.stringify({ id: r.id, text: r.row.text })).join("\n"));
    const params = { numNeg: 3, skipTop: 1, corpus: file };
    const held = await mine(rows, { ...params, workers: 2 });
    process.env.DATAFLOW_CORPUS_MEMORY_MIB = "0";
    try {
      expect(await mine(rows, { ...params, workers: 2 })).toEqual(held);
      expect(await mine(rows, { ...params, workers: 1 })).toEqual(held);
    } finally {
      delete process.env.DATAFLOW_CORPUS_MEMORY_MIB;
    }
    expect(held.counters.excluded_overlap).toBeGreaterThan(0);
  });

  it.skipIf(!haveSample)("agrees with one thread on the real sample's 10 chunks", async () => {
    const texts = (JSON.parse(readFileSync(SAMPLE, "utf8")) as { text: string }[]).map((r) => r.text);
    const sample = texts.map((text, i) => ({
      id: String(i + 1),
      row: { text, question: `${text.split(/\s+/).slice(40, 52).join(" ")}?` },
    }));
    const one = await mine(sample, { workers: 1 });
    expect(await mine(sample, { workers: 2 })).toEqual(one);
    expect(one.rows.every((r) => (r.hard_negatives as string[]).length === 3)).toBe(true);
  });
});
