import { runOperator } from "@dataflow/core";
import { describe, expect, it } from "vitest";
import { ChunkOperator } from "./chunk-operator.js";

const manual = [
  "# Brakes",
  "",
  "Brakes turn motion into heat. Check them before every ride.",
  "",
  "## Rim brakes",
  "",
  "Rim brakes squeeze the wheel rim between two pads. Wet rims lengthen stopping distances a lot.",
].join("\n");

describe("doc/chunk", () => {
  it("emits one row per chunk, id <doc id>#<n>, with the document's columns and where the chunk came from", async () => {
    const out = await runOperator(
      ChunkOperator,
      [
        { id: "brakes.md", row: { text: manual, title: "Brakes" } },
        { id: "short.md", row: { text: "  Just one line.  ", title: "Short" } },
      ],
      { params: { size: 120 } },
    );
    expect(out.records.map((r) => r.id)).toEqual(["brakes.md#0", "brakes.md#1", "short.md#0"]);
    expect(out.rows[1]).toEqual({
      text: "## Rim brakes\n\nRim brakes squeeze the wheel rim between two pads. Wet rims lengthen stopping distances a lot.",
      title: "Brakes",
      doc_id: "brakes.md",
      chunk_index: 1,
      chunk_count: 2,
      heading_path: "Brakes > Rim brakes",
      char_start: manual.indexOf("## Rim"),
      char_end: manual.length,
    });
    expect(out.rows[0]).toMatchObject({
      chunk_index: 0,
      chunk_count: 2,
      heading_path: "Brakes",
      char_start: 0,
    });
    expect(out.rows[2]).toMatchObject({
      text: "Just one line.",
      doc_id: "short.md",
      chunk_count: 1,
      char_start: 2,
      char_end: 16,
    });
    expect(out.expanded).toEqual([{ id: "brakes.md", count: 2 }]);
  });

  it("filters empty documents with a reason and rejects a text that is not a string", async () => {
    const out = await runOperator(ChunkOperator, [{ text: " \n\t " }, { text: 42 }, { text: "ok" }]);
    expect(out.filtered).toEqual([
      { id: "1", reason: "empty or whitespace-only document: nothing to chunk" },
    ]);
    expect(out.rejected).toEqual([
      {
        id: "2",
        type: "bad-input",
        message: 'column "text" must hold the document as a string, got a number',
      },
    ]);
    expect(out.records.map((r) => r.id)).toEqual(["3#0"]);
  });

  it("sizes by estimated tokens (4 characters each) and writes to bound columns", async () => {
    const text = Array.from({ length: 60 }, (_, i) => `word${i}`).join(" ");
    const out = await runOperator(ChunkOperator, [{ body: text }], {
      params: { size: 25, unit: "tokens", overlap: 5, minSize: 0 },
      inputs: { text: "body" },
      outputs: { text: "passage", docId: "source" },
    });
    expect(out.rows.length).toBeGreaterThan(1);
    for (const row of out.rows) {
      expect((row.passage as string).length).toBeLessThanOrEqual(100);
      expect(row.source).toBe("1");
      expect(row.body).toBe(text);
    }
    const [first, second] = out.rows;
    expect(first?.char_end as number).toBeGreaterThan(second?.char_start as number);
    expect((first?.char_end as number) - (second?.char_start as number)).toBeLessThanOrEqual(20);
    expect(out.counters.short_last_chunks_merged ?? 0).toBe(0);
  });

  it("refuses an overlap or minSize not below size, and an unknown locale", async () => {
    await expect(runOperator(ChunkOperator, [], { params: { size: 10, overlap: 10 } })).rejects.toThrow(
      /\/overlap overlap 10 must be below size 10/,
    );
    await expect(runOperator(ChunkOperator, [], { params: { size: 10, minSize: 12 } })).rejects.toThrow(
      /\/minSize minSize 12 must be below size 10/,
    );
    await expect(runOperator(ChunkOperator, [], { params: { locale: "not a locale!" } })).rejects.toThrow(
      /\/locale/,
    );
  });
});
