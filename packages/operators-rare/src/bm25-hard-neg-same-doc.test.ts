import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { runOperator } from "@dataflow/core/testing";
import { describe, expect, it } from "vitest";
import { Bm25HardNegOperator } from "./bm25-hard-neg.js";
import { chunkPlace, SameDocumentRule } from "./bm25-hard-neg-same-doc.js";

const SAMPLE = path.resolve(
  import.meta.dirname,
  "../../../..",
  "shared",
  "data",
  "pipeline_small_chunk.json",
);
const haveSample = existsSync(SAMPLE);
if (!haveSample)
  console.warn(
    `[rare/bm25-hard-neg same-document] skipping the sample-corpus test: ${SAMPLE} does not exist`,
  );

// The text-overlap rule off, so only the same-document rule keeps neighbours out.
const NO_OVERLAP = { minSharedChars: 0, maxContainment: 0 };

describe("chunkPlace and SameDocumentRule", () => {
  it("reads doc_id and chunk_index, else an id <doc id>#<n>", () => {
    expect(chunkPlace("manual.md", 3, "x")).toEqual({ doc: "manual.md", index: 3 });
    expect(chunkPlace(42, "3", "x")).toEqual({ doc: "42", index: undefined });
    expect(chunkPlace(undefined, undefined, "docs/a#b.md#12")).toEqual({ doc: "docs/a#b.md", index: 12 });
    expect(chunkPlace(undefined, undefined, "bike-01")).toBeUndefined();
  });

  it("excludes within ±N chunks, all of the document, or nothing", () => {
    const places = [0, 1, 2, 3, 4].map((i) => ({ doc: "a", index: i }));
    places.push({ doc: "b", index: 1 });
    const within = (w: ConstructorParameters<typeof SameDocumentRule>[0]) => {
      const rule = new SameDocumentRule(w, places);
      return places.map((_, d) => rule.excludes({ doc: "a", index: 2 }, d));
    };
    expect(within(1)).toEqual([false, true, true, true, false, false]);
    expect(within(2)).toEqual([true, true, true, true, true, false]);
    expect(within("all")).toEqual([true, true, true, true, true, false]);
    expect(within("off")).toEqual([false, false, false, false, false, false]);
    expect(new SameDocumentRule(1, places).excludes({ doc: "a", index: undefined }, 1)).toBe(false);
    expect(new SameDocumentRule("all", places).excludes({ doc: "a", index: undefined }, 1)).toBe(true);
  });
});

/** Two documents of six chunks; chunk n of a document shares its topic words with chunks n-1 and n+1. */
function chunkRows() {
  const rows = [];
  for (const doc of ["brakes.md", "gears.md"]) {
    const topic = doc.slice(0, 5);
    for (let n = 0; n < 6; n++) {
      rows.push({
        id: `${doc}#${n}`,
        row: {
          doc_id: doc,
          chunk_index: n,
          chunk_count: 6,
          text: `The ${topic} part ${topic}x${n} meets ${topic}x${n + 1} in section ${n}; check ${topic}x${n} and ${topic}x${n + 1} together.`,
          question: `How do ${topic}x${n} and ${topic}x${n + 1} work together?`,
        },
      });
    }
  }
  return rows;
}

describe("rare/bm25-hard-neg's same-document rule", () => {
  const rows = chunkRows();
  const run = (sameDocument?: unknown) =>
    runOperator(Bm25HardNegOperator, rows, {
      params: {
        numNeg: 2,
        minNeg: 0,
        overlap: NO_OVERLAP,
        ...(sameDocument !== undefined ? { sameDocument } : {}),
      },
    });
  const neighbours = (id: string, negatives: string[], window: number) => {
    const [doc, n] = id.split("#") as [string, string];
    return negatives.filter((x) => {
      const [d, m] = x.split("#") as [string, string];
      return d === doc && Math.abs(Number(m) - Number(n)) <= window;
    });
  };

  it("without it, BM25 picks the neighbouring chunks first", async () => {
    const r = await run("off");
    const found = r.records.flatMap((rec) => neighbours(rec.id, rec.row.negative_ids as string[], 1));
    expect(found.length).toBeGreaterThan(rows.length / 2);
    expect(r.counters.excluded_same_document).toBeUndefined();
  });

  it("by default keeps out the adjacent chunks (±1) and counts them", async () => {
    const r = await run();
    for (const rec of r.records)
      expect(neighbours(rec.id, rec.row.negative_ids as string[], 1), rec.id).toEqual([]);
    expect(r.counters.excluded_same_document).toBeGreaterThan(0);
  });

  it("with `all` keeps out every chunk of the same document", async () => {
    const r = await run("all");
    for (const rec of r.records) {
      const doc = rec.id.split("#")[0] as string;
      expect(
        (rec.row.negative_ids as string[]).every((id) => !id.startsWith(`${doc}#`)),
        rec.id,
      ).toBe(true);
    }
  });
});

describe.skipIf(!haveSample)("rare/bm25-hard-neg on the sample textbook's chunks as one document", () => {
  const texts = haveSample
    ? (JSON.parse(readFileSync(SAMPLE, "utf8")) as { text: string }[]).map((r) => r.text)
    : [];
  // Each question takes words from its chunk and the next, so the neighbour ranks high.
  const words = texts.map((t) => t.split(/\s+/).filter((w) => /^[a-z]{6,}$/.test(w)));
  const rows = texts.map((text, i) => ({
    id: `anatomy#${i}`,
    row: {
      text,
      doc_id: "anatomy",
      chunk_index: i,
      chunk_count: texts.length,
      question: [...(words[i] ?? []).slice(0, 6), ...(words[i + 1] ?? words[i - 1] ?? []).slice(0, 6)].join(
        " ",
      ),
    },
  }));

  it("never returns a same-document neighbour with the text-overlap rule off", async () => {
    const off = await runOperator(Bm25HardNegOperator, rows, {
      params: { numNeg: 3, overlap: NO_OVERLAP, sameDocument: "off" },
    });
    const adjacent = (id: string, negatives: string[]) =>
      negatives.filter((n) => Math.abs(Number(n.split("#")[1]) - Number(id.split("#")[1])) === 1);
    expect(off.records.some((r) => adjacent(r.id, r.row.negative_ids as string[]).length > 0)).toBe(true);
    const on = await runOperator(Bm25HardNegOperator, rows, { params: { numNeg: 3, overlap: NO_OVERLAP } });
    for (const r of on.records) expect(adjacent(r.id, r.row.negative_ids as string[]), r.id).toEqual([]);
    expect(on.counters.excluded_same_document).toBeGreaterThanOrEqual(texts.length);
    // One document only: with `all`, no row has a negative left.
    const all = await runOperator(Bm25HardNegOperator, rows, {
      params: { numNeg: 3, overlap: NO_OVERLAP, sameDocument: "all" },
    });
    expect(all.rejected.map((r) => r.type)).toEqual(texts.map(() => "too-few-negatives"));
  });
});
