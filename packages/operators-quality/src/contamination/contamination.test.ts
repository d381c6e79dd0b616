import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { runOperator } from "@dataflow/core";
import { afterAll, describe, expect, it } from "vitest";
import { ContaminationOperator } from "./contamination.js";

const dir = mkdtempSync(join(tmpdir(), "contamination-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const GSM = [
  {
    id: "gsm-1",
    question:
      "Natalia sold clips to 48 of her friends in April, and then she sold half as many clips in May. How many clips did Natalia sell altogether?",
    answer: "72",
  },
  {
    id: "gsm-2",
    question:
      "Weng earns $12 an hour for babysitting. Yesterday, she just did 50 minutes of babysitting. How much did she earn?",
    answer: "10",
  },
];
const MMLU = [
  {
    question: "Which of the following best describes the function of the mitochondria in eukaryotic cells?",
    choices: [
      "It produces most of the chemical energy that powers the cell's biochemical reactions",
      "storage",
    ],
  },
];

function writeJsonl(name: string, items: object[], gzip = false): string {
  const text = items.map((i) => JSON.stringify(i)).join("\n");
  const path = join(dir, name);
  writeFileSync(path, gzip ? gzipSync(text) : text);
  return path;
}

const gsm = writeJsonl("gsm8k.jsonl", GSM);
const mmlu = writeJsonl("mmlu.jsonl.gz", MMLU, true);

const rows = [
  // 13 consecutive words of gsm-1, with other case and punctuation.
  {
    text: "Here is a puzzle: NATALIA sold clips -- to 48 of her friends in april; and then she SOLD half as many...",
  },
  // Only 12 consecutive words of gsm-1: no match.
  { text: "Natalia sold clips to 48 of her friends in April, and then bought pens." },
  // 12 words of gsm-2 then a different word: no match.
  { text: "Weng earns $12 an hour for babysitting. Yesterday, she just did 50 hours of gardening." },
  // A 13-gram inside an answer choice of an item without an id.
  {
    text: "Recall that it produces most of the chemical energy that powers the cell's biochemical reactions.",
  },
  {
    text: "A clean row about bicycles and chains that matches nothing in any benchmark at all, long enough.",
  },
];

describe("quality/contamination", () => {
  it("flags rows sharing a 13-gram with a reference item, after normalising case and punctuation", async () => {
    const result = await runOperator(ContaminationOperator, rows, { params: { references: [gsm, mmlu] } });
    const flags = result.rows.map((r) => r.contamination);
    expect(flags).toEqual([
      {
        file: "gsm8k.jsonl",
        id: "gsm-1",
        ngram: "natalia sold clips to 48 of her friends in april and then she",
      },
      null,
      null,
      {
        file: "mmlu.jsonl.gz",
        id: "mmlu.jsonl.gz:1",
        ngram: "it produces most of the chemical energy that powers the cell s biochemical",
      },
      null,
    ]);
    expect(result.counters.contaminated).toBe(2);
  });

  it("filters contaminated rows with the item in the reason", async () => {
    const result = await runOperator(ContaminationOperator, rows, {
      params: { references: [gsm, mmlu], action: "filter" },
    });
    expect(result.filtered).toEqual([
      { id: "1", reason: "contaminated: shares a 13-gram with gsm8k.jsonl item gsm-1" },
      { id: "4", reason: "contaminated: shares a 13-gram with mmlu.jsonl.gz item mmlu.jsonl.gz:1" },
    ]);
    expect(result.rows).toHaveLength(3);
  });

  it("takes n from params and indexes only referenceFields", async () => {
    const twelve = await runOperator(ContaminationOperator, rows.slice(1, 2), {
      params: { references: [gsm], ngram: 12 },
    });
    expect(twelve.rows[0]?.contamination).toMatchObject({ id: "gsm-1" });
    const answersOnly = await runOperator(ContaminationOperator, rows.slice(0, 1), {
      params: { references: [gsm], referenceFields: ["answer"] },
    });
    expect(answersOnly.rows[0]?.contamination).toBeNull();
  });

  it("fails the step on a reference line that is not JSON, naming the file and line", async () => {
    const bad = join(dir, "bad.jsonl");
    writeFileSync(bad, `${JSON.stringify({ id: 1, text: "fine" })}\n{not json\n`);
    await expect(runOperator(ContaminationOperator, rows, { params: { references: [bad] } })).rejects.toThrow(
      /bad\.jsonl:2: not valid JSON/,
    );
  });

  it("rejects a row whose text is not a string", async () => {
    const result = await runOperator(ContaminationOperator, [{ text: ["a"] }], {
      params: { references: [gsm] },
    });
    expect(result.rejected).toEqual([expect.objectContaining({ id: "1", type: "bad-input" })]);
  });

  it("accepts only JSONL reference files", async () => {
    await expect(
      runOperator(ContaminationOperator, rows, { params: { references: [join(dir, "refs.parquet")] } }),
    ).rejects.toThrow(/invalid params/);
  });
});
