import { writeFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { JsonlSource } from "./jsonl-source.js";
import { sampleColumns } from "./sample-columns.js";
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
