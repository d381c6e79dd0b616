import { writeFile } from "node:fs/promises";
import type { SourceItem } from "@dataflow/core";
import { describe, expect, it } from "vitest";
import { JsonlSource } from "./jsonl-source.js";
import { collect, useTempDir } from "./testdata/temp-dir.js";

describe("JsonlSource readBatches", () => {
  const tmp = useTempDir();

  async function batches(source: JsonlSource): Promise<(readonly SourceItem[])[]> {
    const out: (readonly SourceItem[])[] = [];
    for await (const batch of source.readBatches()) out.push(batch);
    return out;
  }

  it("gives the items read() gives, a chunk's worth at a time, honouring limit", async () => {
    const path = tmp("in.jsonl");
    const lines = Array.from({ length: 500 }, (_, i) => (i % 97 === 5 ? "{bad" : JSON.stringify({ i })));
    await writeFile(path, `${lines.join("\n")}\n`);
    for (const options of [{ chunkSize: 64 }, { chunkSize: 1024, limit: 123 }, {}]) {
      const all = await collect(new JsonlSource({ path, ...options }).read());
      const got = await batches(new JsonlSource({ path, ...options }));
      expect(got.flat()).toEqual(all);
      expect(got.every((b) => b.length > 0)).toBe(true);
      if (options.chunkSize === 1024) expect(all.filter((i) => i.kind === "row")).toHaveLength(123);
    }
    expect((await batches(new JsonlSource({ path, chunkSize: 256 }))).length).toBeGreaterThan(10);
  });
});
