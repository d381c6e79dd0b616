import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type RowRecord, runOperator } from "@dataflow/core";
import { ChunkOperator } from "@dataflow/operators-docs";
import { Bm25HardNegOperator } from "@dataflow/operators-rare";
import { describe, expect, it } from "vitest";

// DataFlow's sample lives beside the repository (../shared), never in it.
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const SAMPLE = path.resolve(repoRoot, "..", "shared", "data", "pipeline_small_chunk.json");
const available = existsSync(SAMPLE);
if (!available) console.warn(`[chunk-negatives] skipped: ${SAMPLE} does not exist`);

/** The ten sample chunks joined back into one long document, re-chunked by doc/chunk with overlap. */
async function chunkRows(): Promise<RowRecord[]> {
  const texts = (JSON.parse(readFileSync(SAMPLE, "utf8")) as { text: string }[]).map((r) => r.text);
  const chunked = await runOperator(ChunkOperator, [{ id: "anatomy", row: { text: texts.join("\n\n") } }], {
    params: { size: 900, overlap: 200 },
  });
  expect(chunked.rows.length).toBeGreaterThan(50);
  // Each chunk's question is its opening words, which its previous chunk shares (the overlap):
  // BM25 ranks that neighbour high, so only the same-document rule keeps it out.
  return chunked.records.map((r) => ({
    id: r.id,
    row: { ...r.row, question: String(r.row.text).split(/\s+/).slice(0, 30).join(" ") },
  }));
}

/** How many negatives are the chunk right before or after the row's own. */
function neighbours(result: Awaited<ReturnType<typeof runOperator>>): number {
  let n = 0;
  for (const row of result.rows) {
    const own = row.chunk_index as number;
    for (const id of row.negative_ids as string[]) {
      const index = Number(id.slice(id.lastIndexOf("#") + 1));
      expect(id.startsWith("anatomy#")).toBe(true);
      if (Math.abs(index - own) === 1) n++;
    }
  }
  return n;
}

describe.skipIf(!available)("rare/bm25-hard-neg on the chunks of one long document (doc/chunk)", () => {
  const noOverlapRule = { minSharedChars: 0, maxContainment: 0 };

  it("never returns an adjacent chunk of the same document, with the text-overlap rule off", async () => {
    const rows = await chunkRows();
    const params = { numNeg: 3, minNeg: 1, overlap: noOverlapRule, corpusFrom: "upstream" };
    const off = await runOperator(Bm25HardNegOperator, rows, { params: { ...params, sameDocument: "off" } });
    // Control: without the rule the neighbours are among the negatives, so the check below can fail.
    expect(neighbours(off)).toBeGreaterThan(rows.length / 4);

    const on = await runOperator(Bm25HardNegOperator, rows, { params });
    expect(on.rejected).toEqual([]);
    expect(on.rows).toHaveLength(rows.length);
    expect(neighbours(on)).toBe(0);
    expect(on.counters.excluded_same_document).toBeGreaterThan(0);
  });

  it("keeps every chunk of the document out with sameDocument: all", async () => {
    const rows = await chunkRows();
    const all = await runOperator(Bm25HardNegOperator, rows, {
      params: { numNeg: 3, minNeg: 1, overlap: noOverlapRule, corpusFrom: "upstream", sameDocument: "all" },
    });
    expect(all.rows).toEqual([]);
    expect(all.rejected).toHaveLength(rows.length);
  });
});
