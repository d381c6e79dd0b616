import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Row, SourceItem } from "@dataflow/core";
import { DuckDBInstance } from "@duckdb/node-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeShape, inferColumnShape } from "./parquet-shape.js";
import { ParquetSink } from "./parquet-sink.js";
import { ParquetSource } from "./parquet-source.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "pq-shape-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const rare = (i: number): Row => ({
  id: `q${i}`,
  messages: [
    { role: "system", content: "Answer from the documents." },
    { role: "user", content: `question ${i}` },
    { role: "assistant", content: `answer ${i}` },
  ],
  hard_negatives: [`neg a${i}`, `neg b${i}`, `neg c${i}`],
  negative_scores: [3.5, 2, 1.25],
  passage_meta: { doc_id: `d${i}`, chunk_index: i, heading: { path: ["Brakes", "Rim brakes"] } },
});

async function write(path: string, rows: readonly Row[]): Promise<void> {
  const sink = await ParquetSink.open(path, { rowGroupSize: 2 });
  for (const [i, row] of rows.entries()) await sink.write({ id: String(i + 1), row });
  await sink.commit();
}

async function readBack(path: string): Promise<Row[]> {
  const rows: Row[] = [];
  for await (const item of new ParquetSource({ path }).read() as AsyncIterable<SourceItem>)
    if (item.kind === "row") rows.push(item.row);
  return rows;
}

describe("nested columns", () => {
  it("are shaped as LIST and STRUCT from the rows, or json when they disagree", () => {
    expect(describeShape(inferColumnShape([rare(1).messages, null, []]))).toBe(
      "list<struct<role: string, content: string>>",
    );
    expect(describeShape(inferColumnShape([rare(1).passage_meta]))).toBe(
      "struct<doc_id: string, chunk_index: int64, heading: struct<path: list<string>>>",
    );
    expect(describeShape(inferColumnShape([[1, 2.5], [3]]))).toBe("list<double>");
    expect(describeShape(inferColumnShape([[], []]))).toBe("list<json>");
    expect(describeShape(inferColumnShape([{ a: 1 }, { a: "x" }]))).toBe("json");
    expect(describeShape(inferColumnShape([[1], { a: 1 }]))).toBe("json");
    expect(describeShape(inferColumnShape([{}]))).toBe("json");
  });

  it("are written natively, read back identically, and an independent reader (DuckDB) sees their types", async () => {
    const path = join(dir, "rare.parquet");
    const rows = [1, 2, 3].map(rare);
    await write(path, rows);
    expect(await readBack(path)).toEqual(rows);

    const db = await DuckDBInstance.create(":memory:");
    const conn = await db.connect();
    try {
      const result = await conn.runAndReadAll(
        `SELECT messages[2].role AS role, hard_negatives[2] AS neg, negative_scores[1] AS score,
                passage_meta.heading.path[2] AS heading, typeof(messages) AS t
         FROM read_parquet('${path}') ORDER BY id`,
      );
      const got = result.getRowObjectsJson();
      expect(got[0]).toEqual({
        role: "user",
        neg: "neg b1",
        score: 3.5,
        heading: "Rim brakes",
        t: 'STRUCT("role" VARCHAR, "content" VARCHAR)[]',
      });
      expect(got.map((r) => r.neg)).toEqual(["neg b1", "neg b2", "neg b3"]);
    } finally {
      conn.closeSync();
      db.closeSync();
    }
  });

  it("fall back to JSON text when the first rows disagree, and still read back as values", async () => {
    const path = join(dir, "mixed.parquet");
    const rows = [{ meta: { a: 1 } }, { meta: { a: "one" } }];
    await write(path, rows);
    expect(await readBack(path)).toEqual(rows);
  });

  it("refuse a later row that does not fit the shape the first row group fixed, naming the column and the fix", async () => {
    const sink = await ParquetSink.open(join(dir, "late.parquet"), { rowGroupSize: 1 });
    await sink.write({ id: "1", row: { messages: [{ role: "user", content: "hi" }] } });
    expect(() => sink.write({ id: "2", row: { messages: [{ role: "user", content: 3 }] } })).toThrow(
      /row 2 .*column "messages" is list<struct<role: string, content: string>> \(from the first row group\) .*columnTypes: \{ "messages": "json" \}/,
    );
    await sink.abort();
  });
});
