import { writeFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { JsonlSource } from "./jsonl-source.js";
import { sampleColumns, sampleFileColumns } from "./sample-columns.js";
import { useTempDir } from "./testdata/temp-dir.js";

const tmp = useTempDir();

describe("sampleColumns", () => {
  it("unions the keys of the first n rows in first-seen order, skipping bad lines", async () => {
    const path = tmp("in.jsonl");
    await writeFile(path, '{"b":1,"a":2}\nnot json\n{"c":3,"a":1}\n{"d":4}\n');
    const source = new JsonlSource({ path });
    expect(await sampleColumns(source)).toEqual(["b", "a", "c", "d"]);
    expect(await sampleColumns(source, 2)).toEqual(["b", "a", "c"]);
    expect(await sampleColumns(source, 0)).toEqual([]);
  });
});

describe("sampleFileColumns", () => {
  it("opens a file by path and format on its own and samples its first rows", async () => {
    const csv = tmp("rows.data");
    await writeFile(csv, "id,text\n1,a\n2,b\n");
    expect(await sampleFileColumns({ path: csv, format: "csv" })).toEqual(["id", "text"]);
    const jsonl = tmp("rows.jsonl");
    await writeFile(jsonl, '{"a":1}\n{"b":2}\n{"c":3}\n');
    expect(await sampleFileColumns({ path: jsonl }, 2)).toEqual(["a", "b"]);
    await expect(sampleFileColumns({ path: tmp("rows.data") })).rejects.toThrow(/cannot tell the format/);
    await expect(sampleFileColumns({ path: tmp("gone.jsonl") })).rejects.toThrow(/input file not found/);
  });
});
