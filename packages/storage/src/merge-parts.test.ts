import { readFileSync, writeFileSync } from "node:fs";
import { stableIdHash } from "@dataflow/core";
import { describe, expect, it } from "vitest";
import { FileStorage } from "./file-storage.js";
import { mergeParts } from "./merge-parts.js";
import { positionsFileName, shardFileName } from "./shard-file-name.js";
import { useTempDir } from "./testdata/temp-dir.js";

/** Output rows of a made-up run: position p is filtered when p % 7 == 3, split in two when p % 5 == 0. */
function outputRows(): { position: number; id: string; row: Record<string, unknown> }[] {
  const out = [];
  for (let p = 0; p < 200; p++) {
    if (p % 7 === 3) continue;
    const row = { p, text: `row ${p} "quoted", with commas`, score: p / 8, tags: p % 2 ? ["a"] : [], k: 0 };
    if (p % 5 === 0)
      for (const k of [0, 1]) out.push({ position: p, id: `${p + 1}.${k}`, row: { ...row, k } });
    else out.push({ position: p, id: String(p + 1), row });
  }
  return out;
}

async function write(path: string, rows: ReturnType<typeof outputRows>, positions?: string): Promise<void> {
  const storage = new FileStorage({
    input: { path: "unused.jsonl" },
    output: { path, ...(positions ? { positions } : {}) },
    rejects: { path: `${path}.rejects` },
  });
  const sink = await storage.openSink();
  const pos = await storage.openPositions?.();
  for (const r of rows) {
    await sink.write({ id: r.id, row: r.row });
    await pos?.write(r.position, r.id);
  }
  await sink.commit();
  await pos?.commit();
}

/** The rows split into `count` parts by the hash of their source row's id, as shards split them. */
async function writeParts(whole: string, count: number): Promise<string[]> {
  const rows = outputRows();
  const parts = Array.from({ length: count }, (_, i) => shardFileName(whole, i, count));
  for (const [i, part] of parts.entries()) {
    const mine = rows.filter((r) => stableIdHash(String(r.position + 1)) % count === i);
    await write(part, mine, positionsFileName(part));
  }
  return parts;
}

async function merge(parts: string[], out: string, keep?: (p: number, id: string) => boolean) {
  const storage = new FileStorage({
    input: { path: "unused.jsonl" },
    output: { path: out },
    rejects: { path: `${out}.r` },
  });
  return mergeParts({
    parts: parts.map((path) => ({ path })),
    sink: await storage.openSink(),
    ...(keep ? { keep } : {}),
  });
}

describe("mergeParts", () => {
  const dir = useTempDir();

  it.each(["jsonl", "csv", "parquet", "json", "jsonl.gz"])(
    "merges 3 %s parts into the bytes a whole run writes",
    async (ext) => {
      const whole = dir(`whole.${ext}`);
      await write(whole, outputRows());
      const parts = await writeParts(dir(`out.${ext}`), 3);
      const result = await merge(parts, dir(`merged.${ext}`));
      expect(result.rows).toBe(outputRows().length);
      expect(result.perPart.every((n) => n > 20)).toBe(true);
      expect(readFileSync(dir(`merged.${ext}`)).equals(readFileSync(whole))).toBe(true);
    },
  );

  it("leaves out the rows `keep` refuses and counts them", async () => {
    const parts = await writeParts(dir("out.jsonl"), 2);
    const result = await merge(parts, dir("m.jsonl"), (p) => p >= 100);
    const lines = readFileSync(dir("m.jsonl"), "utf8").trim().split("\n");
    expect(lines.map((l) => JSON.parse(l).p)).toEqual(
      outputRows()
        .filter((r) => r.position >= 100)
        .map((r) => r.row.p),
    );
    expect(result.left).toBe(outputRows().filter((r) => r.position < 100).length);
  });

  it("refuses overlapping parts, and a part whose positions file is short, naming the files", async () => {
    const [a] = await writeParts(dir("out.jsonl"), 2);
    await expect(merge([a as string, a as string], dir("m.jsonl"))).rejects.toThrow(
      /source position 0 is in both .*out-00000-of-00002\.jsonl and .*: the parts overlap/,
    );
    const positions = positionsFileName(a as string);
    const text = readFileSync(positions, "utf8").split("\n");
    writeFileSync(positions, `${text.slice(0, 5).join("\n")}\n`);
    await expect(merge([a as string], dir("m.jsonl"))).rejects.toThrow(
      /out-00000-of-00002\.jsonl and .*\.positions disagree: the positions file ends first; rerun this part/,
    );
  });

  it("names shard files as datasets do, keeping compound extensions", () => {
    expect(shardFileName("out/rare.jsonl", 2, 8)).toBe("out/rare-00002-of-00008.jsonl");
    expect(shardFileName("out/rare.jsonl.gz", 0, 3)).toBe("out/rare-00000-of-00003.jsonl.gz");
    expect(shardFileName("out/x.y.parquet", 12, 123456)).toBe("out/x.y-000012-of-123456.parquet");
    expect(shardFileName("out/noext", 1, 2)).toBe("out/noext-00001-of-00002");
  });
});
