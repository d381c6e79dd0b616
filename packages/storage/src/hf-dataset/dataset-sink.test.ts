import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Row, SourceItem } from "@dataflow/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { FileStorage } from "../file-storage.js";
import { openFileSource } from "../open-source.js";
import { DatasetSource } from "./dataset-source.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "hf-ds-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const row = (i: number): Row => ({
  question: `q${i}`,
  messages: [
    { role: "user", content: `q${i}` },
    { role: "assistant", content: `a${i}` },
  ],
  hard_negatives: [`n${i}`, `m${i}`],
  score: i / 2,
  ok: i % 2 === 0,
});

async function readRows(items: AsyncIterable<SourceItem>): Promise<SourceItem[]> {
  const out: SourceItem[] = [];
  for await (const item of items) out.push(item);
  return out;
}

describe("hf-dataset output", () => {
  it("writes Hub-named Parquet shards and a card whose dataset_info matches the columns; reads back identically", async () => {
    const out = join(dir, "out", "rare-dataset");
    const storage = new FileStorage({
      input: { path: join(dir, "unused.jsonl") },
      output: {
        path: out,
        format: "hf-dataset",
        split: "train",
        shardRows: 2,
        card: { pipeline: "rare-from-docs", steps: [{ id: "q", op: "rare/doc2query" }], models: ["gpt-x"] },
      },
      rejects: { path: join(dir, "out", "rejects.jsonl") },
    });
    const sink = await storage.openSink();
    const rows = [1, 2, 3, 4, 5].map(row);
    for (const [i, r] of rows.entries()) await sink.write({ id: String(i), row: r });
    await sink.commit();

    expect((await readdir(join(dir, "out"))).sort()).toEqual(["rare-dataset"]);
    expect((await readdir(join(out, "data"))).sort()).toEqual([
      "train-00000-of-00003.parquet",
      "train-00001-of-00003.parquet",
      "train-00002-of-00003.parquet",
    ]);
    const card = await readFile(join(out, "README.md"), "utf8");
    const front = parse(card.split("---\n")[1] as string);
    expect(front.configs).toEqual([
      { config_name: "default", data_files: [{ split: "train", path: "data/train-*" }] },
    ]);
    expect(front.dataset_info.features).toEqual([
      { name: "question", dtype: "string" },
      {
        name: "messages",
        list: [
          { name: "role", dtype: "string" },
          { name: "content", dtype: "string" },
        ],
      },
      { name: "hard_negatives", sequence: "string" },
      { name: "score", dtype: "float64" },
      { name: "ok", dtype: "bool" },
    ]);
    expect(front.dataset_info.splits).toEqual([{ name: "train", num_examples: 5 }]);
    expect(front.license).toBe("other");
    expect(card).toContain("Steps: q (rare/doc2query).");
    expect(card).toContain("Models: gpt-x.");

    const back = await readRows(openFileSource({ path: out }).read());
    expect(back.map((i) => i.kind === "row" && i.row)).toEqual(rows);
    expect(back.map((i) => i.id)).toEqual([
      "train-00000-of-00003.parquet:1",
      "train-00000-of-00003.parquet:2",
      "train-00001-of-00003.parquet:1",
      "train-00001-of-00003.parquet:2",
      "train-00002-of-00003.parquet:1",
    ]);
  });

  it("refuses a bad split name or shard size before writing", () => {
    const make = (output: object) =>
      new FileStorage({
        input: { path: "in.jsonl" },
        output: { path: join(dir, "x"), format: "hf-dataset", ...output },
        rejects: { path: "r.jsonl" },
      });
    expect(() => make({ split: "train-1" })).toThrow(/split must be a name of letters, digits and _/);
    expect(() => make({ shardRows: 0 })).toThrow(/shardRows must be a positive integer, got 0/);
  });
});

describe("hf-dataset input", () => {
  it("reads the split asked for from JSONL shards, and names the splits there are when it is missing", async () => {
    const ds = join(dir, "jsonl-ds");
    await mkdir(join(ds, "data"), { recursive: true });
    await writeFile(join(ds, "data", "train-00000-of-00002.jsonl"), '{"t":"a"}\n{"t":"b"}\n');
    await writeFile(join(ds, "data", "train-00001-of-00002.jsonl"), '{"t":"c"}\n');
    await writeFile(join(ds, "data", "test-00000-of-00001.jsonl"), '{"t":"z"}\nnot json\n');
    const train = await readRows(new DatasetSource({ path: ds }).read());
    expect(train.map((i) => i.kind === "row" && i.row.t)).toEqual(["a", "b", "c"]);
    const test = await readRows(openFileSource({ path: ds, split: "test" }).read());
    expect(test.map((i) => [i.kind, i.id])).toEqual([
      ["row", "test-00000-of-00001.jsonl:1"],
      ["bad", "test-00000-of-00001.jsonl:2"],
    ]);
    await expect(new DatasetSource({ path: ds, split: "validation" }).checkReadable()).rejects.toThrow(
      /no shards for split "validation" under data\/ \(splits there: test, train\); set source.split/,
    );
  });
});
